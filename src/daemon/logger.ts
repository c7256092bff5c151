import { createWriteStream, type WriteStream } from 'node:fs';
import type { Logger } from '../core/logger.js';
import { redactCredentials } from '../util/redact.js';

export const LOG_LEVELS = ['critical', 'error', 'warning', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Normalize a log level name; unknown names fall back to info (as gafferd does). */
export function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? 'info').toLowerCase();
  if (v === 'warn') return 'warning';
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : 'info';
}

/**
 * gafferd's log: `YYYY-MM-DD HH:MM:SS [<os pid>] [<LEVEL>] <message>` lines to
 * stderr or to the error_log file (appended; reopened by `reopen()`).
 * Credentials in URLs are masked in every line (util/redact.ts).
 */
export class DaemonLogger implements Logger {
  #threshold: number;
  #path: string | undefined;
  #file: WriteStream | undefined;
  readonly #stderr: NodeJS.WritableStream;
  /** stderr failed (EPIPE: whoever read it went away): stop writing there rather than loop on errors. */
  #stderrBroken = false;

  constructor(options: { level?: string; file?: string; stderr?: NodeJS.WritableStream } = {}) {
    this.#threshold = LOG_LEVELS.indexOf(parseLogLevel(options.level));
    this.#path = options.file && options.file !== '-' ? options.file : undefined;
    this.#stderr = options.stderr ?? process.stderr;
    this.#stderr.on?.('error', () => { this.#stderrBroken = true; });
    this.reopen();
  }

  debug(message: string): void { this.#write('debug', message); }
  info(message: string): void { this.#write('info', message); }
  warn(message: string): void { this.#write('warning', message); }
  error(message: string): void { this.#write('error', message); }
  critical(message: string): void { this.#write('critical', message); }

  /** Apply the configured level and file (the logger exists before the configuration is read). */
  configure(options: { level?: string; file?: string }): void {
    this.#threshold = LOG_LEVELS.indexOf(parseLogLevel(options.level));
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

  #write(level: LogLevel, message: string): void {
    if (LOG_LEVELS.indexOf(level) > this.#threshold) return;
    const line = `${timestamp(new Date())} [${process.pid}] [${level.toUpperCase()}] ${redactCredentials(message)}\n`;
    if (this.#file) this.#file.write(line);
    else this.#toStderr(line);
  }
}

function timestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
