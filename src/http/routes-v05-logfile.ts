// `GET /jobs/<sid>/<name>/logfile` (an addition of the port): the last lines
// of a job's stdout or stderr log file (`stdout_logfile`/`stderr_logfile`),
// then, with `follow=true`, what the job writes to that file afterwards. The
// tail is read backwards from the end of the file in blocks, so a 1 GB file
// costs a few reads; following listens to the job's live output (the same
// chunks the log file receives) instead of polling the file, so rotation and
// a slow disk change nothing for the reader.
import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { EventListener } from '../util/event-bus.js';
import type { Job } from '../core/job.js';
import { logSettings } from '../core/job-logs.js';
import { expandLogPath } from '../core/log-file.js';
import type { ManagedProcess } from '../core/managed-process.js';
import type { Manager } from '../core/manager.js';
import { BadRequestError, GafferError, NotFoundError, isGafferError } from '../errors.js';
import type { RequestContext } from '../httpkit/dispatcher.js';
import type { Feed } from '../httpkit/feeds.js';
import { parseFlag, type HttpRouter, type RouteDeps } from './route-support.js';
import { onPathJob, pathJob } from './routes-v05-jobs.js';

/** Lines sent when the request gives no `lines`. */
export const DEFAULT_TAIL_LINES = 10;
const BLOCK_SIZE = 64 * 1024;
const TEXT = 'text/plain; charset=utf-8';
const NEWLINE = 0x0a;
// Candidate overlaps checked between the file's end and the chunks that arrived while it was opened.
const MAX_OVERLAP_CANDIDATES = 256;

type LogStream = 'stdout' | 'stderr';

/** Which file a request reads: its path template and the output fds the job writes to it. */
interface LogSelection {
  template: string;
  fds: ReadonlySet<number>;
  /** `{pid}` in the template: one file per process. */
  perProcess: boolean;
}

/** The part of one file to send: bytes `start` to `size` (no handle: the file does not exist yet). */
interface TailPart { path: string; handle: FileHandle | undefined; start: number; size: number }

/** Register `GET /jobs/<sid>/<name>/logfile` (read permission on the job, like `GET /jobs/<sid>/<name>`). */
export function registerV05LogfileRoutes(router: HttpRouter, deps: RouteDeps): void {
  router.add('GET', '/jobs/:sid/:name/logfile', (ctx) => serveLogfile(deps, ctx), onPathJob('read'));
}

async function serveLogfile(deps: RouteDeps, ctx: RequestContext): Promise<undefined> {
  const manager = deps.manager();
  const job = manager.getJob(pathJob(ctx));
  const stream = parseStream(ctx.query.get('stream'));
  const lines = parseLines(ctx.query.get('lines'));
  const follow = parseFlag(ctx.query.get('follow') ?? undefined, false, 'follow', 'bad_value');
  const selection = selectLog(job, stream);
  if (!selection) {
    throw new NotFoundError('no_logfile', `job '${job.fullName}' writes no ${stream} log file: set ${stream}_logfile in its configuration` +
      (stream === 'stderr' ? ' (or stdout_logfile for one file with both streams)' : ''));
  }
  const res = ctx.res;
  const description = `${ctx.req.method} ${ctx.url.pathname}`;
  // Listening starts before the file is read, so nothing written in between is missed.
  const live = follow ? new LiveOutput(manager, job, selection, deps.limits.feedBuffer, () => {
    deps.logger.warn(`${description}: client ${res.socket?.remoteAddress ?? ''} is too slow (more than ` +
      `${deps.limits.feedBuffer} bytes of output waiting while the tail is sent); closing its connection`);
    res.destroy();
  }) : undefined;
  if (live) res.once('close', () => live.close());
  let parts: TailPart[] = [];
  try {
    parts = await prepareTails(job, selection, lines, live);
    if (!live) {
      res.writeHead(200, { 'Content-Type': TEXT, 'Cache-Control': 'no-cache' });
      await sendTails(parts, selection, res, () => isClosed(res));
      res.end();
      return undefined;
    }
    // No heartbeat: it would add blank lines to the log text.
    const feed = deps.feeds.open(res, { kind: 'continuous', contentType: TEXT, bufferLimit: deps.limits.feedBuffer, description });
    feed.onClose(() => live.close());
    await sendTails(parts, selection, res, () => feed.isClosed);
    if (!feed.isClosed) live.start(feed, selection.perProcess ? parts.at(-1)?.path : undefined);
    return undefined;
  } catch (err) {
    live?.close();
    throw err;
  } finally {
    await Promise.allSettled(parts.map((p) => p.handle?.close()));
  }
}

function parseStream(value: string | null): LogStream {
  if (value === null || value === '' || value === 'stdout') return 'stdout';
  if (value === 'stderr') return 'stderr';
  throw new BadRequestError('bad_value', `invalid stream ${JSON.stringify(value)}: expected stdout or stderr`);
}

function parseLines(value: string | null): number {
  if (value === null || value === '') return DEFAULT_TAIL_LINES;
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new BadRequestError('bad_value', `invalid lines ${JSON.stringify(value)}: expected a number of lines (0 or more)`);
}

// The file receiving `stream`: stderr goes to stdout_logfile when stderr_logfile is not set (one combined file).
function selectLog(job: Job, stream: LogStream): LogSelection | undefined {
  const settings = logSettings(job.config);
  const stdoutFile = settings?.stdout;
  const stderrFile = settings?.stderr ?? stdoutFile;
  const template = stream === 'stdout' ? stdoutFile : stderrFile;
  if (template === undefined) return undefined;
  const fds = new Set<number>();
  if (stdoutFile === template) fds.add(1);
  if (stderrFile === template) fds.add(2);
  return { template, fds, perProcess: template.includes('{pid}') };
}

function logPath(job: Job, selection: LogSelection, pid: number): string {
  return expandLogPath(selection.template, { name: job.name, session: job.sessionid, pid });
}

// One shared file, or the files of the job's current processes (kept and one-off) in pid order.
function logPaths(job: Job, selection: LogSelection): string[] {
  if (!selection.perProcess) return [logPath(job, selection, 0)];
  const pids = job.processes.map((p) => p.pid).sort((a, b) => a - b);
  return [...new Set(pids.map((pid) => logPath(job, selection, pid)))];
}

async function prepareTails(job: Job, selection: LogSelection, lines: number, live: LiveOutput | undefined): Promise<TailPart[]> {
  const parts: TailPart[] = [];
  try {
    for (const path of logPaths(job, selection)) parts.push(await prepareTail(path, lines, live));
  } catch (err) {
    await Promise.allSettled(parts.map((p) => p.handle?.close()));
    throw err;
  }
  return parts;
}

// Open a file (never blocking, should it be a FIFO) and find where its last `lines` lines start.
async function prepareTail(path: string, lines: number, live: LiveOutput | undefined): Promise<TailPart> {
  let handle: FileHandle;
  try {
    handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    // Nothing written yet: the file is created with the first output.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, handle: undefined, start: 0, size: 0 };
    throw unreadable(path, err);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotFoundError('no_logfile', `the log file '${path}' is a pipe or a device, not a file: there is nothing to read back`);
    await live?.skipWritten(path, handle, info.size);
    return { path, handle, start: await tailStart(handle, info.size, lines), size: info.size };
  } catch (err) {
    await handle.close().catch(() => {});
    throw isGafferError(err) ? err : unreadable(path, err);
  }
}

/** Offset of the first of the last `lines` lines of the file's first `size` bytes, reading backwards in blocks. */
export async function tailStart(handle: FileHandle, size: number, lines: number): Promise<number> {
  if (lines === 0 || size === 0) return size;
  const block = Buffer.allocUnsafe(Math.min(BLOCK_SIZE, size));
  let found = 0;
  let end = size;
  // A final newline ends the last line; it does not start an empty one.
  let skipFinal = true;
  while (end > 0) {
    const start = Math.max(0, end - block.length);
    const { bytesRead } = await handle.read(block, 0, end - start, start);
    // The file shrank meanwhile (truncated): send it from its start.
    if (bytesRead < end - start) return 0;
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (block[i] !== NEWLINE) {
        skipFinal = false;
        continue;
      }
      if (skipFinal) {
        skipFinal = false;
        continue;
      }
      found += 1;
      if (found === lines) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

// Each part in turn (with a `==> <path> <==` header for per-process files), at the pace of the client.
async function sendTails(parts: readonly TailPart[], selection: LogSelection, res: ServerResponse, closed: () => boolean): Promise<void> {
  for (const [i, part] of parts.entries()) {
    if (closed()) return;
    if (selection.perProcess) await write(res, Buffer.from(`${i > 0 ? '\n' : ''}==> ${part.path} <==\n`));
    let position = part.start;
    while (part.handle && position < part.size && !closed()) {
      const chunk = Buffer.allocUnsafe(Math.min(BLOCK_SIZE, part.size - position));
      const { bytesRead } = await part.handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      await write(res, chunk.subarray(0, bytesRead));
    }
  }
}

// Write and, when the response buffers are full, wait until they drain (or the client leaves).
function write(res: ServerResponse, data: Buffer): Promise<void> {
  if (isClosed(res) || res.write(data)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function isClosed(res: ServerResponse): boolean {
  return res.writableEnded || res.destroyed;
}

function unreadable(path: string, err: unknown): GafferError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new GafferError('GAFFER_ERR_LOGFILE_UNREADABLE', 500, 'logfile_unreadable',
    `cannot read the log file '${path}' (${code}); check that gafferd may read it`, { cause: err });
}

interface Pending { path: string; data: Buffer }

/**
 * The live output of a job for one log file: the chunks of the selected fds
 * of its processes (current ones, and those spawned later, kept or one-off),
 * including output only captured for the log file (`internal`). Chunks are
 * held (bounded) while the tail is sent, then go to the feed as they come.
 * Ends the feed once the job is unloaded and its processes have exited.
 */
class LiveOutput {
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
