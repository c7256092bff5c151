// `gaffer load` waits briefly for the first spawn of each job it started, so a
// Procfile command that cannot be spawned (a missing binary, a bad cwd) is an
// error of the load itself instead of a silent retry loop in gafferd
// (cli.md → gaffer load). It follows gafferd's canonical `spawn` and
// `spawn_error` events, subscribed before the jobs are loaded.
import type { GafferClient } from '../../client/gaffer-client.js';
import { followCanonicalEvents, type Follower } from './event-follower.js';

/** How long `gaffer load` waits for the first spawn result of each started job. */
export const FIRST_SPAWN_WAIT_MS = 5000;

export interface FirstSpawns {
  /** Expect a first result for this job (full name). */
  expect(fullName: string): void;
  /** The spawn errors of the expected jobs (full name → gafferd's message), once every job has a result or the wait ended. */
  failures(timeoutMs?: number): Promise<Map<string, string>>;
  close(): void;
}

/** Start following; undefined when gafferd's event feed cannot be followed (the check is then skipped). */
export async function watchFirstSpawns(client: GafferClient): Promise<FirstSpawns | undefined> {
  const outcomes = new Map<string, string | null>();
  const expected = new Set<string>();
  let settle: (() => void) | undefined;
  const onEvent = (type: string, payload: Record<string, unknown>): void => {
    const name = typeof payload.name === 'string' ? payload.name : undefined;
    if (name === undefined || outcomes.has(name)) return;
    if (type === 'spawn') outcomes.set(name, null);
    else if (type === 'spawn_error') outcomes.set(name, typeof payload.error === 'string' ? payload.error : String(payload.errno ?? 'spawn failed'));
    else return;
    if ([...expected].every((n) => outcomes.has(n))) settle?.();
  };
  let follower: Follower;
  try {
    follower = await followCanonicalEvents(client, onEvent, () => undefined);
  } catch {
    return undefined;
  }
  return {
    expect: (fullName) => { expected.add(fullName); },
    async failures(timeoutMs = FIRST_SPAWN_WAIT_MS) {
      if (![...expected].every((n) => outcomes.has(n))) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          settle = () => { clearTimeout(timer); resolve(); };
          void follower.done.then(settle);
        });
      }
      const failed = new Map<string, string>();
      for (const name of expected) {
        const outcome = outcomes.get(name);
        if (typeof outcome === 'string') failed.set(name, outcome);
      }
      return failed;
    },
    close: () => follower.close(),
  };
}
