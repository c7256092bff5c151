// The `port` job key (config.md "Operations keys"): each kept process gets
// its own PORT, `port + slot - 1`, as foreman gives each instance of a
// Procfile type. The slot is the lowest one free among the job's kept
// processes, so a respawned process gets back the PORT of the one it replaces
// and scaling up adds the next ports.
import { BadRequestError } from '../errors.js';
import type { JobConfig } from './job-config.js';

/** Validate the `port` member: undefined/null/'' = none, else an integer 1..65535. */
export function parseInstancePort(value: unknown, reason = 'invalid_process_info'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new BadRequestError(reason, `invalid job config member "port" = ${JSON.stringify(value)}: expected the first PORT, an integer 1..65535`);
  }
  return n;
}

/** `{PORT}` of the process in `slot` (1-based) when the job has a `port`; undefined otherwise. */
export function instancePortEnv(config: JobConfig, slot: number): Record<string, string> | undefined {
  return typeof config.port === 'number' && slot > 0 ? { PORT: String(config.port + slot - 1) } : undefined;
}
