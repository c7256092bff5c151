// The tail of a job's log file (`GET /jobs/<sid>/<name>/logfile`): which
// file a request reads, and its last lines, read backwards from the end in
// blocks (a 1 GB file costs a few reads) and sent at the pace of the client.
import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { Job } from '../core/job.js';
import { logSettings } from '../core/job-logs.js';
import { expandLogPath } from '../core/log-file-target.js';
import { GafferError, NotFoundError, isGafferError, gafferError } from '../errors.js';

const BLOCK_SIZE = 64 * 1024;
const NEWLINE = 0x0a;

export type LogStream = 'stdout' | 'stderr';

/** Which file a request reads: its path template and the output fds the job writes to it. */
export interface LogSelection {
  template: string;
  fds: ReadonlySet<number>;
  /** `{pid}` in the template: one file per process. */
  perProcess: boolean;
}

/** The part of one file to send: bytes `start` to `size` (no handle: the file does not exist yet). */
export interface TailPart { path: string; handle: FileHandle | undefined; start: number; size: number }

/** What the tail needs of a follower: drop held live chunks the file already holds (log-follow.ts). */
export interface HeldOutput {
  skipWritten(path: string, handle: FileHandle, size: number): Promise<void>;
}

// The file receiving `stream`: stderr goes to stdout_logfile when stderr_logfile is not set (one combined file).
export function selectLog(job: Job, stream: LogStream): LogSelection | undefined {
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

export function logPath(job: Job, selection: LogSelection, pid: number): string {
  return expandLogPath(selection.template, { name: job.name, session: job.sessionid, pid });
}

// One shared file, or the files of the job's current processes (kept and one-off) in pid order.
export function logPaths(job: Job, selection: LogSelection): string[] {
  if (!selection.perProcess) return [logPath(job, selection, 0)];
  const pids = job.processes.map((p) => p.pid).sort((a, b) => a - b);
  return [...new Set(pids.map((pid) => logPath(job, selection, pid)))];
}

export async function prepareTails(job: Job, selection: LogSelection, lines: number, live: HeldOutput | undefined): Promise<TailPart[]> {
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
async function prepareTail(path: string, lines: number, live: HeldOutput | undefined): Promise<TailPart> {
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
export async function sendTails(parts: readonly TailPart[], selection: LogSelection, res: ServerResponse, closed: () => boolean): Promise<void> {
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

export function isClosed(res: ServerResponse): boolean {
  return res.writableEnded || res.destroyed;
}

function unreadable(path: string, err: unknown): GafferError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return gafferError('GAFFER_ERR_LOGFILE_UNREADABLE', `cannot read the log file '${path}' (${code}); check that gafferd may read it`, { cause: err });
}
