// The --pidfile of gaffer_lookupd: refuse to start over a live process,
// replace a stale file, remove ours on exit.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';

/** Write our pid to `path`; throws when the file names another live process. */
export function writePidfile(path: string, pid = process.pid): void {
  let existing: number | undefined;
  try {
    existing = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  } catch { /* no pid file yet */ }
  if (existing !== undefined && Number.isInteger(existing) && existing !== pid && isRunning(existing)) {
    throw new ConfigError(`pid file "${path}" names a running process (${existing}); stop it or remove the file`);
  }
  try {
    writeFileSync(path, `${pid}\n`);
  } catch (err) {
    throw new ConfigError(`cannot write pid file "${path}": ${(err as Error).message}`, { cause: err });
  }
}

/** Remove the pid file if it still holds our pid. */
export function removePidfile(path: string, pid = process.pid): void {
  try {
    if (Number.parseInt(readFileSync(path, 'utf8').trim(), 10) === pid) unlinkSync(path);
  } catch { /* already gone */ }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
