import { BadRequestError } from '../errors.js';
import { LogFile, type LogOverflow } from './log-file.js';
import { expandLogPath } from './log-file-target.js';
import type { Logger } from '../util/logger.js';
import type { ManagedProcess } from './managed-process.js';
import type { JobConfig } from './job-config.js';
import { DEFAULT_LOGFILE_MODE, parseFileMode } from '../util/file-mode.js';

/** A job's log file settings, read from its config. */
export interface LogSettings {
  stdout: string | undefined;
  stderr: string | undefined;
  maxBytes: number;
  backups: number | undefined;
  /** Permission mode of the files gafferd creates (`logfile_mode`, default 0640). */
  mode: number;
  /** `log_overflow`: `block` (default, backpressure to the child) or `drop`. */
  overflow: LogOverflow;
}

/**
 * Parse `log_overflow`: `block` (the default: a log file that cannot keep up
 * stops gafferd reading that process's output until it has caught up) or
 * `drop` (output that does not fit the 1 MiB queue is dropped and counted).
 */
export function parseLogOverflow(value: unknown, reason = 'invalid_process_info'): LogOverflow {
  if (value === undefined || value === null || value === '') return 'block';
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (text === 'block' || text === 'drop') return text;
  throw new BadRequestError(reason, `invalid job config member "log_overflow" = ${JSON.stringify(value)}: expected block (the default) or drop`);
}

/** The log settings of a config, or undefined when the job writes no log file. */
export function logSettings(config: JobConfig): LogSettings | undefined {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const stdout = text(config.stdout_logfile);
  const stderr = text(config.stderr_logfile);
  if (!stdout && !stderr) return undefined;
  const maxBytes = Number(config.logfile_maxbytes ?? 0);
  const backups = config.logfile_backups === undefined || config.logfile_backups === null ? undefined : Number(config.logfile_backups);
  const mode = typeof config.logfile_mode === 'string' ? parseFileMode(config.logfile_mode) : undefined;
  return {
    stdout, stderr, maxBytes: Number.isFinite(maxBytes) && maxBytes > 0 ? maxBytes : 0, backups,
    mode: mode ?? DEFAULT_LOGFILE_MODE, overflow: parseLogOverflow(config.log_overflow),
  };
}

/**
 * The log files of one job: stdout (fd 1) to `stdout_logfile`, stderr (fd 2)
 * to `stderr_logfile`, or to `stdout_logfile` when only that one is set (one
 * combined file). Paths may use `{name}`, `{session}`, `{pid}`; files without
 * `{pid}` are shared by the job's processes. Writing never blocks the Manager:
 * with `log_overflow = block`, a file that cannot keep up holds that process's
 * pipe (the child blocks on write) until the file has caught up.
 */
export class JobLogs {
  readonly #settings: LogSettings;
  readonly #session: string;
  readonly #name: string;
  readonly #logger: Logger;
  readonly #files = new Map<string, { file: LogFile; users: number }>();

  constructor(settings: LogSettings, sessionid: string, name: string, logger: Logger) {
    this.#settings = settings;
    this.#session = sessionid;
    this.#name = name;
    this.#logger = logger;
  }

  /** Route a process's output to its files until it exits. */
  attach(process: ManagedProcess): void {
    const out = this.#settings.stdout ? this.#acquire(this.#settings.stdout, process.pid) : undefined;
    const err = this.#settings.stderr ? this.#acquire(this.#settings.stderr, process.pid) : out;
    const held = new Set<number>();
    process.onOutput((chunk) => {
      const file = chunk.fd === 1 ? out : chunk.fd === 2 ? err : undefined;
      if (!file || file.write(chunk.data) || held.has(chunk.fd)) return;
      // Backpressure: stop reading this pipe until the file has written half of its queue.
      held.add(chunk.fd);
      const release = process.holdOutput(chunk.fd);
      file.onDrain(() => {
        held.delete(chunk.fd);
        release();
      });
    });
    void process.exited.then(() => {
      if (this.#settings.stdout) this.#release(this.#settings.stdout, process.pid);
      if (this.#settings.stderr) this.#release(this.#settings.stderr, process.pid);
    });
  }

  /** Open every file again (after an external logrotate; SIGUSR1). */
  async reopen(): Promise<void> {
    await Promise.allSettled([...this.#files.values()].map((f) => f.file.reopen()));
  }

  /** Flush and close every file. */
  async close(): Promise<void> {
    const files = [...this.#files.values()];
    this.#files.clear();
    await Promise.allSettled(files.map((f) => f.file.close()));
  }

  /** Bytes written, dropped and waiting in memory per file (job info). */
  report(): Record<string, { written: number; dropped: number; buffered: number }> {
    const out: Record<string, { written: number; dropped: number; buffered: number }> = {};
    for (const [path, f] of this.#files) out[path] = { written: f.file.written, dropped: f.file.dropped, buffered: f.file.buffered };
    return out;
  }

  #acquire(template: string, pid: number): LogFile {
    const path = expandLogPath(template, { name: this.#name, session: this.#session, pid });
    let entry = this.#files.get(path);
    if (!entry) {
      entry = {
        file: new LogFile({
          path, maxBytes: this.#settings.maxBytes, backups: this.#settings.backups, mode: this.#settings.mode,
          overflow: this.#settings.overflow, logger: this.#logger,
        }),
        users: 0,
      };
      this.#files.set(path, entry);
    }
    entry.users += 1;
    return entry.file;
  }

  // A per-process file ({pid} in the template) is closed when its process exits; shared files stay open.
  #release(template: string, pid: number): void {
    const path = expandLogPath(template, { name: this.#name, session: this.#session, pid });
    const entry = this.#files.get(path);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users <= 0 && template.includes('{pid}')) {
      this.#files.delete(path);
      void entry.file.close();
    }
  }
}
