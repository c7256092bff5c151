import { join } from 'node:path';

/** The repository root (tests run from dist/test/...). */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

/** `node <fixture> args...` as a job command line. */
export function fixtureCmd(name: string, ...args: Array<string | number>): string {
  return [process.execPath, join(FIXTURES, name), ...args.map(String)].map((w) => JSON.stringify(w)).join(' ');
}
