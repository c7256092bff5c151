// What `gafferctl top` shows: jobs and their processes (job info, process
// info, latest stats), the selection, the tail pane and a status line. Fed by
// the snapshot and the live feed; read by the renderer. No I/O here.
import type { JobInfo } from '../../../client/gaffer-client.js';

/** The last exit of a job's process, as gafferd reports it (job info `last_exit`) or as seen in an `exit` event. */
export interface LastExit { pid: number; os_pid?: number; exit_status: number; term_signal: number; time?: string | number | null }

/** Job info with the members newer gafferds add (read when present). */
export type TopJobInfo = JobInfo & {
  state?: string;
  restarts?: number;
  last_exit?: LastExit | null;
  next_retry?: string | null;
};

/** The stats members top shows (0.5 process stats). */
export interface TopStats { cpu: number | string; mem: number | string; mem_info1: string }

export interface TopProcess {
  pid: number;
  osPid: number;
  job: string;
  /** Epoch seconds, when known. */
  createTime?: number;
  once: boolean;
  stopping: boolean;
  labels: string[];
  stats?: TopStats;
}

export interface TopJob {
  full: string;
  info: TopJobInfo;
  /** Non one-off exits seen by this top (used when gafferd does not report `restarts`). */
  exitsSeen: number;
  /** The last exit seen in events (used when gafferd does not report `last_exit`). */
  lastExitSeen?: LastExit;
}

/** One line of the list: a job, or one of its processes under it. */
export type TopRow = { kind: 'job'; job: TopJob } | { kind: 'process'; job: TopJob; process: TopProcess };

/** The tail pane: which process, the lines received (bounded). */
export interface TailPane { pid: number; job: string; lines: string[]; partial: Map<string, string>; note?: string }

export const TAIL_MAX_LINES = 500;
const STOPPING_MAX = 10_000;

export class TopModel {
  readonly jobs = new Map<string, TopJob>();
  readonly processes = new Map<number, TopProcess>();
  /** Index into rows(). */
  selected = 0;
  /** Key of the selected row, so the selection follows it when rows move. */
  #selectedKey: string | undefined;
  tail: TailPane | undefined;
  /** Connection notice (lost gafferd), shown until cleared. */
  notice: string | undefined;
  /** Result of the last action. */
  status: { text: string; isError: boolean } | undefined;
  /** Pids gafferd is stopping on purpose (stop_process, reap): their exit is not a restart. Bounded. */
  readonly #stopping = new Set<number>();

  /** Replace a job's info (and drop processes it no longer has). */
  setJob(full: string, info: TopJobInfo): void {
    const job = this.jobs.get(full) ?? { full, info, exitsSeen: 0 };
    job.info = info;
    this.jobs.set(full, job);
    for (const proc of [...this.processes.values()]) {
      if (proc.job === full && !info.processes.includes(proc.pid)) this.processes.delete(proc.pid);
    }
  }

  removeJob(full: string): void {
    this.jobs.delete(full);
    for (const proc of [...this.processes.values()]) if (proc.job === full) this.processes.delete(proc.pid);
  }

  setProcess(proc: TopProcess): void {
    const known = this.processes.get(proc.pid);
    this.processes.set(proc.pid, { ...proc, stats: proc.stats ?? known?.stats });
  }

  /** A process exited: forget it, and remember the exit for the job (a restart unless it was being stopped). */
  processExited(exit: LastExit & { name: string; once?: boolean }): void {
    const wasStopping = this.#stopping.delete(exit.pid);
    this.processes.delete(exit.pid);
    const job = this.jobs.get(exit.name);
    if (!job) return;
    job.info = { ...job.info, processes: job.info.processes.filter((p) => p !== exit.pid) };
    if (exit.once !== true && !wasStopping) job.exitsSeen += 1;
    job.lastExitSeen = { pid: exit.pid, os_pid: exit.os_pid, exit_status: exit.exit_status, term_signal: exit.term_signal, time: new Date().toISOString() };
  }

  /** gafferd is stopping this process (stop, restart, scale down). */
  markStopping(pid: number): void {
    const proc = this.processes.get(pid);
    if (proc) proc.stopping = true;
    this.#stopping.add(pid);
    if (this.#stopping.size > STOPPING_MAX) this.#stopping.delete(this.#stopping.values().next().value!);
  }

  setStats(pid: number, stats: TopStats): void {
    const proc = this.processes.get(pid);
    if (proc) proc.stats = stats;
  }

  processesOf(full: string): TopProcess[] {
    return [...this.processes.values()].filter((p) => p.job === full).sort((a, b) => a.pid - b.pid);
  }

  /** Jobs sorted by name, each followed by its processes. */
  rows(): TopRow[] {
    const rows: TopRow[] = [];
    for (const full of [...this.jobs.keys()].sort()) {
      const job = this.jobs.get(full)!;
      rows.push({ kind: 'job', job });
      for (const process of this.processesOf(full)) rows.push({ kind: 'process', job, process });
    }
    return rows;
  }

  /** The selected row, keeping the selection on the same job/process when rows were added or removed. */
  selectedRow(): TopRow | undefined {
    const rows = this.rows();
    if (this.#selectedKey !== undefined) {
      const at = rows.findIndex((r) => rowKey(r) === this.#selectedKey);
      if (at >= 0) this.selected = at;
    }
    this.selected = Math.max(0, Math.min(this.selected, rows.length - 1));
    const row = rows[this.selected];
    this.#selectedKey = row ? rowKey(row) : undefined;
    return row;
  }

  /** Move the selection by `delta` rows. */
  moveSelection(delta: number): void {
    const rows = this.rows();
    this.selectedRow();
    this.selected = Math.max(0, Math.min(this.selected + delta, rows.length - 1));
    const row = rows[this.selected];
    this.#selectedKey = row ? rowKey(row) : undefined;
  }

  /** Restarts of a job: gafferd's count when it reports one, else the exits this top has seen. */
  restartsOf(job: TopJob): number {
    return typeof job.info.restarts === 'number' ? job.info.restarts : job.exitsSeen;
  }

  lastExitOf(job: TopJob): LastExit | undefined {
    return job.info.last_exit ?? job.lastExitSeen;
  }

  /** Append output of the tailed process, split into lines per label. */
  appendOutput(pid: number, label: string, text: string): void {
    const tail = this.tail;
    if (!tail || tail.pid !== pid) return;
    const pieces = ((tail.partial.get(label) ?? '') + text).split(/\r?\n/);
    tail.partial.set(label, pieces.pop() ?? '');
    const prefix = tail.partial.size > 1 || label === 'stderr' || label === 'err' ? `${label}| ` : '';
    for (const line of pieces) tail.lines.push(prefix + line);
    if (tail.lines.length > TAIL_MAX_LINES) tail.lines.splice(0, tail.lines.length - TAIL_MAX_LINES);
  }
}

function rowKey(row: TopRow): string {
  return row.kind === 'job' ? `job:${row.job.full}` : `pid:${row.process.pid}`;
}
