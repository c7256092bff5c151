// Crash recovery: gafferd records the OS processes it supervises in
// <stateDir>/children.json; a gafferd that starts after one was SIGKILLed
// stops what the previous one left running. A pid is only ever signalled when
// /proc proves it is the recorded process (same start time, same boot, same
// process group), so a recycled pid is never killed.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import type { Manager } from '../core/manager.js';
import { ConflictError } from '../errors.js';

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

/** A recorded process found alive by recoverSurvivors. */
export interface SurvivorInfo {
  job: string;
  internalPid: number;
  /** OS pid of the recorded process (gone already when only its group members survived). */
  pid: number;
  pgid: number;
  /** Every live OS pid of its process group, the recorded process included when alive. */
  pids: number[];
  /** Detached job: left running. */
  detach: boolean;
}

export interface RecoveryResult {
  /** Survivors found: stopped ones, and detached ones left running. */
  found: SurvivorInfo[];
  /** OS processes stopped. */
  stopped: number;
  /** The pid of the gafferd that wrote the record. */
  previousPid?: number;
  /** Set when that gafferd is still running: the caller must refuse to start. */
  error?: ConflictError;
  /** Set when the record was unreadable or malformed (reported, then removed). */
  problem?: string;
  /** Duration of the stop, ms. */
  ms: number;
}

export interface RecoveryOptions {
  logger?: Logger;
  /** SIGTERM → SIGKILL delay (default 5000 ms). */
  gracefulTimeoutMs?: number;
}

/**
 * Read the record left by a previous gafferd and stop the processes it left:
 * SIGTERM to each verified process group, SIGKILL after `gracefulTimeoutMs`.
 * Detached jobs are reported and left alone. A live previous gafferd gives
 * `error` (refuse to start) and touches nothing. The record is removed.
 */
export async function recoverSurvivors(stateDir: string, options: RecoveryOptions = {}): Promise<RecoveryResult> {
  const logger = options.logger ?? silentLogger;
  const path = join(stateDir, CHILDREN_FILE);
  const started = performance.now();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { found: [], stopped: 0, ms: 0 };
    const problem = `cannot read it: ${(err as Error).message}`;
    logger.warn(`crash recovery skipped: the record '${path}' ${problem}`);
    return { found: [], stopped: 0, problem, ms: 0 };
  }
  const parsed = parseRecord(text);
  if (typeof parsed === 'string') {
    logger.warn(`ignoring the crash-recovery record '${path}': ${parsed}; processes a previous gafferd may have left were not checked`);
    await unlink(path).catch(() => {});
    return { found: [], stopped: 0, problem: parsed, ms: 0 };
  }
  const record = parsed;
  const previousPid = record.gafferdPid;
  const bootId = readBootId();
  if (record.bootId && bootId && record.bootId !== bootId) {
    logger.info(`the crash-recovery record '${path}' was written before the last reboot: nothing to recover`);
    await unlink(path).catch(() => {});
    return { found: [], stopped: 0, previousPid, ms: 0 };
  }
  if (isSameProcess(previousPid, record.gafferdStartTime)) {
    const who = [`pid ${previousPid}`];
    if (record.config) who.push(`config ${record.config}`);
    if (record.binds?.length) who.push(`bind ${record.binds.join(', ')}`);
    return {
      found: [], stopped: 0, previousPid, ms: 0,
      error: new ConflictError('already_running', `another gafferd (${who.join(', ')}) is running with the state directory '${stateDir}'; ` +
        'stop it first, or give this gafferd its own state directory with --state-dir DIR (or GAFFERD_STATE_DIR)',
      { details: { pid: previousPid, stateDir, config: record.config, binds: record.binds } }),
    };
  }
  if (readProcStatSync(process.pid) === undefined) {
    logger.warn(`crash recovery skipped: /proc is not available to verify the processes recorded in '${path}'`);
    return { found: [], stopped: 0, previousPid, ms: 0 };
  }

  const table = scanProcesses();
  const groups: Array<{ info: SurvivorInfo; members: ProcStat[] }> = [];
  for (const child of record.children) {
    const members = verifiedGroup(child, table);
    if (!members || groups.some((g) => g.info.pgid === child.pgid)) continue;
    groups.push({
      info: { job: child.job, internalPid: child.internalPid, pid: child.pid, pgid: child.pgid, pids: members.map((m) => m.pid), detach: child.detach },
      members,
    });
  }
  const toStop = groups.filter((g) => !g.info.detach);
  const { left, denied } = await stopGroups(toStop, options.gracefulTimeoutMs ?? 5000);
  const ms = performance.now() - started;
  const stoppedCount = toStop.reduce((n, g) => n + g.members.length, 0) - left.length;

  const by = `a previous gafferd (pid ${previousPid}) that was killed or crashed`;
  if (toStop.length > 0) {
    logger.warn(`recovered ${stoppedCount} process${stoppedCount === 1 ? '' : 'es'} left by ${by}: ` +
      `${toStop.map((g) => describeSurvivor(g.info)).join(', ')}; stopped them in ${(ms / 1000).toFixed(2)}s`);
  }
  if (left.length > 0) {
    const hint = denied ? 'gafferd may not signal them: run it as the user that ran the previous one'
      : 'they survived SIGKILL (uninterruptible sleep, state D?)';
    logger.error(`could not stop ${left.length} process${left.length === 1 ? '' : 'es'} left by ${by}: ` +
      `os pid ${left.map((p) => `${p.pid} (state ${p.state})`).join(', ')}; ${hint}`);
  }
  const detached = groups.filter((g) => g.info.detach);
  if (detached.length > 0) {
    logger.info(`left running ${detached.length} process group${detached.length === 1 ? '' : 's'} of detached jobs started by ${by}: ` +
      detached.map((g) => describeSurvivor(g.info)).join(', '));
  }
  await unlink(path).catch(() => {});
  return { found: groups.map((g) => g.info), stopped: stoppedCount, previousPid, ms };
}

/**
 * The default state directory, created with mode 0700:
 * - `<configDir>/state` when the configuration directory exists, next to the
 *   auth databases: one gafferd instance = one directory, so two gafferds with
 *   different configurations never share (and never refuse) a record;
 * - otherwise root: `/var/lib/gaffer` (FHS variable state);
 *   others: `$XDG_STATE_HOME/gaffer`, else `~/.local/state/gaffer` (XDG base dirs).
 * A configuration directory where the state directory cannot be created
 * (read-only mount, another owner) falls back to the second rule.
 */
export function defaultStateDir(configDir?: string, host: { env?: NodeJS.ProcessEnv; homeDir?: string; isRoot?: boolean } = {}): string {
  if (configDir && isDirectory(configDir)) {
    const dir = join(configDir, 'state');
    if (tryMkdir(dir)) return dir;
  }
  const env = host.env ?? process.env;
  const isRoot = host.isRoot ?? process.getuid?.() === 0;
  const xdg = env.XDG_STATE_HOME;
  const dir = isRoot ? '/var/lib/gaffer'
    : xdg && xdg.startsWith('/') ? join(xdg, 'gaffer') : join(host.homeDir ?? homedir(), '.local', 'state', 'gaffer');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

// ------------------------------------------------------------------ /proc

interface ProcStat {
  pid: number;
  /** R, S, D, Z, T... */
  state: string;
  pgid: number;
  startTime: number;
}

// /proc/<pid>/stat: "pid (comm) state ppid pgrp session ... starttime(22)"; comm may contain spaces and ')'.
function parseProcStat(pid: number, text: string): ProcStat | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const pgid = Number(fields[2]);
  const startTime = Number(fields[19]);
  if (!fields[0] || !Number.isInteger(pgid) || !Number.isInteger(startTime)) return undefined;
  return { pid, state: fields[0], pgid, startTime };
}

function readProcStatSync(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

// Synchronous on purpose: procfs reads never touch a disk, and one scan at start-up is ~10x faster
// (a few ms for hundreds of processes) than through the threadpool.
function scanProcesses(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readProcStatSync(pid);
    if (stat) table.set(pid, stat);
  }
  return table;
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

// Alive (not a zombie) and, when a start time was recorded, the very same process.
function isSameProcess(pid: number, startTime: number | undefined): boolean {
  if (pid === process.pid) return false;
  const stat = readProcStatSync(pid);
  if (stat) return stat.state !== 'Z' && (startTime === undefined || stat.startTime === startTime);
  if (readProcStatSync(process.pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live members of a recorded child's process group, or undefined when
 * nothing of it is left or the group is not provably the recorded one:
 * - the recorded pid alive (or a zombie) with another start time: the pid was
 *   recycled, and since the kernel never hands out a pid that is in use as a
 *   group id, group <pgid> cannot be the recorded one: leave it alone;
 * - the recorded process in another group (it called setsid/setpgid): leave it;
 * - the recorded process gone: members of <pgid> must all have started after
 *   it (a group only outlives its leader through members it forked).
 */
function verifiedGroup(child: RecordedChild, table: Map<number, ProcStat>): ProcStat[] | undefined {
  const leader = table.get(child.pid);
  if (leader && (leader.startTime !== child.startTime || leader.pgid !== child.pgid)) return undefined;
  const members = [...table.values()].filter((p) => p.pgid === child.pgid && p.state !== 'Z');
  if (members.length === 0) return undefined;
  if (!leader && members.some((m) => m.startTime < child.startTime)) return undefined;
  return members;
}

// SIGTERM every group, poll /proc until its members are gone, SIGKILL what is left after the timeout
// (only while a verified member still holds the group id). Returns the members still alive at the end.
async function stopGroups(groups: Array<{ info: SurvivorInfo; members: ProcStat[] }>, gracefulTimeoutMs: number): Promise<{ left: ProcStat[]; denied: boolean }> {
  if (groups.length === 0) return { left: [], denied: false };
  let denied = false;
  for (const g of groups) denied = !signalGroup(g.info.pgid, 'SIGTERM') || denied;
  let alive = await waitGone(groups.flatMap((g) => g.members), gracefulTimeoutMs);
  if (alive.length === 0) return { left: [], denied };
  for (const g of groups) {
    if (alive.some((p) => p.pgid === g.info.pgid)) denied = !signalGroup(g.info.pgid, 'SIGKILL') || denied;
  }
  alive = await waitGone(alive, 2000);
  return { left: alive, denied };
}

// False only when the signal was not permitted (EPERM); a group already gone is fine.
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  // Never our own group: a record naming it would otherwise kill this gafferd.
  if (pgid <= 1 || pgid === process.pid || pgid === readProcStatSync(process.pid)?.pgid) return true;
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
  return true;
}

// A member is gone when its /proc entry vanished, is a zombie, or belongs to a new process.
async function waitGone(members: ProcStat[], limitMs: number): Promise<ProcStat[]> {
  const deadline = performance.now() + limitMs;
  let alive = members;
  for (;;) {
    const next: ProcStat[] = [];
    for (const m of alive) {
      const now = readProcStatSync(m.pid);
      if (now && now.state !== 'Z' && now.startTime === m.startTime) next.push(now);
    }
    alive = next;
    if (alive.length === 0 || performance.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function describeSurvivor(s: SurvivorInfo): string {
  const others = s.pids.filter((p) => p !== s.pid).length;
  const leaderAlive = s.pids.includes(s.pid);
  const head = leaderAlive ? `${s.job} os pid ${s.pid}` : `${s.job} (os pid ${s.pid} gone)`;
  return others > 0 ? `${head} (+${others} in its process group ${s.pgid})` : head;
}

// Shape-check children.json; a string says what is wrong.
function parseRecord(text: string): ChildRecordData | string {
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function tryMkdir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return true;
  } catch {
    return false;
  }
}
