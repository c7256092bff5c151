// The live processes of a Manager by internal pid, and the pid counter.
import { BadRequestError, NotFoundError } from '../errors.js';
import type { Job } from './job.js';
import type { ManagedProcess } from './managed-process.js';

/** A live process and the job it belongs to. */
export interface ProcessEntry {
  process: ManagedProcess;
  job: Job;
}

/** Internal pids (1, 2, ... never reused) -> live processes, from spawn until exit (or a failed spawn). */
export class ProcessTable {
  readonly #entries = new Map<number, ProcessEntry>();
  #nextPid = 1;

  /** The pid the next spawned process gets. */
  allocatePid(): number {
    return this.#nextPid++;
  }

  add(process: ManagedProcess, job: Job): void {
    this.#entries.set(process.pid, { process, job });
  }

  delete(pid: number): void {
    this.#entries.delete(pid);
  }

  /** Live entries, in spawn order. */
  entries(): IterableIterator<ProcessEntry> {
    return this.#entries.values();
  }

  /** Read-only view: pid -> process. */
  processes(): Map<number, ManagedProcess> {
    return new Map([...this.#entries].map(([pid, e]) => [pid, e.process]));
  }

  /** The live process with this internal pid, or a 404 (a non-integer pid is a 400). */
  entry(pid: number | string): ProcessEntry {
    const n = typeof pid === 'number' ? pid : /^\s*\d+\s*$/.test(pid) ? Number(pid) : NaN;
    if (!Number.isInteger(n)) throw new BadRequestError('bad_value', `invalid pid ${JSON.stringify(pid)}: expected an internal pid (integer)`);
    const entry = this.#entries.get(n);
    if (!entry) throw new NotFoundError('not_found', `process ${n} not found (it may have exited); list live pids with GET /pids`);
    return entry;
  }
}
