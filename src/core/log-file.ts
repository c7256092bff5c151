import { bytes2human } from '../util/bytes.js';
import { DEFAULT_LOGFILE_MODE } from '../util/file-mode.js';
import { LogDrops, type DropReport } from './log-drops.js';
import { LogTarget, reasonOf } from './log-file-target.js';
import { LogQueue } from './log-queue.js';
import { silentLogger, type Logger } from '../util/logger.js';

export { DROP_REPORT_INTERVAL_MS, type DropReport } from './log-drops.js';

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
  readonly #overflow: LogOverflow;
  readonly #drainListeners = new Set<() => void>();
  readonly #logger: Logger;
  readonly #queue = new LogQueue();
  readonly #target: LogTarget;
  #pumping = false;
  #retryMs = RETRY_MIN_MS;
  #stalledSince: number | undefined;
  #wake: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #written = 0;
  readonly #drops: LogDrops;

  constructor(options: LogFileOptions) {
    this.path = options.path;
    this.#maxBytes = Math.max(0, options.maxBytes ?? 0);
    this.#backups = Math.max(0, Math.trunc(options.backups ?? DEFAULT_BACKUPS));
    this.#maxBuffered = Math.max(1, options.maxBuffered ?? DEFAULT_MAX_BUFFERED);
    this.#overflow = options.overflow ?? 'block';
    this.#logger = options.logger ?? silentLogger;
    this.#target = new LogTarget(this.path, (options.mode ?? DEFAULT_LOGFILE_MODE) & 0o777, this.#logger);
    this.#drops = new LogDrops(this.path, this.#logger, options.onDrop);
  }

  /** Bytes handed to the operating system. */
  get written(): number {
    return this.#written;
  }

  /** Bytes dropped (queue full, file not openable, write errors, writes after close). */
  get dropped(): number {
    return this.#drops.total;
  }

  /** Bytes queued in memory, not yet written. */
  get buffered(): number {
    return this.#queue.bytes;
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
      this.#drops.countAfterClose(chunk.length);
      return true;
    }
    if (this.#target.openError !== undefined) {
      this.#drops.drop(chunk.length, `the file cannot be opened (${this.#target.openError})`);
      return true;
    }
    if (this.#overflow === 'drop' && this.#queue.bytes > 0 && this.#queue.bytes + chunk.length > this.#maxBuffered) {
      this.#drops.drop(chunk.length, this.#backlogReason());
      return true;
    }
    this.#queue.push(chunk);
    this.#kick();
    return this.#overflow === 'drop' || this.#queue.bytes < this.#maxBuffered;
  }

  /** Call `listener` once, when the queue is down to half of `maxBuffered` (or the file closes). */
  onDrain(listener: () => void): void {
    if (this.#queue.bytes <= this.#maxBuffered / 2 || this.#closing) {
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
      await this.#target.close();
      this.#drops.close();
    });
    this.#notifyDrain();
    return this.#closing;
  }

  #barrier(reopen: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push({ reopen, resolve });
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
      while (!this.#queue.empty) {
        if (!Buffer.isBuffer(this.#queue.peek())) {
          const entry = this.#queue.takeMarker();
          if (entry.reopen) await this.#target.reopen(this.#opened);
          entry.resolve();
        } else if (!(await this.#target.ensureOpen(this.#opened))) {
          this.#dropUntilMarker(`the file cannot be opened (${this.#target.openError})`);
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
      if (!this.#queue.empty) this.#kick();
    }
  }

  async #writeBatch(): Promise<void> {
    const first = this.#queue.peek() as Buffer;
    const rotating = this.#target.kind === 'file' && this.#maxBytes > 0;
    // Rotation happens between whole chunks; a chunk larger than maxBytes goes whole into a fresh file.
    if (rotating && this.#target.size > 0 && this.#target.size + first.length > this.#maxBytes) {
      await this.#target.rotate(this.#backups, this.#maxBytes, this.#opened);
      if (!this.#target.handle) return;
    }
    const { chunks: batch, bytes } = this.#queue.batch(MAX_BATCH_CHUNKS, MAX_BATCH_BYTES,
      (total) => !rotating || this.#target.size + total <= this.#maxBytes);
    let written: number;
    try {
      ({ bytesWritten: written } = await this.#target.handle!.writev(batch));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        await this.#waitWritable();
        return;
      }
      // Disk full, I/O error: this batch is lost, later chunks are tried again.
      this.#queue.consume(bytes);
      this.#drops.drop(bytes, `writing failed (${reasonOf(err)})`);
      return;
    }
    this.#queue.consume(written);
    this.#written += written;
    this.#target.size += written;
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
    if (this.#queue.markers > 0 && Date.now() - this.#stalledSince >= FLUSH_STALL_MS) {
      this.#dropUntilMarker(`the pipe took nothing for ${FLUSH_STALL_MS} ms when the file was flushed or closed (is anyone reading it?)`);
      return;
    }
    const delay = this.#queue.markers > 0 ? Math.min(this.#retryMs, 20) : this.#retryMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      // Nobody reading a FIFO must not keep the process alive, but someone awaiting a
      // flush/reopen/close must get an answer: then the timer holds the event loop.
      if (this.#queue.markers === 0) timer.unref();
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
    this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
  }

  // A freshly opened file is written at once (no leftover retry delay).
  readonly #opened = (): void => {
    this.#retryMs = RETRY_MIN_MS;
    this.#stalledSince = undefined;
  };

  // Writers paused by backpressure go on once half of the queue is written (or the file is closing).
  #notifyDrain(): void {
    if (this.#drainListeners.size === 0) return;
    if (this.#queue.bytes > this.#maxBuffered / 2 && !this.#closing) return;
    const listeners = [...this.#drainListeners];
    this.#drainListeners.clear();
    for (const listener of listeners) {
      try {
        listener();
      } catch { /* a failing writer never breaks logging */ }
    }
  }

  #dropUntilMarker(reason: string): void {
    const bytes = this.#queue.discardUntilMarker();
    if (bytes > 0) this.#drops.drop(bytes, reason);
  }

  #backlogReason(): string {
    const limit = bytes2human(this.#maxBuffered);
    return this.#target.kind === 'stream'
      ? `more than ${limit} waiting for the pipe or terminal (is anyone reading it?)`
      : `more than ${limit} waiting to be written (the disk is slower than the output)`;
  }
}
