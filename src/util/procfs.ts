// Linux /proc readers shared by the core (group exit, stats, metrics) and crash recovery:
// one parser of /proc/<pid>/stat. Every reader returns undefined (or nothing) off Linux or
// when the process is gone; none throws.
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** The fields of /proc/<pid>/stat gafferd uses. */
export interface ProcStat {
  pid: number;
  /** R, S, D, Z, T... */
  state: string;
  ppid: number;
  pgid: number;
  /** User and system CPU time, in clock ticks (USER_HZ). */
  utime: number;
  stime: number;
  nice: number;
  /** Clock ticks since boot at which the process started (field 22). */
  startTime: number;
  /** Resident set size, in pages (field 24). */
  rssPages: number;
}

/**
 * Parse /proc/<pid>/stat: "pid (comm) state ppid pgrp session ... starttime(22) vsize rss(24)".
 * comm may contain spaces and ')', so the fields are counted from the last ')'.
 */
export function parseProcStat(pid: number, text: string): ProcStat | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const pgid = Number(fields[2]);
  const startTime = Number(fields[19]);
  if (!fields[0] || !Number.isInteger(pgid) || !Number.isInteger(startTime)) return undefined;
  return {
    pid,
    state: fields[0],
    ppid: Number(fields[1]),
    pgid,
    utime: Number(fields[11]),
    stime: Number(fields[12]),
    nice: Number(fields[16]),
    startTime,
    rssPages: Number(fields[21]),
  };
}

/**
 * /proc/<pid>/stat, synchronously: procfs reads never touch a disk, and one small read is far
 * cheaper than a round trip through the thread pool.
 */
export function readProcStatSync(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/stat, asynchronously. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(pid, await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process of the machine, synchronously (one scan at start-up: a few ms for hundreds). */
export function scanProcStatsSync(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  for (const pid of listPids(() => readdirSync('/proc'))) {
    const stat = readProcStatSync(pid);
    if (stat) table.set(pid, stat);
  }
  return table;
}

/**
 * Is any process of group `pgid` alive (not a zombie)? Linux only: without /proc the answer
 * is yes (callers bound their wait with a deadline).
 */
export async function hasLiveGroupMember(pgid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return true;
  }
  for (const pid of listPids(() => entries)) {
    const stat = await readProcStat(pid);
    if (stat && stat.pgid === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

/** /proc/sys/kernel/random/boot_id: changes at every boot (pids of another boot mean nothing). */
export function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function listPids(read: () => string[]): number[] {
  let entries: string[];
  try {
    entries = read();
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}
