import { StringDecoder } from 'node:string_decoder';
import { BadRequestError } from '../errors.js';
import type { ManagedProcess } from './managed-process.js';

/** Bounds of a job's output history. */
export interface HistoryLimits {
  /** Lines served at most (the last ones). */
  lines: number;
  /** Bytes of output kept in memory at most. */
  bytes: number;
}

/** The default when a job has no `output_history`: 1 000 lines, 256 KiB. */
export const DEFAULT_HISTORY: Readonly<HistoryLimits> = { lines: 1000, bytes: 256 * 1024 };
/** Longest line served; longer lines are cut (the rest is dropped from the history, never from the log file). */
export const MAX_HISTORY_LINE = 16 * 1024;

export type HistoryStream = 'stdout' | 'stderr';

/** One line of output as the history serves it. */
export interface HistoryEntry {
  /** When the line was read (seconds since the epoch, like `create_time`). */
  time: number;
  pid: number;
  os_pid: number;
  stream: HistoryStream;
  line: string;
}

export interface HistoryQuery {
  /** Last lines wanted (default and maximum: the job's line bound). */
  lines?: number;
  stream?: HistoryStream;
  pid?: number;
}

// One chunk as read from a pipe: lines are only split when somebody asks (reading costs O(1) per chunk).
interface Segment {
  time: number;
  pid: number;
  osPid: number;
  fd: 1 | 2;
  data: Buffer;
  /** The chunk starts a line (what came before it from the same pipe ended with a newline, or was nothing). */
  startsLine: boolean;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };
const OFF_WORDS = new Set(['0', 'off', 'no', 'false', 'none']);
const EXPECTED = 'a number of lines, optionally followed by a size (1000, "2000 512K"), or 0/off to keep no history';

/**
 * Parse `output_history`: `<lines>` or `<lines> <size>` (size in bytes or with
 * K/M), `0`/`off`/`false` to disable; unset keeps the default (1000 lines,
 * 256 KiB). A number alone sets the lines and keeps the 256 KiB byte bound.
 * Returns undefined when the history is off.
 */
export function parseOutputHistory(value: unknown, reason = 'invalid_process_info'): HistoryLimits | undefined {
  const bad = (): BadRequestError =>
    new BadRequestError(reason, `invalid job config member "output_history" = ${JSON.stringify(value)}: expected ${EXPECTED}`);
  if (value === undefined || value === null || value === true || value === '') return { ...DEFAULT_HISTORY };
  if (value === false) return undefined;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw bad();
    return value === 0 ? undefined : { lines: value, bytes: DEFAULT_HISTORY.bytes };
  }
  if (typeof value !== 'string') throw bad();
  const text = value.trim().toLowerCase();
  if (OFF_WORDS.has(text)) return undefined;
  const m = /^(\d+)(?:\s*(?:lines?)?\s*[,\s]\s*(\d+)\s*([a-z]*))?$/.exec(text);
  if (!m) throw bad();
  const lines = Number(m[1]);
  const unit = SIZE_UNITS[m[3] ?? ''];
  if (!Number.isSafeInteger(lines) || unit === undefined) throw bad();
  const bytes = m[2] === undefined ? DEFAULT_HISTORY.bytes : Number(m[2]) * unit;
  if (lines === 0 || bytes === 0) return undefined;
  return { lines, bytes };
}

/**
 * The recent output of one job (stdout and stderr of every process), kept in
 * memory with no configuration so the last lines of a process that already
 * crashed can be shown without a log file. Chunks are kept as read, at most
 * `limits.bytes` of them (the oldest are forgotten first); they are split into
 * lines only when read (recording costs O(1) per chunk), and a read gives at
 * most `limits.lines` lines; older lines are forgotten when read or when small
 * chunks pile up.
 */
export class OutputHistory {
  readonly limits: HistoryLimits;
  #segments: Segment[] = [];
  #head = 0;
  #bytes = 0;
  // Per pipe ("pid:fd"): did the last chunk end with a newline.
  readonly #endsLine = new Map<string, boolean>();
  readonly #followers = new Set<Follower>();

  constructor(limits: HistoryLimits) {
    this.limits = { lines: Math.max(1, limits.lines), bytes: Math.max(1, limits.bytes) };
  }

  /** Bytes held in memory. */
  get bytes(): number {
    this.#trimLines();
    return this.#bytes;
  }

  /** Record the stdout and stderr of a process until it exits. */
  attach(process: ManagedProcess): void {
    process.onOutput((chunk) => {
      if (chunk.fd === 1 || chunk.fd === 2) this.record(process.pid, process.osPid, chunk.fd, chunk.data);
    });
    void process.exited.then(() => this.end(process.pid));
  }

  /** Keep a chunk (by reference, or its tail when it alone is larger than the bound). */
  record(pid: number, osPid: number, fd: 1 | 2, data: Buffer): void {
    if (data.length === 0) return;
    const key = `${pid}:${fd}`;
    let startsLine = this.#endsLine.get(key) ?? true;
    this.#endsLine.set(key, data[data.length - 1] === 0x0a);
    if (data.length > this.limits.bytes) {
      data = Buffer.from(data.subarray(data.length - this.limits.bytes));
      startsLine = false;
    }
    const segment: Segment = { time: Date.now() / 1000, pid, osPid, fd, data, startsLine };
    this.#segments.push(segment);
    this.#bytes += data.length;
    while (this.#bytes > this.limits.bytes) this.#shift();
    // Counting lines costs a scan: done when chunks pile up (many small ones), amortized O(1) per chunk.
    // Large chunks are bounded by bytes alone until read; a read never returns more than `lines` lines.
    if (this.#segments.length - this.#head > 2 * this.limits.lines) this.#trimLines();
    for (const follower of this.#followers) follower.push(segment);
  }

  /** A process exited: its unfinished last line is complete. */
  end(pid: number): void {
    this.#endsLine.delete(`${pid}:1`);
    this.#endsLine.delete(`${pid}:2`);
    for (const follower of this.#followers) follower.end(pid);
  }

  /**
   * The last lines (oldest first), filtered by stream and pid. With `follow`,
   * every later line matching the query goes to it (unfinished lines of live
   * processes are then not in the answer but completed in the feed); the
   * result's `stop` ends the subscription.
   */
  tail(query: HistoryQuery = {}, follow?: (entry: HistoryEntry) => void): { entries: HistoryEntry[]; stop: () => void } {
    this.#trimLines();
    const wanted = Math.min(query.lines ?? this.limits.lines, this.limits.lines);
    const follower = new Follower(query, follow);
    for (let i = this.#head; i < this.#segments.length; i++) follower.push(this.#segments[i]!);
    const entries = follower.collected;
    if (!follow) entries.push(...follower.flushAll());
    follower.collected = [];
    if (follow) {
      follower.live = true;
      this.#followers.add(follower);
    }
    return { entries: wanted === 0 ? [] : entries.slice(-wanted), stop: () => this.#followers.delete(follower) };
  }

  // Forget the chunks older than the last `limits.lines` lines (counted backwards from the newest).
  #trimLines(): void {
    let found = 0;
    for (let i = this.#segments.length - 1; i >= this.#head; i--) {
      const data = this.#segments[i]!.data;
      // A final newline ends the last line of the chunk; it does not start another one.
      let at = data.length - 1;
      if (i === this.#segments.length - 1 && data[at] === 0x0a) at -= 1;
      while (at >= 0) {
        const nl = data.lastIndexOf(0x0a, at);
        if (nl < 0) break;
        found += 1;
        if (found >= this.limits.lines) {
          // Keep the chunk from after this newline; everything older goes (#shift may compact the array).
          const segment = this.#segments[i]!;
          for (let older = i - this.#head; older > 0; older--) this.#shift();
          if (nl + 1 < data.length) {
            this.#bytes -= nl + 1;
            segment.data = Buffer.from(data.subarray(nl + 1));
            segment.startsLine = true;
          }
          return;
        }
        at = nl - 1;
      }
    }
  }

  #shift(): void {
    const segment = this.#segments[this.#head]!;
    this.#bytes -= segment.data.length;
    this.#segments[this.#head] = undefined as unknown as Segment;
    this.#head += 1;
    if (this.#head === this.#segments.length) {
      this.#segments = [];
      this.#head = 0;
    } else if (this.#head > 256 && this.#head * 2 > this.#segments.length) {
      this.#segments = this.#segments.slice(this.#head);
      this.#head = 0;
    }
  }
}

// Splits the chunks of the pipes a query selects into lines, one decoder and partial line per pipe.
class Follower {
  collected: HistoryEntry[] = [];
  live = false;
  readonly #query: HistoryQuery;
  readonly #listener: ((entry: HistoryEntry) => void) | undefined;
  readonly #pipes = new Map<string, { decoder: StringDecoder; partial: string; skip: boolean; last: Segment }>();

  constructor(query: HistoryQuery, listener: ((entry: HistoryEntry) => void) | undefined) {
    this.#query = query;
    this.#listener = listener;
  }

  push(segment: Segment): void {
    const stream: HistoryStream = segment.fd === 1 ? 'stdout' : 'stderr';
    if (this.#query.stream !== undefined && this.#query.stream !== stream) return;
    if (this.#query.pid !== undefined && this.#query.pid !== segment.pid) return;
    const key = `${segment.pid}:${segment.fd}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      // The start of a line that was forgotten: its rest is not a whole line.
      pipe = { decoder: new StringDecoder('utf8'), partial: '', skip: !segment.startsLine, last: segment };
      this.#pipes.set(key, pipe);
    }
    pipe.last = segment;
    const text = pipe.partial + pipe.decoder.write(segment.data);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (pipe.skip) pipe.skip = false;
      else this.#emit(segment, text.slice(start, nl));
      start = nl + 1;
    }
    pipe.partial = text.slice(start);
    if (pipe.partial.length > MAX_HISTORY_LINE) pipe.partial = pipe.partial.slice(0, MAX_HISTORY_LINE);
  }

  end(pid: number): void {
    for (const fd of [1, 2]) {
      const pipe = this.#pipes.get(`${pid}:${fd}`);
      if (!pipe) continue;
      this.#pipes.delete(`${pid}:${fd}`);
      const rest = pipe.partial + pipe.decoder.end();
      if (rest !== '' && !pipe.skip) this.#emit(pipe.last, rest);
    }
  }

  /** The unfinished last line of every pipe, as lines (a one-off read: the process may be gone). */
  flushAll(): HistoryEntry[] {
    const rest: HistoryEntry[] = [];
    for (const pipe of this.#pipes.values()) {
      if (pipe.partial !== '' && !pipe.skip) rest.push(entryOf(pipe.last, pipe.partial));
    }
    return rest.sort((a, b) => a.time - b.time);
  }

  #emit(segment: Segment, line: string): void {
    const entry = entryOf(segment, line);
    if (this.live) this.#listener?.(entry);
    else this.collected.push(entry);
  }
}

function entryOf(segment: Segment, line: string): HistoryEntry {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return {
    time: segment.time, pid: segment.pid, os_pid: segment.osPid, stream: segment.fd === 1 ? 'stdout' : 'stderr',
    line: text.length > MAX_HISTORY_LINE ? text.slice(0, MAX_HISTORY_LINE) : text,
  };
}
