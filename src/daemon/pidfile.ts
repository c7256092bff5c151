import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { ConflictError, gafferError } from '../errors.js';

/**
 * gafferd's pid file: refuses to start over a live gafferd, replaces a stale
 * file, writes atomically (temp file + rename, mode 0644), and is removed on
 * exit only while it still holds our pid.
 */
export class Pidfile {
  #path: string;
  #pid: number | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  /** Write `pid`; throws when the file names another live process. */
  create(pid = process.pid): void {
    const existing = this.validate();
    if (existing !== undefined && existing !== pid) {
      throw new ConflictError('already_running', `Already running on PID ${existing} (or pid file '${this.#path}' is stale)`);
    }
    const temp = join(dirname(this.#path), `.${basename(this.#path)}.${pid}.tmp`);
    try {
      writeFileSync(temp, `${pid}\n`, { mode: 0o644 });
      renameSync(temp, this.#path);
    } catch (err) {
      throw gafferError('GAFFER_ERR_PIDFILE_WRITE', `cannot write the pid file '${this.#path}': ${(err as Error).message}; check that its directory exists and is writable`, { cause: err });
    }
    this.#pid = pid;
  }

  /** The live pid the file names, or undefined (missing, garbage, or a dead process: stale). */
  validate(): number | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      return undefined;
    }
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    try {
      process.kill(pid, 0);
      return pid;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
    }
  }

  /** Remove the file if it still holds our pid. */
  unlink(): void {
    if (this.#pid === undefined) return;
    try {
      if (Number(readFileSync(this.#path, 'utf8').trim()) === this.#pid) unlinkSync(this.#path);
    } catch { /* already gone */ }
  }

  /** Move the pid file to a new path (config reload). */
  rename(path: string): void {
    if (path === this.#path) return;
    const pid = this.#pid ?? process.pid;
    const old = this.#path;
    this.#path = path;
    this.create(pid);
    try {
      if (Number(readFileSync(old, 'utf8').trim()) === pid) unlinkSync(old);
    } catch { /* gone */ }
  }
}
