// Reading the channel's command arguments (`args` list, `kwargs` object):
// each helper returns a typed value or throws 400 naming the argument.
import { BadRequestError, type GafferError } from '../../errors.js';

export function jobConfigArg(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) throw new BadRequestError('config_missing', 'a job config is required as the first argument: {"name": ..., "cmd": ...}');
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequestError('invalid_config', 'the job config must be a JSON object with "name" and "cmd"');
  return value as Record<string, unknown>;
}

export function loadOptions(kwargs: Record<string, unknown>): { sessionid?: string; env?: Record<string, string>; start?: boolean } {
  const sessionid = optionalText(kwargs.sessionid, 'sessionid');
  const start = kwargs.start;
  if (start !== undefined && start !== null && typeof start !== 'boolean') throw badCommand('"start" must be true or false');
  return {
    ...(sessionid === undefined ? {} : { sessionid }),
    ...(kwargs.env === undefined || kwargs.env === null ? {} : { env: envArg(kwargs.env) }),
    ...(typeof start === 'boolean' ? { start } : {}),
  };
}

export function envArg(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badCommand('"env" must be an object of NAME -> value');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export function optionalText(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw badCommand(`${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

export function required(value: unknown, message: string): unknown {
  if (value === undefined || value === null || value === '') throw badCommand(message);
  return value;
}

/** The error of a malformed command (400 `bad_command`). */
export function badCommand(message: string): GafferError {
  return new BadRequestError('bad_command', message);
}
