// What an operator reads about a failed spawn or an unexpected exit.
import { SpawnError } from '../errors.js';
import type { Job } from './job.js';
import type { ManagedProcess } from './managed-process.js';

/** stderr lines quoted in the log line of an unexpected exit. */
export const EXIT_STDERR_LINES = 5;

/** The operator-facing error of a failed spawn (what failed, which job/pid, what to check). */
export function spawnError(job: Job, proc: ManagedProcess, err: NodeJS.ErrnoException): SpawnError {
  const hint = err.code === 'ENOENT'
    ? `check that '${proc.command.file}' exists and is on PATH, and that cwd '${proc.command.cwd}' exists`
    : err.code === 'EACCES' ? `check that '${proc.command.file}' is executable`
      : err.code === 'EPERM' ? 'gafferd may not switch to the configured uid/gid; run it as root or drop uid/gid'
        : 'see the cause';
  return new SpawnError(`job '${job.fullName}': process ${proc.pid} could not be spawned (${err.message}); ${hint}`, { cause: err });
}

/** The end of the exit line: the process's last stderr lines from the job's history, on the same line. */
export function lastStderr(job: Job, proc: ManagedProcess): string {
  const lines = job.history?.tail({ pid: proc.pid, stream: 'stderr', lines: EXIT_STDERR_LINES }).entries ?? [];
  if (lines.length === 0) return '';
  return `; last stderr: ${lines.map((e) => JSON.stringify(e.line.length > 200 ? `${e.line.slice(0, 200)}…` : e.line)).join(' | ')}`;
}
