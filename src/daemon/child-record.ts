// The crash-recovery record: gafferd keeps <stateDir>/children.json equal to
// the OS processes it supervises (pid, process group, start time), so a
// gafferd that starts after this one was SIGKILLed can stop what it left
// (crash-recovery.ts).
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manager } from '../core/manager.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { readBootId, readProcStatSync } from '../util/procfs.js';

/** The record's file name inside the state directory. */
export const CHILDREN_FILE = 'children.json';
/** Minimum delay between two writes of the record (bursts are coalesced). */
export const DEFAULT_DEBOUNCE_MS = 50;

/** One recorded OS process (a job's process group leader). */
export interface RecordedChild {
  /** OS pid. */
  pid: number;
  /** Process group id (the pid itself: every child is spawned as a group leader). */
  pgid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks since boot at which the process started. */
  startTime: number;
  /** Full job name (`session.name`). */
  job: string;
  /** gafferd's internal pid. */
  internalPid: number;
  detach: boolean;
}

/** The content of children.json. */
export interface ChildRecordData {
  version: 1;
  gafferdPid: number;
  /** Start time of gafferd itself, so a recycled gafferd pid is not taken for a live gafferd. */
  gafferdStartTime?: number;
  /** /proc/sys/kernel/random/boot_id: after a reboot every recorded pid is meaningless. */
  bootId?: string;
  /** The configuration file of the gafferd that wrote it (named when another gafferd is refused). */
  config?: string;
  /** Its listen addresses, for the same message. */
  binds?: string[];
  updatedAt: string;
  children: RecordedChild[];
}

/** The slice of the Manager a ChildRecord listens to. */
export type RecordedManager = Pick<Manager, 'onProcessTable'>;

export interface ChildRecordOptions {
  stateDir: string;
  logger?: Logger;
  /** Minimum delay between writes (default 50 ms). */
  debounceMs?: number;
  /** Who this gafferd is: written in the record so a refused gafferd can name it. */
  owner?: { config?: string; binds?: string[] };
}

/**
 * Keeps `<stateDir>/children.json` equal to the set of live children: written
 * atomically (temp file, fsync, rename) and debounced (at most one write per
 * `debounceMs`, always ending with the latest state). Write failures are
 * logged, never thrown.
 */
export class ChildRecord {
  readonly path: string;
  readonly #stateDir: string;
  readonly #logger: Logger;
  readonly #debounceMs: number;
  readonly #children = new Map<number, RecordedChild>();
  readonly #gafferdStartTime: number | undefined;
  readonly #bootId: string | undefined;
  #owner: { config?: string; binds?: string[] };
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #closed = false;
  #failing = false;
  #writes = 0;

  constructor(options: ChildRecordOptions) {
    this.#stateDir = options.stateDir;
    this.path = join(options.stateDir, CHILDREN_FILE);
    this.#logger = options.logger ?? silentLogger;
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.#gafferdStartTime = readProcStatSync(process.pid)?.startTime;
    this.#bootId = readBootId();
    this.#owner = options.owner ?? {};
  }

  /** The recorded children, in spawn order. */
  get children(): RecordedChild[] {
    return [...this.#children.values()];
  }

  /** Completed writes of the file (for tests and metrics). */
  get writes(): number {
    return this.#writes;
  }

  /** What the file will contain after the next write. */
  snapshot(): ChildRecordData {
    return {
      version: 1,
      gafferdPid: process.pid,
      gafferdStartTime: this.#gafferdStartTime,
      bootId: this.#bootId,
      ...(this.#owner.config === undefined ? {} : { config: this.#owner.config }),
      ...(this.#owner.binds === undefined ? {} : { binds: this.#owner.binds }),
      updatedAt: new Date().toISOString(),
      children: this.children,
    };
  }

  /**
   * Record a live process. Its process group and start time are read from
   * /proc unless given; false when the process is already gone (nothing to record).
   */
  add(child: Omit<RecordedChild, 'pgid' | 'startTime'> & Partial<Pick<RecordedChild, 'pgid' | 'startTime'>>): boolean {
    let { pgid, startTime } = child;
    if (pgid === undefined || startTime === undefined) {
      const stat = readProcStatSync(child.pid);
      if (!stat) return false;
      pgid ??= stat.pgid;
      startTime ??= stat.startTime;
    }
    this.#children.set(child.pid, { pid: child.pid, pgid, startTime, job: child.job, internalPid: child.internalPid, detach: child.detach });
    this.#changed();
    return true;
  }

  /** Forget a process (it exited). */
  remove(osPid: number): void {
    if (this.#children.delete(osPid)) this.#changed();
  }

  /**
   * Follow a Manager's process table: every spawn adds the process, every exit
   * removes it. The hooks are synchronous (not the event queue, which drops
   * its oldest events under a burst), so no child is ever left unrecorded;
   * /proc is read at spawn time. Also writes the record once, so the state
   * directory names this gafferd. Returns the function that stops following.
   */
  attach(manager: RecordedManager): () => void {
    const stop = manager.onProcessTable({
      spawned: (p) => { this.add({ pid: p.osPid, job: p.name, internalPid: p.pid, detach: p.detach }); },
      exited: (p) => this.remove(p.osPid),
    });
    this.#changed();
    return stop;
  }

  /** Record the listen addresses once bound (port 0 becomes the real port); written with the next write. */
  setBinds(binds: string[]): void {
    this.#owner = { ...this.#owner, binds };
    this.#changed();
  }

  /** Write the current state now (pending debounce included); resolves when it is on disk. */
  async flush(): Promise<void> {
    while (this.#writing || this.#timer || this.#dirty) {
      if (this.#writing) {
        await this.#writing;
        continue;
      }
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#dirty) this.#startWrite();
    }
  }

  /**
   * Final write, then stop recording. `remove: true` (clean shutdown, every
   * child stopped) deletes the file: the next gafferd has nothing to recover.
   */
  async close(options: { remove?: boolean } = {}): Promise<void> {
    if (!this.#closed) {
      if (!options.remove) await this.flush();
      this.#closed = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#writing;
    }
    if (options.remove) await unlink(this.path).catch(() => {});
  }

  #changed(): void {
    if (this.#closed) return;
    this.#dirty = true;
    // A write in progress re-schedules itself when it ends.
    if (this.#timer || this.#writing) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#startWrite();
    }, this.#debounceMs);
    this.#timer.unref();
  }

  #startWrite(): void {
    this.#dirty = false;
    this.#writing = this.#write().finally(() => {
      this.#writing = undefined;
      if (this.#dirty && !this.#closed && !this.#timer) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#startWrite();
        }, this.#debounceMs);
        this.#timer.unref();
      }
    });
  }

  // temp file + fsync + rename: a gafferd killed mid-write leaves the previous complete record.
  async #write(): Promise<void> {
    const temp = `${this.path}.${process.pid}.tmp`;
    try {
      await mkdir(this.#stateDir, { recursive: true, mode: 0o700 });
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(this.snapshot(), null, 1)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
      this.#writes += 1;
      if (this.#failing) this.#logger.info(`the crash-recovery record '${this.path}' is written again`);
      this.#failing = false;
    } catch (err) {
      await unlink(temp).catch(() => {});
      if (!this.#failing) {
        this.#logger.error(`cannot write the crash-recovery record '${this.path}': ${(err as Error).message}; ` +
          'if gafferd is killed now, its children will not be stopped by the next gafferd');
      }
      this.#failing = true;
    }
  }
}

/** Shape-check children.json; a string says what is wrong. */
export function parseChildRecord(text: string): ChildRecordData | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const r = data as Partial<ChildRecordData> | null;
  if (typeof r !== 'object' || r === null || !isPid(r.gafferdPid) || !Array.isArray(r.children)) {
    return 'expected {"gafferdPid": <pid>, "children": [...]}';
  }
  for (const c of r.children as unknown[]) {
    const child = c as Partial<RecordedChild> | null;
    if (typeof child !== 'object' || child === null || !isPid(child.pid) || !isPid(child.pgid) ||
      !Number.isInteger(child.startTime) || typeof child.job !== 'string') {
      return `malformed child entry ${JSON.stringify(c)}`;
    }
  }
  return {
    version: 1,
    gafferdPid: r.gafferdPid,
    gafferdStartTime: Number.isInteger(r.gafferdStartTime) ? r.gafferdStartTime : undefined,
    bootId: typeof r.bootId === 'string' ? r.bootId : undefined,
    config: typeof r.config === 'string' ? r.config : undefined,
    binds: Array.isArray(r.binds) ? r.binds.filter((b): b is string => typeof b === 'string') : undefined,
    updatedAt: String(r.updatedAt ?? ''),
    children: (r.children as RecordedChild[]).map((c) => ({
      pid: c.pid, pgid: c.pgid, startTime: c.startTime, job: c.job,
      internalPid: Number.isInteger(c.internalPid) ? c.internalPid : 0, detach: c.detach === true,
    })),
  };
}

function isPid(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}
