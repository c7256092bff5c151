import { createWriteStream, type WriteStream } from 'node:fs';
import type { LogFields, Logger } from '../util/logger.js';
import { redactCredentials } from '../util/redact.js';

export const LOG_LEVELS = ['critical', 'error', 'warning', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
import type { LogFormat } from '../config/config-values.js';
export type { LogFormat };

/** Normalize a log level name; unknown names fall back to info (as gafferd does). */
export function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? 'info').toLowerCase();
  if (v === 'warn') return 'warning';
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : 'info';
}

/**
 * gafferd's log: `YYYY-MM-DD HH:MM:SS [<os pid>] [<LEVEL>] <message>` lines to
 * stderr or to the error_log file (appended; reopened by `reopen()`). With the
 * `json` format each line is one JSON object instead: `time` (ISO 8601, UTC),
 * `level`, `pid` (gafferd's), `message`, then the line's fields (`job`,
 * `proc_pid`, `os_pid`, `exit_status`…).
 * Credentials in URLs are masked in every line (util/redact.ts).
 */
export class DaemonLogger implements Logger {
  #threshold: number;
  #format: LogFormat;
  #path: string | undefined;
  #file: WriteStream | undefined;
  readonly #stderr: NodeJS.WritableStream;
  /** stderr failed (EPIPE: whoever read it went away): stop writing there rather than loop on errors. */
  #stderrBroken = false;

  constructor(options: { level?: string; file?: string; format?: LogFormat; stderr?: NodeJS.WritableStream } = {}) {
    this.#threshold = LOG_LEVELS.indexOf(parseLogLevel(options.level));
    this.#format = options.format ?? 'text';
    this.#path = options.file && options.file !== '-' ? options.file : undefined;
    this.#stderr = options.stderr ?? process.stderr;
    this.#stderr.on?.('error', () => { this.#stderrBroken = true; });
    this.reopen();
  }

  debug(message: string, fields?: LogFields): void { this.#write('debug', message, fields); }
  info(message: string, fields?: LogFields): void { this.#write('info', message, fields); }
  warn(message: string, fields?: LogFields): void { this.#write('warning', message, fields); }
  error(message: string, fields?: LogFields): void { this.#write('error', message, fields); }
  critical(message: string, fields?: LogFields): void { this.#write('critical', message, fields); }

  /** Apply the configured level, format and file (the logger exists before the configuration is read). */
  configure(options: { level?: string; file?: string; format?: LogFormat }): void {
    this.#threshold = LOG_LEVELS.indexOf(parseLogLevel(options.level));
    if (options.format !== undefined) this.#format = options.format;
    const path = options.file && options.file !== '-' ? options.file : undefined;
    if (path === this.#path) return;
    this.#path = path;
    if (path) this.reopen();
    else {
      this.#file?.end();
      this.#file = undefined;
    }
  }

  /** Reopen the log file (after an external rotation). */
  reopen(): void {
    if (!this.#path) return;
    const previous = this.#file;
    this.#file = createWriteStream(this.#path, { flags: 'a' });
    this.#file.on('error', (err) => this.#toStderr(`cannot write the log file '${this.#path}': ${err.message}\n`));
    previous?.end();
  }

  #toStderr(text: string): void {
    if (this.#stderrBroken) return;
    try {
      this.#stderr.write(text);
    } catch {
      this.#stderrBroken = true;
    }
  }

  close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    return new Promise((resolve) => (file ? file.end(resolve) : resolve()));
  }

  #write(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (LOG_LEVELS.indexOf(level) > this.#threshold) return;
    const line = this.#format === 'json'
      ? `${JSON.stringify(jsonRecord(level, redactCredentials(message), fields))}\n`
      : `${timestamp(new Date())} [${process.pid}] [${level.toUpperCase()}] ${redactCredentials(message)}\n`;
    if (this.#file) this.#file.write(line);
    else this.#toStderr(line);
  }
}

/** One JSON log record: the fixed members first; a field never replaces one of them. */
function jsonRecord(level: LogLevel, message: string, fields: LogFields | undefined): Record<string, unknown> {
  const record: Record<string, unknown> = { time: new Date().toISOString(), level, pid: process.pid, message };
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value !== undefined && !(key in record)) record[key] = value;
  }
  return record;
}

function timestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
