// Crash recovery: a gafferd that starts after one was SIGKILLed stops what
// the previous one left running, as listed in its record (child-record.ts).
// A pid is only ever signalled when /proc proves it is the recorded process
// (same start time, same boot, same process group), so a recycled pid is
// never killed.
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { signalProcessGroup } from '../util/process-group.js';
import { readBootId, readProcStatSync, scanProcStatsSync, type ProcStat } from '../util/procfs.js';
import { CHILDREN_FILE, parseChildRecord, type RecordedChild } from './child-record.js';

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
  const parsed = parseChildRecord(text);
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

  const table = scanProcStatsSync();
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
  if (pgid === process.pid || pgid === readProcStatSync(process.pid)?.pgid) return true;
  return signalProcessGroup(pgid, signal) !== 'denied';
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
