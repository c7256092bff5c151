import { constants as fsConstants } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bytes2human } from '../util/bytes.js';
import { DEFAULT_LOGFILE_MODE } from '../util/file-mode.js';
import { silentLogger, type Logger } from '../util/logger.js';

/** Default bound of the bytes queued in memory per log file. */
export const DEFAULT_MAX_BUFFERED = 1024 * 1024;
/**
 * What a log file does when more than `maxBuffered` bytes wait to be written:
 * `block` (the default) asks its writers to pause (backpressure: `write()`
 * returns false until `onDrain`), `drop` drops and counts what does not fit.
 */
export type LogOverflow = 'block' | 'drop';
/** Default number of rotated files kept (`path.1` … `path.5`). */
export const DEFAULT_BACKUPS = 5;
/** At most one drop warning per file in this interval. */
export const DROP_REPORT_INTERVAL_MS = 10_000;

// One writev call takes at most this much (Linux IOV_MAX is 1024).
const MAX_BATCH_BYTES = 1024 * 1024;
const MAX_BATCH_CHUNKS = 256;
// A FIFO or terminal that is full is retried after 1 ms, doubling up to 200 ms while it stays full.
const RETRY_MIN_MS = 1;
const RETRY_MAX_MS = 200;
// flush()/reopen()/close() give a full pipe this long without progress before dropping what it holds up.
const FLUSH_STALL_MS = 500;

export interface LogFileOptions {
  path: string;
  /** Rotate when a write would make the file larger than this (0 = never rotate). */
  maxBytes?: number;
  /** Rotated files to keep (default 5; 0 = the file is truncated when it is full). */
  backups?: number;
  /** Permission mode of a file this LogFile creates (default 0640; an existing file keeps its own). */
  mode?: number;
  /** Bytes queued in memory before writers are asked to pause (`block`) or chunks are dropped (`drop`); default 1 MiB. */
  maxBuffered?: number;
  /** Default `block`. */
  overflow?: LogOverflow;
  logger?: Logger;
  /** Called (rate-limited like the warning) when output had to be dropped. */
  onDrop?: (report: DropReport) => void;
}

/** What was dropped since the previous report, and why. */
export interface DropReport {
  path: string;
  /** Bytes dropped since the previous report. */
  bytes: number;
  /** Bytes dropped since the LogFile was created. */
  total: number;
  reason: string;
}

// A barrier in the write queue: resolved once every chunk queued before it is written.
interface Marker {
  reopen: boolean;
  resolve: () => void;
}

type Entry = Buffer | Marker;

/**
 * An append-only log file for process output. `write()` never blocks and never
 * throws: chunks wait in an in-memory queue and are written in order, in
 * batches (one writev of up to 1 MiB at a time). Beyond `maxBuffered`, with
 * `overflow = block`, `write()` returns false and the writer is expected to
 * stop (pause the pipe it reads) until `onDrain` calls back; with `drop`,
 * chunks are dropped and counted.
 * Regular files rotate by size (`path` → `path.1` → …, like supervisord's
 * logfile_maxbytes/logfile_backups). A FIFO or character device is opened
 * non-blocking, so one that nobody reads never holds a libuv threadpool thread.
 */
export class LogFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #backups: number;
  readonly #maxBuffered: number;
  readonly #mode: number;
  readonly #overflow: LogOverflow;
  readonly #drainListeners = new Set<() => void>();
  readonly #logger: Logger;
  readonly #onDrop: ((report: DropReport) => void) | undefined;
  #queue: Array<Entry | undefined> = [];
  #head = 0;
  #queuedBytes = 0;
  #markers = 0;
  #handle: FileHandle | undefined;
  // 'stream' = FIFO, terminal or other character device: non-blocking writes, no rotation.
  #kind: 'file' | 'stream' = 'file';
  #size = 0;
  #openError: string | undefined;
  #triedMkdir = false;
  #pumping = false;
  #retryMs = RETRY_MIN_MS;
  #stalledSince: number | undefined;
  #wake: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #written = 0;
  #dropped = 0;
  #unreported = 0;
  #dropReason = '';
  #lastReport = -Infinity;
  #reportTimer: NodeJS.Timeout | undefined;

  constructor(options: LogFileOptions) {
    this.path = options.path;
    this.#maxBytes = Math.max(0, options.maxBytes ?? 0);
    this.#backups = Math.max(0, Math.trunc(options.backups ?? DEFAULT_BACKUPS));
    this.#maxBuffered = Math.max(1, options.maxBuffered ?? DEFAULT_MAX_BUFFERED);
    this.#mode = (options.mode ?? DEFAULT_LOGFILE_MODE) & 0o777;
    this.#overflow = options.overflow ?? 'block';
    this.#logger = options.logger ?? silentLogger;
    this.#onDrop = options.onDrop;
  }

  /** Bytes handed to the operating system. */
  get written(): number {
    return this.#written;
  }

  /** Bytes dropped (queue full, file not openable, write errors, writes after close). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Bytes queued in memory, not yet written. */
  get buffered(): number {
    return this.#queuedBytes;
  }

  /** `block` or `drop`. */
  get overflow(): LogOverflow {
    return this.#overflow;
  }

  /**
   * Queue a chunk. Never blocks, never throws. With `overflow = drop`, a chunk
   * that does not fit in `maxBuffered` is dropped whole (an empty queue always
   * accepts one chunk). With `block`, every chunk is queued and the result
   * says whether the writer may go on (false: more than `maxBuffered` wait;
   * pause until `onDrain`). The chunk is kept by reference until written: do
   * not modify it afterwards.
   */
  write(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    if (this.#closing) {
      this.#dropped += chunk.length;
      return true;
    }
    if (this.#openError !== undefined) {
      this.#drop(chunk.length, `the file cannot be opened (${this.#openError})`);
      return true;
    }
    if (this.#overflow === 'drop' && this.#queuedBytes > 0 && this.#queuedBytes + chunk.length > this.#maxBuffered) {
      this.#drop(chunk.length, this.#backlogReason());
      return true;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    this.#kick();
    return this.#overflow === 'drop' || this.#queuedBytes < this.#maxBuffered;
  }

  /** Call `listener` once, when the queue is down to half of `maxBuffered` (or the file closes). */
  onDrain(listener: () => void): void {
    if (this.#queuedBytes <= this.#maxBuffered / 2 || this.#closing) {
      queueMicrotask(listener);
      return;
    }
    this.#drainListeners.add(listener);
  }

  /** Resolves once every chunk queued before the call has been written (or dropped). */
  flush(): Promise<void> {
    if (this.#closing) return this.#closing;
    return this.#barrier(false);
  }

  /**
   * Write what is queued, close the file and open the path again (SIGUSR1,
   * external logrotate). Also retries a file that could not be opened.
   */
  reopen(): Promise<void> {
    if (this.#closing) return this.#closing;
    return this.#barrier(true);
  }

  /** Write what is queued, then close the file. Idempotent; later writes are dropped. */
  close(): Promise<void> {
    this.#closing ??= this.#barrier(false).then(async () => {
      await this.#closeHandle();
      if (this.#reportTimer) clearTimeout(this.#reportTimer);
      this.#reportTimer = undefined;
      this.#report();
    });
    this.#notifyDrain();
    return this.#closing;
  }

  #barrier(reopen: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push({ reopen, resolve });
      this.#markers += 1;
      this.#kick();
      // A pump waiting for a full FIFO must get to the marker now rather than after its retry delay.
      this.#wake?.();
    });
  }

  #kick(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void this.#pump();
  }

  // The single writer: takes entries in order until the queue is empty. Nothing in it throws.
  async #pump(): Promise<void> {
    try {
      while (this.#head < this.#queue.length) {
        const entry = this.#queue[this.#head]!;
        if (!Buffer.isBuffer(entry)) {
          this.#shift();
          this.#markers -= 1;
          if (entry.reopen) await this.#reopenNow();
          entry.resolve();
        } else if (!(await this.#ensureOpen())) {
          this.#dropUntilMarker(`the file cannot be opened (${this.#openError})`);
        } else {
          await this.#writeBatch();
        }
      }
    } catch (err) {
      this.#logger.error(`log file '${this.path}': unexpected failure: ${reasonOf(err)}`);
      this.#dropUntilMarker(`unexpected failure: ${reasonOf(err)}`);
    } finally {
      this.#pumping = false;
      this.#notifyDrain();
      // A marker left behind by a failure is served by a new pump.
      if (this.#head < this.#queue.length) this.#kick();
    }
  }

  async #writeBatch(): Promise<void> {
    const first = this.#queue[this.#head] as Buffer;
    const rotating = this.#kind === 'file' && this.#maxBytes > 0;
    // Rotation happens between whole chunks; a chunk larger than maxBytes goes whole into a fresh file.
    if (rotating && this.#size > 0 && this.#size + first.length > this.#maxBytes) {
      await this.#rotate();
      if (!this.#handle) return;
    }
    const batch: Buffer[] = [];
    let bytes = 0;
    for (let i = this.#head; i < this.#queue.length && batch.length < MAX_BATCH_CHUNKS; i++) {
      const entry = this.#queue[i]!;
      if (!Buffer.isBuffer(entry)) break;
      if (batch.length > 0 && bytes + entry.length > MAX_BATCH_BYTES) break;
      if (rotating && batch.length > 0 && this.#size + bytes + entry.length > this.#maxBytes) break;
      batch.push(entry);
      bytes += entry.length;
    }
    let written: number;
    try {
      ({ bytesWritten: written } = await this.#handle!.writev(batch));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        await this.#waitWritable();
        return;
      }
      // Disk full, I/O error: this batch is lost, later chunks are tried again.
      this.#consume(bytes);
      this.#drop(bytes, `writing failed (${reasonOf(err)})`);
      return;
    }
    this.#consume(written);
    this.#written += written;
    this.#size += written;
    this.#notifyDrain();
    if (written === 0) {
      await this.#waitWritable();
    } else {
      this.#retryMs = RETRY_MIN_MS;
      this.#stalledSince = undefined;
    }
  }

  // A full FIFO or terminal: retry later. A pending flush/reopen/close retries quickly and, once the
  // pipe has taken nothing for FLUSH_STALL_MS, drops what is ahead of it rather than wait for a reader.
  async #waitWritable(): Promise<void> {
    this.#stalledSince ??= Date.now();
    if (this.#markers > 0 && Date.now() - this.#stalledSince >= FLUSH_STALL_MS) {
      this.#dropUntilMarker(`the pipe took nothing for ${FLUSH_STALL_MS} ms when the file was flushed or closed (is anyone reading it?)`);
      return;
    }
    const delay = this.#markers > 0 ? Math.min(this.#retryMs, 20) : this.#retryMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      // Nobody reading a FIFO must not keep the process alive, but someone awaiting a
      // flush/reopen/close must get an answer: then the timer holds the event loop.
      if (this.#markers === 0) timer.unref();
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
    this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
  }

  async #ensureOpen(): Promise<boolean> {
    if (this.#handle) return true;
    if (this.#openError !== undefined) return false;
    try {
      await this.#open();
      return true;
    } catch (err) {
      this.#openError = reasonOf(err);
      this.#logger.error(`log file '${this.path}' cannot be opened: ${this.#openError}; ` +
        'its output is dropped until the file is reopened (SIGUSR1) or the job restarts');
      return false;
    }
  }

  // Opening never blocks: O_NONBLOCK makes a FIFO open return at once (a regular file ignores the flag),
  // and O_RDWR on a FIFO succeeds without a reader (Linux), so nobody reading it blocks nothing.
  async #open(): Promise<void> {
    const { O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_NONBLOCK } = fsConstants;
    const before = await stat(this.path).catch(() => undefined);
    const flags = before?.isFIFO() ? O_RDWR | O_NONBLOCK
      : before?.isCharacterDevice() ? O_WRONLY | O_NONBLOCK
        : O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK;
    let handle: FileHandle;
    try {
      handle = await open(this.path, flags, this.#mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || this.#triedMkdir) throw err;
      this.#triedMkdir = true;
      await mkdir(dirname(this.path), { recursive: true });
      handle = await open(this.path, flags, this.#mode);
    }
    // Decide from what was opened, not from the earlier stat: the path may have changed in between.
    const opened = await handle.stat().catch(async (err: unknown) => {
      await handle.close().catch(() => {});
      throw err;
    });
    // A file created now gets exactly the configured mode, whatever the umask.
    if (!before && opened.isFile() && opened.size === 0 && (opened.mode & 0o777) !== this.#mode) {
      await handle.chmod(this.#mode).catch(() => {});
    }
    this.#kind = opened.isFile() ? 'file' : 'stream';
    this.#size = opened.isFile() ? opened.size : 0;
    this.#retryMs = RETRY_MIN_MS;
    this.#stalledSince = undefined;
    this.#handle = handle;
  }

  async #reopenNow(): Promise<void> {
    await this.#closeHandle();
    this.#openError = undefined;
    this.#triedMkdir = false;
    await this.#ensureOpen();
  }

  // path → path.1 → … → path.<backups>; the oldest is overwritten. The open file is renamed first,
  // so a failing rename leaves everything as it was and writing goes on in the same file.
  async #rotate(): Promise<void> {
    try {
      // A file already moved away (external logrotate) just means a fresh file is opened.
      if (this.#backups === 0) {
        await unlink(this.path).catch(ignoreMissing);
      } else {
        for (let i = this.#backups - 1; i >= 1; i--) {
          await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(ignoreMissing);
        }
        await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
      }
    } catch (err) {
      this.#logger.warn(`log file '${this.path}' could not be rotated: ${reasonOf(err)}; ` +
        `writing on in the same file, next attempt after another ${bytes2human(this.#maxBytes)}`);
      this.#size = 0;
      return;
    }
    await this.#closeHandle();
    await this.#ensureOpen();
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch((err: unknown) => {
      this.#logger.warn(`log file '${this.path}': closing failed: ${reasonOf(err)}`);
    });
  }

  // Remove `bytes` from the front of the queue (a partly written chunk keeps its tail).
  #consume(bytes: number): void {
    this.#queuedBytes -= bytes;
    let left = bytes;
    while (left > 0) {
      const head = this.#queue[this.#head] as Buffer;
      if (head.length <= left) {
        left -= head.length;
        this.#shift();
      } else {
        this.#queue[this.#head] = head.subarray(left);
        left = 0;
      }
    }
  }

  // Writers paused by backpressure go on once half of the queue is written (or the file is closing).
  #notifyDrain(): void {
    if (this.#drainListeners.size === 0) return;
    if (this.#queuedBytes > this.#maxBuffered / 2 && !this.#closing) return;
    const listeners = [...this.#drainListeners];
    this.#drainListeners.clear();
    for (const listener of listeners) {
      try {
        listener();
      } catch { /* a failing writer never breaks logging */ }
    }
  }

  #dropUntilMarker(reason: string): void {
    let bytes = 0;
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head]!;
      if (!Buffer.isBuffer(entry)) break;
      bytes += entry.length;
      this.#shift();
    }
    this.#queuedBytes -= bytes;
    if (bytes > 0) this.#drop(bytes, reason);
  }

  // Advance the queue head; the array is compacted once most of it is consumed (no O(n) shift per chunk).
  #shift(): void {
    this.#queue[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #backlogReason(): string {
    const limit = bytes2human(this.#maxBuffered);
    return this.#kind === 'stream'
      ? `more than ${limit} waiting for the pipe or terminal (is anyone reading it?)`
      : `more than ${limit} waiting to be written (the disk is slower than the output)`;
  }

  // Count a drop; warn at once, then at most once per interval with the bytes dropped since.
  #drop(bytes: number, reason: string): void {
    this.#dropped += bytes;
    this.#unreported += bytes;
    this.#dropReason = reason;
    const wait = this.#lastReport + DROP_REPORT_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.#report();
    } else if (!this.#reportTimer) {
      this.#reportTimer = setTimeout(() => {
        this.#reportTimer = undefined;
        this.#report();
      }, wait);
      this.#reportTimer.unref();
    }
  }

  #report(): void {
    if (this.#unreported === 0) return;
    const report: DropReport = { path: this.path, bytes: this.#unreported, total: this.#dropped, reason: this.#dropReason };
    this.#unreported = 0;
    this.#lastReport = Date.now();
    this.#logger.warn(`log file '${this.path}': dropped ${report.bytes} bytes of output ` +
      `(${report.total} since it was opened): ${report.reason}`);
    try {
      this.#onDrop?.(report);
    } catch { /* a failing callback never breaks logging */ }
  }
}

/**
 * Expand `{name}`, `{session}` and `{pid}` in a log path template; other
 * `{...}` are left as written.
 */
export function expandLogPath(template: string, values: { name: string; session: string; pid: number | string }): string {
  return template.replace(/\{(name|session|pid)\}/g, (_whole, key: 'name' | 'session' | 'pid') => String(values[key]));
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

// "EACCES: permission denied, open '/x'" -> "permission denied (EACCES)".
function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const m = /^[A-Z]+: ([^,]+)/.exec(text);
  return m && e.code ? `${m[1]} (${e.code})` : text;
}
