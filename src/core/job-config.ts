import { BadRequestError, fieldError } from '../errors.js';
import { parseSignal } from '../util/signals.js';
import { validateJobName } from '../util/names.js';
import { formatFileMode, parseFileMode } from '../util/file-mode.js';
import { parseInstancePort } from './instance-port.js';
import { parseJobPolicy } from './job-policy.js';
import { parseLogOverflow } from './job-logs.js';
import { parseOutputHistory } from './output-history.js';

/** Flapping rule: `attempts` unexpected exits within `window` s stop the job for `retry_in` s, at most `max_retry` times. */
export interface FlappingConfig {
  attempts: number;
  window: number;
  retry_in: number;
  max_retry: number;
}

export const DEFAULT_FLAPPING: Readonly<FlappingConfig> = { attempts: 2, window: 1.0, retry_in: 7.0, max_retry: 5 };
export const DEFAULT_GRACEFUL_TIMEOUT = 30;

/** A normalized job (process template) configuration. Unknown members are kept as given. */
export interface JobConfig {
  name: string;
  cmd: string;
  args: string[] | string;
  env: Record<string, string>;
  uid: string | number | null;
  gid: string | number | null;
  cwd: string | null;
  detach: boolean;
  shell: boolean;
  os_env: boolean;
  numprocesses: number;
  flapping: FlappingConfig | null;
  redirect_output: string[];
  redirect_input: boolean;
  graceful_timeout: number;
  custom_streams: string[];
  stop_signal: string;
  priority?: number;
  [extra: string]: unknown;
}

/** Keys whose change does not require restarting the running processes. */
export const NON_PROCESS_KEYS = new Set(['numprocesses', 'priority', 'start', 'flapping', 'graceful_timeout', 'stop_signal',
  'restart', 'success_exit_codes', 'restart_delay', 'max_memory', 'on_give_up', 'health', 'health_interval', 'health_failures',
  'depends_on', 'ready_timeout', 'reload_strategy', 'rolling_batch', 'rolling_grace']);

/**
 * Validate and normalize a JSON job config (as posted to the API or read
 * from a config file). Throws BadRequestError naming the bad member.
 */
export function normalizeJobConfig(input: unknown, reason = 'invalid_process_info'): JobConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BadRequestError(reason, 'invalid job config: expected a JSON object with "name" and "cmd"');
  }
  const raw = input as Record<string, unknown>;
  const bad = (member: string, expected: string): BadRequestError => fieldError(reason, member, expected, raw[member]);

  const name = validateJobName(raw.name, reason);
  if (typeof raw.cmd !== 'string' || raw.cmd.trim() === '') throw bad('cmd', 'a non-empty command string');

  const config: JobConfig = { ...raw } as JobConfig;
  delete config.start;
  config.name = name;
  config.cmd = raw.cmd;

  if (raw.args === undefined || raw.args === null) config.args = [];
  else if (typeof raw.args === 'string') config.args = raw.args;
  else if (Array.isArray(raw.args)) config.args = raw.args.map((a) => String(a));
  else throw bad('args', 'an array of strings or a string');

  config.env = {};
  if (raw.env !== undefined && raw.env !== null) {
    if (typeof raw.env !== 'object' || Array.isArray(raw.env)) throw bad('env', 'an object of name -> value');
    for (const [k, v] of Object.entries(raw.env as Record<string, unknown>)) {
      config.env[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }

  config.uid = optionalId(raw.uid, 'uid', bad);
  config.gid = optionalId(raw.gid, 'gid', bad);
  if (raw.cwd === undefined || raw.cwd === null || raw.cwd === '') config.cwd = null;
  else if (typeof raw.cwd === 'string') config.cwd = raw.cwd;
  else throw bad('cwd', 'a directory path');

  config.detach = optionalBool(raw.detach, false, 'detach', bad);
  config.shell = optionalBool(raw.shell, false, 'shell', bad);
  config.os_env = optionalBool(raw.os_env, true, 'os_env', bad);
  config.redirect_input = optionalBool(raw.redirect_input, false, 'redirect_input', bad);

  if (raw.numprocesses === undefined || raw.numprocesses === null) config.numprocesses = 1;
  else {
    const n = Number(raw.numprocesses);
    if (!Number.isInteger(n) || n < 0) throw bad('numprocesses', 'an integer >= 0');
    config.numprocesses = n;
  }

  config.flapping = parseFlapping(raw.flapping);

  config.redirect_output = stringList(raw.redirect_output, 'redirect_output', bad);
  if (config.redirect_output.length > 2) throw bad('redirect_output', 'at most 2 labels (stdout, stderr)');
  config.custom_streams = stringList(raw.custom_streams, 'custom_streams', bad);

  if (raw.graceful_timeout === undefined || raw.graceful_timeout === null) config.graceful_timeout = DEFAULT_GRACEFUL_TIMEOUT;
  else {
    const t = Number(raw.graceful_timeout);
    if (!Number.isFinite(t) || t < 0) throw bad('graceful_timeout', 'a number of seconds >= 0');
    config.graceful_timeout = t;
  }

  if (raw.stop_signal === undefined || raw.stop_signal === null || raw.stop_signal === '') config.stop_signal = 'SIGTERM';
  else {
    try {
      parseSignal(raw.stop_signal as string | number);
    } catch {
      throw bad('stop_signal', 'a signal name or number such as TERM, INT or 15');
    }
    config.stop_signal = String(raw.stop_signal);
  }

  if (raw.logfile_mode !== undefined && raw.logfile_mode !== null) {
    const mode = typeof raw.logfile_mode === 'string' ? parseFileMode(raw.logfile_mode) : undefined;
    if (mode === undefined) throw bad('logfile_mode', 'an octal file mode as a string, such as "0640" or "0600"');
    config.logfile_mode = formatFileMode(mode);
  }
  const port = parseInstancePort(raw.port, reason);
  if (port === undefined) delete config.port;
  else config.port = port;

  // The operations keys (restart, ready, health, depends_on, max_memory...) are validated here too.
  parseJobPolicy(config, reason);
  parseLogOverflow(raw.log_overflow, reason);
  parseOutputHistory(raw.output_history, reason);

  if (raw.priority !== undefined && raw.priority !== null) {
    const p = Number(raw.priority);
    if (!Number.isInteger(p)) throw bad('priority', 'an integer (0 = first)');
    config.priority = p;
  } else {
    delete config.priority;
  }
  return config;
}

/**
 * Parse a flapping setting: an object with optional members, an array of up
 * to 4 numbers, or a string of numbers separated by commas and/or spaces.
 * Anything unparsable disables flapping detection (null), as in gaffer.
 */
export function parseFlapping(value: unknown): FlappingConfig | null {
  if (value === undefined || value === null || value === false || value === '') return null;
  let numbers: unknown[];
  if (typeof value === 'string') numbers = value.split(/[\s,]+/).filter((s) => s !== '').map(Number);
  else if (Array.isArray(value)) numbers = value.map(Number);
  else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const known = ['attempts', 'window', 'retry_in', 'max_retry'];
    if (Object.keys(obj).some((k) => !known.includes(k))) return null;
    numbers = known.map((k) => (obj[k] === undefined ? undefined : Number(obj[k])));
  } else return null;
  if (numbers.length > 4) return null;
  const defaults = [DEFAULT_FLAPPING.attempts, DEFAULT_FLAPPING.window, DEFAULT_FLAPPING.retry_in, DEFAULT_FLAPPING.max_retry];
  const values = defaults.map((d, i) => (numbers[i] === undefined ? d : numbers[i]));
  if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0)) return null;
  const [attempts, window, retryIn, maxRetry] = values as number[];
  return {
    attempts: Math.max(1, Math.trunc(attempts!)),
    window: window!,
    retry_in: retryIn!,
    max_retry: Math.trunc(maxRetry!),
  };
}

/** The serializable form of a config (as returned by the info routes). */
export function jobConfigToJSON(config: JobConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'function' || typeof v === 'symbol') continue;
    out[k] = v;
  }
  return out;
}

/** True when two configs differ in a key that affects the running processes. */
export function requiresRestart(before: JobConfig, after: JobConfig): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (NON_PROCESS_KEYS.has(key)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) return true;
  }
  return false;
}

type BadFactory = (member: string, expected: string) => BadRequestError;

function optionalId(value: unknown, member: string, bad: BadFactory): string | number | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
  throw bad(member, 'a name or a numeric id');
}

function optionalBool(value: unknown, fallback: boolean, member: string, bad: BadFactory): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['1', 'yes', 'true', 'on'].includes(v)) return true;
    if (['0', 'no', 'false', 'off'].includes(v)) return false;
  }
  throw bad(member, 'a boolean');
}

function stringList(value: unknown, member: string, bad: BadFactory): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value)) return value.map((s) => String(s).trim());
  throw bad(member, 'an array of strings');
}
