import { BadRequestError, fieldError } from '../errors.js';

/** How a job reacts when one of its processes ends on its own. */
export type RestartMode = 'always' | 'on-failure' | 'never';

/** A readiness or health check. */
export type Check =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'http'; url: string }
  | { kind: 'cmd'; command: string }
  | { kind: 'line'; pattern: RegExp };

/** The operations settings of a job (restart policy, readiness, health, dependencies, limits), typed. */
export interface JobPolicy {
  restart: RestartMode;
  successExitCodes: number[];
  /** Seconds before a respawn after an unexpected exit (0 = at once, with the crash-loop backoff). */
  restartDelay: number;
  maxMemory: number | undefined;
  onGiveUp: 'stop' | 'exit';
  ready: Check | undefined;
  readyTimeout: number;
  health: Check | undefined;
  healthInterval: number;
  healthFailures: number;
  dependsOn: string[];
  /** `all` (stop every process, then spawn: the original behaviour) or `rolling` (replace batch by batch, never below target). */
  reloadStrategy: 'all' | 'rolling';
  /** Processes replaced at a time by a rolling reload. */
  rollingBatch: number;
  /** Seconds a replacement without a `ready` check must stay up to count as ready in a rolling reload. */
  rollingGrace: number;
}

export const DEFAULT_READY_TIMEOUT = 30;
export const DEFAULT_HEALTH_INTERVAL = 10;
export const DEFAULT_HEALTH_FAILURES = 3;

/** The operations keys of a job config; absent keys keep the original gaffer behaviour. */
export const POLICY_KEYS = ['restart', 'success_exit_codes', 'restart_delay', 'max_memory', 'on_give_up', 'ready',
  'ready_timeout', 'health', 'health_interval', 'health_failures', 'depends_on', 'reload_strategy', 'rolling_batch', 'rolling_grace'] as const;

/**
 * Read and validate the operations keys of a (JSON or INI) job config. Throws
 * BadRequestError naming the key and the expected form.
 */
export function parseJobPolicy(config: Record<string, unknown>, reason = 'invalid_process_info'): JobPolicy {
  const bad = (key: string, expected: string): BadRequestError =>
    fieldError(reason, key, expected, config[key]);
  const present = (key: string): boolean => config[key] !== undefined && config[key] !== null && config[key] !== '';

  let restart: RestartMode = 'always';
  if (present('restart')) {
    const v = String(config.restart).toLowerCase();
    if (v !== 'always' && v !== 'on-failure' && v !== 'never') throw bad('restart', 'always, on-failure or never');
    restart = v;
  }
  let successExitCodes = [0];
  if (present('success_exit_codes')) {
    const raw = config.success_exit_codes;
    const list = Array.isArray(raw) ? raw : String(raw).split(/[\s,]+/).filter(Boolean);
    successExitCodes = list.map(Number);
    if (successExitCodes.length === 0 || successExitCodes.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
      throw bad('success_exit_codes', 'exit codes from 0 to 255, e.g. [0, 2] or "0, 2"');
    }
  }
  const seconds = (key: string, fallback: number, min = 0): number => {
    if (!present(key)) return fallback;
    const n = Number(config[key]);
    if (!Number.isFinite(n) || n < min) throw bad(key, `a number of seconds >= ${min}`);
    return n;
  };
  let maxMemory: number | undefined;
  if (present('max_memory')) maxMemory = parseBytes(config.max_memory) ?? (() => { throw bad('max_memory', 'a size in bytes, e.g. 524288000, 500M or 1G'); })();
  let onGiveUp: 'stop' | 'exit' = 'stop';
  if (present('on_give_up')) {
    const v = String(config.on_give_up).toLowerCase();
    if (v !== 'stop' && v !== 'exit') throw bad('on_give_up', 'stop or exit');
    onGiveUp = v;
  }
  const check = (key: string, allowLine: boolean): Check | undefined => {
    if (!present(key)) return undefined;
    const parsed = parseCheck(String(config[key]), allowLine);
    if (!parsed) throw bad(key, `tcp:<port> or tcp:<host>:<port>, http://<url>, cmd:<command>${allowLine ? ' or line:<pattern>' : ''}`);
    return parsed;
  };
  const healthFailures = present('health_failures') ? Number(config.health_failures) : DEFAULT_HEALTH_FAILURES;
  if (!Number.isInteger(healthFailures) || healthFailures < 1) throw bad('health_failures', 'an integer >= 1');
  let dependsOn: string[] = [];
  if (present('depends_on')) {
    const raw = config.depends_on;
    dependsOn = (Array.isArray(raw) ? raw.map(String) : String(raw).split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
  }
  let reloadStrategy: 'all' | 'rolling' = 'all';
  if (present('reload_strategy')) {
    const v = String(config.reload_strategy).toLowerCase();
    if (v !== 'all' && v !== 'rolling') throw bad('reload_strategy', 'all or rolling');
    reloadStrategy = v;
  }
  const rollingBatch = present('rolling_batch') ? Number(config.rolling_batch) : 1;
  if (!Number.isInteger(rollingBatch) || rollingBatch < 1) throw bad('rolling_batch', 'an integer >= 1');
  return {
    restart,
    successExitCodes,
    restartDelay: seconds('restart_delay', 0),
    maxMemory,
    onGiveUp,
    ready: check('ready', true),
    readyTimeout: seconds('ready_timeout', DEFAULT_READY_TIMEOUT, 0.001),
    health: check('health', false),
    healthInterval: seconds('health_interval', DEFAULT_HEALTH_INTERVAL, 0.01),
    healthFailures,
    dependsOn,
    reloadStrategy,
    rollingBatch,
    rollingGrace: seconds('rolling_grace', 1),
  };
}

/** `tcp:5432`, `tcp:db.local:5432`, `http://127.0.0.1:8080/health` (also `http:<url>`), `cmd:pg_isready`, `line:<regex>`. */
export function parseCheck(text: string, allowLine = true): Check | undefined {
  const value = text.trim();
  const tcp = /^tcp:(?:(.+):)?(\d{1,5})$/.exec(value);
  if (tcp) {
    const port = Number(tcp[2]);
    return port > 0 && port < 65536 ? { kind: 'tcp', host: tcp[1] ?? '127.0.0.1', port } : undefined;
  }
  if (/^https?:\/\//.test(value)) return { kind: 'http', url: value };
  if (/^http:https?:\/\//.test(value)) return { kind: 'http', url: value.slice(5) };
  if (value.startsWith('cmd:') && value.length > 4) return { kind: 'cmd', command: value.slice(4).trim() };
  if (allowLine && value.startsWith('line:') && value.length > 5) {
    try {
      return { kind: 'line', pattern: new RegExp(value.slice(5)) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Bytes from a number or `500M`, `1G`, `64K`, `100MB` (1024-based). */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)I?B?\s*$/i.exec(String(value));
  if (!m) return undefined;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  const bytes = Math.floor(Number(m[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}
