// Opening and rotating the file behind a LogFile (core/log-file.ts): opening never
// blocks (FIFOs and terminals are opened non-blocking), a new file gets exactly the
// configured mode, rotation renames path → path.1 → … → path.<backups>.
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bytes2human } from '../util/bytes.js';
import type { Logger } from '../util/logger.js';

/** What was opened: a regular file (rotated by size) or a stream (FIFO, terminal: no rotation). */
export interface OpenedLog {
  handle: FileHandle;
  kind: 'file' | 'stream';
  /** Current size of a regular file (0 for a stream). */
  size: number;
}

/**
 * Open `path` for appending, creating it with `mode` (and its directory when `mayCreateDir`;
 * `onCreateDir` is told before).
 * O_NONBLOCK makes a FIFO open return at once (a regular file ignores the flag),
 * and O_RDWR on a FIFO succeeds without a reader (Linux), so nobody reading it blocks nothing.
 */
export async function openLogTarget(path: string, mode: number, mayCreateDir: boolean, onCreateDir: () => void): Promise<OpenedLog> {
  const { O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_NONBLOCK } = fsConstants;
  const before = await stat(path).catch(() => undefined);
  const flags = before?.isFIFO() ? O_RDWR | O_NONBLOCK
    : before?.isCharacterDevice() ? O_WRONLY | O_NONBLOCK
      : O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK;
  let handle: FileHandle;
  try {
    handle = await open(path, flags, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !mayCreateDir) throw err;
    onCreateDir();
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, flags, mode);
  }
  // Decide from what was opened, not from the earlier stat: the path may have changed in between.
  const opened = await handle.stat().catch(async (err: unknown) => {
    await handle.close().catch(() => {});
    throw err;
  });
  // A file created now gets exactly the configured mode, whatever the umask.
  if (!before && opened.isFile() && opened.size === 0 && (opened.mode & 0o777) !== mode) {
    await handle.chmod(mode).catch(() => {});
  }
  return { handle, kind: opened.isFile() ? 'file' : 'stream', size: opened.isFile() ? opened.size : 0 };
}

/**
 * path → path.1 → … → path.<backups> (the oldest is overwritten); with no backups the file is
 * removed. A file already moved away (external logrotate) is not an error. Throws when a rename fails.
 */
export async function rotateLogFiles(path: string, backups: number): Promise<void> {
  if (backups === 0) {
    await unlink(path).catch(ignoreMissing);
    return;
  }
  for (let i = backups - 1; i >= 1; i--) {
    await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(ignoreMissing);
  }
  await rename(path, `${path}.1`).catch(ignoreMissing);
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

// "EACCES: permission denied, open '/x'" -> "permission denied (EACCES)".
export function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const m = /^[A-Z]+: ([^,]+)/.exec(text);
  return m && e.code ? `${m[1]} (${e.code})` : text;
}

/**
 * The file a LogFile writes to: opened on first use, reopened on demand
 * (SIGUSR1), rotated by size. A file that cannot be opened stays closed, with
 * `openError` saying why, until `reopen()`.
 */
export class LogTarget {
  readonly path: string;
  handle: FileHandle | undefined;
  // 'stream' = FIFO, terminal or other character device: non-blocking writes, no rotation.
  kind: 'file' | 'stream' = 'file';
  /** Bytes in the current file (regular files). */
  size = 0;
  openError: string | undefined;
  readonly #mode: number;
  readonly #logger: Logger;
  #triedMkdir = false;

  constructor(path: string, mode: number, logger: Logger) {
    this.path = path;
    this.#mode = mode;
    this.#logger = logger;
  }

  /** True when the file is open (opening it now if needed). `opened` is called after a fresh open. */
  async ensureOpen(opened: () => void): Promise<boolean> {
    if (this.handle) return true;
    if (this.openError !== undefined) return false;
    try {
      const target = await openLogTarget(this.path, this.#mode, !this.#triedMkdir, () => { this.#triedMkdir = true; });
      this.kind = target.kind;
      this.size = target.size;
      this.handle = target.handle;
      opened();
      return true;
    } catch (err) {
      this.openError = reasonOf(err);
      this.#logger.error(`log file '${this.path}' cannot be opened: ${this.openError}; ` +
        'its output is dropped until the file is reopened (SIGUSR1) or the job restarts');
      return false;
    }
  }

  async reopen(opened: () => void): Promise<void> {
    await this.close();
    this.openError = undefined;
    this.#triedMkdir = false;
    await this.ensureOpen(opened);
  }

  // The open file is renamed first, so a failing rename leaves everything as it was and
  // writing goes on in the same file.
  async rotate(backups: number, maxBytes: number, opened: () => void): Promise<void> {
    try {
      await rotateLogFiles(this.path, backups);
    } catch (err) {
      this.#logger.warn(`log file '${this.path}' could not be rotated: ${reasonOf(err)}; ` +
        `writing on in the same file, next attempt after another ${bytes2human(maxBytes)}`);
      this.size = 0;
      return;
    }
    await this.close();
    await this.ensureOpen(opened);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch((err: unknown) => {
      this.#logger.warn(`log file '${this.path}': closing failed: ${reasonOf(err)}`);
    });
  }
}

/**
 * Expand `{name}`, `{session}` and `{pid}` in a log path template; other
 * `{...}` are left as written.
 */
export function expandLogPath(template: string, values: { name: string; session: string; pid: number | string }): string {
  return template.replace(/\{(name|session|pid)\}/g, (_whole, key: 'name' | 'session' | 'pid') => String(values[key]));
}
