// Following a job's log file: its live output (the same chunks the log file
// receives) instead of polling the file, so rotation and a slow disk change
// nothing for the reader.
import type { FileHandle } from 'node:fs/promises';
import type { Job } from '../core/job.js';
import type { ManagedProcess } from '../core/managed-process.js';
import type { Manager } from '../core/manager.js';
import type { Feed } from '../httpkit/feeds.js';
import type { EventListener } from '../util/event-bus.js';
import { logPath, logPaths, type HeldOutput, type LogSelection } from './log-tail.js';

// Candidate overlaps checked between the file's end and the chunks that arrived while it was opened.
const MAX_OVERLAP_CANDIDATES = 256;

interface Pending { path: string; data: Buffer }

/**
 * The live output of a job for one log file: the chunks of the selected fds
 * of its processes (current ones, and those spawned later, kept or one-off),
 * including output only captured for the log file (`internal`). Chunks are
 * held (bounded) while the tail is sent, then go to the feed as they come.
 * Ends the feed once the job is unloaded and its processes have exited.
 */
export class LiveOutput implements HeldOutput {
  readonly #manager: Manager;
  readonly #job: Job;
  readonly #selection: LogSelection;
  readonly #limit: number;
  readonly #onOverflow: () => void;
  readonly #attached = new Map<number, { process: ManagedProcess; off: () => void }>();
  // Bytes the log files had written when listening started (per path), to bound the overlap check.
  readonly #writtenAtStart = new Map<string, number>();
  #pending: Pending[] | undefined = [];
  #pendingBytes = 0;
  #feed: Feed | undefined;
  #lastPath: string | undefined;
  #ended = false;
  #closed = false;
  readonly #onSpawn: EventListener = (_type, payload) => {
    if (payload.name !== this.#job.fullName || typeof payload.pid !== 'number') return;
    try {
      const process = this.#manager.getProcess(payload.pid);
      if (this.#manager.jobOf(process.pid) === this.#job) this.#attach(process);
    } catch { /* already gone */ }
  };
  readonly #onUnload: EventListener = (_type, payload) => {
    if (payload.name !== this.#job.fullName) return;
    // The processes being stopped may still write: end once they have exited.
    void Promise.allSettled([...this.#attached.values()].map((a) => a.process.exited)).then(() => {
      this.#ended = true;
      this.#feed?.end();
    });
  };

  constructor(manager: Manager, job: Job, selection: LogSelection, limit: number, onOverflow: () => void) {
    this.#manager = manager;
    this.#job = job;
    this.#selection = selection;
    this.#limit = limit;
    this.#onOverflow = onOverflow;
    for (const process of job.processes) this.#attach(process);
    for (const path of logPaths(job, selection)) this.#writtenAtStart.set(path, this.#written(path));
    manager.events.subscribe('spawn', this.#onSpawn);
    manager.events.subscribe('unload', this.#onUnload);
  }

  /** Send what was held, then every chunk as it comes; `lastPath` is the file the tail ended with. */
  start(feed: Feed, lastPath: string | undefined): void {
    this.#feed = feed;
    this.#lastPath = lastPath;
    const held = this.#pending ?? [];
    this.#pending = undefined;
    this.#pendingBytes = 0;
    for (const chunk of held) this.#send(chunk);
    if (this.#ended) feed.end();
  }

  /**
   * Drop the held chunks of `path` that the file already holds: they were
   * written between the start of listening and the file's size being read.
   * The overlap is at most what the log file wrote since listening started,
   * and ends on a chunk boundary (a log file writes whole chunks).
   */
  async skipWritten(path: string, handle: FileHandle, size: number): Promise<void> {
    const held = (this.#pending ?? []).filter((p) => p.path === path);
    const bound = Math.min(size, this.#written(path) - (this.#writtenAtStart.get(path) ?? 0));
    const candidates: number[] = [];
    let total = 0;
    for (const chunk of held.slice(0, MAX_OVERLAP_CANDIDATES)) {
      if (total + chunk.data.length > bound) break;
      total += chunk.data.length;
      candidates.push(total);
    }
    if (total === 0) return;
    const end = Buffer.allocUnsafe(total);
    const { bytesRead } = await handle.read(end, 0, total, size - total);
    if (bytesRead < total) return;
    const live = Buffer.concat(held.slice(0, candidates.length).map((p) => p.data));
    for (let i = candidates.length - 1; i >= 0; i--) {
      const length = candidates[i]!;
      if (!end.subarray(total - length).equals(live.subarray(0, length))) continue;
      const skipped = new Set(held.slice(0, i + 1));
      this.#pending = this.#pending?.filter((p) => !skipped.has(p));
      this.#pendingBytes -= length;
      return;
    }
  }

  /** Stop listening (client gone, feed ended). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#manager.events.unsubscribe('spawn', this.#onSpawn);
    this.#manager.events.unsubscribe('unload', this.#onUnload);
    for (const { off } of this.#attached.values()) off();
    this.#attached.clear();
    this.#pending = undefined;
  }

  #attach(process: ManagedProcess): void {
    if (this.#closed || this.#attached.has(process.pid)) return;
    const path = logPath(this.#job, this.#selection, process.pid);
    const off = process.onOutput((chunk) => {
      if (this.#selection.fds.has(chunk.fd)) this.#deliver({ path, data: chunk.data });
    });
    this.#attached.set(process.pid, { process, off });
    void process.exited.then(() => {
      this.#attached.get(process.pid)?.off();
      this.#attached.delete(process.pid);
    });
  }

  #deliver(chunk: Pending): void {
    if (this.#closed) return;
    if (!this.#pending) {
      this.#send(chunk);
      return;
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.data.length;
    if (this.#pendingBytes > this.#limit) {
      this.close();
      this.#onOverflow();
    }
  }

  #send(chunk: Pending): void {
    const feed = this.#feed!;
    if (this.#selection.perProcess && chunk.path !== this.#lastPath) {
      feed.sendData('header', Buffer.from(`${this.#lastPath === undefined ? '' : '\n'}==> ${chunk.path} <==\n`));
      this.#lastPath = chunk.path;
    }
    feed.sendData('output', chunk.data);
  }

  #written(path: string): number {
    return this.#job.logs?.report()[path]?.written ?? 0;
  }
}
