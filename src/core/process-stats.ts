import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { basename } from 'node:path';
import { bytes2human } from '../util/bytes.js';
import { formatCpuTime } from '../util/duration.js';
import { userName } from '../util/users.js';
import { readProcStat } from '../util/procfs.js';

type NA = 'N/A';

/** 0.5 process stats. */
export interface ProcessStats {
  mem_info1: string;
  mem_info2: string;
  cpu: number | NA;
  mem: number | NA;
  ctime: string;
}

/** 0.4 process stats: the 0.5 fields plus OS pid, owner, nice, command and children. */
export interface LegacyProcessStats extends ProcessStats {
  pid: number;
  username: string;
  nice: number | string;
  cmdline: string;
  children: LegacyProcessStats[];
}

// pidusage is imported on the first stats request: a supervisor nobody asks for stats never loads it.
async function pidusage(osPid: number): Promise<{ memory: number; cpu: number; ctime: number }> {
  return (await import('pidusage')).default(osPid);
}

const NOT_AVAILABLE: ProcessStats = { mem_info1: 'N/A', mem_info2: 'N/A', cpu: 'N/A', mem: 'N/A', ctime: 'N/A' };

/** Sample the 0.5 stats of one OS process (CPU % since the previous sample of that pid). */
export async function sampleProcess(osPid: number): Promise<ProcessStats> {
  if (!osPid) return { ...NOT_AVAILABLE };
  try {
    const [usage, vsize] = await Promise.all([pidusage(osPid), readVirtualMemory(osPid)]);
    return {
      mem_info1: bytes2human(usage.memory),
      mem_info2: vsize === undefined ? 'N/A' : bytes2human(vsize),
      cpu: Math.round(usage.cpu * 10) / 10,
      mem: Math.round((usage.memory / totalmem()) * 1000) / 10,
      ctime: formatCpuTime(usage.ctime),
    };
  } catch {
    return { ...NOT_AVAILABLE };
  }
}

/** Sample the 0.4 stats of one OS process and of its children. */
export async function sampleLegacyProcess(osPid: number, depth = 0): Promise<LegacyProcessStats> {
  const [stats, info] = await Promise.all([sampleProcess(osPid), readProcInfo(osPid)]);
  const children = depth < 4
    ? await Promise.all((await childPids(osPid)).map((pid) => sampleLegacyProcess(pid, depth + 1)))
    : [];
  return { ...stats, pid: osPid, username: info.username, nice: info.nice, cmdline: info.cmdline, children };
}

async function readVirtualMemory(osPid: number): Promise<number | undefined> {
  try {
    const statm = await readFile(`/proc/${osPid}/statm`, 'utf8');
    const pages = Number(statm.split(' ')[0]);
    return Number.isFinite(pages) ? pages * 4096 : undefined;
  } catch {
    return undefined;
  }
}

async function readProcInfo(osPid: number): Promise<{ username: string; nice: number | string; cmdline: string }> {
  const result = { username: 'N/A', nice: 'N/A' as number | string, cmdline: 'N/A' };
  try {
    const status = await readFile(`/proc/${osPid}/status`, 'utf8');
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    if (uid !== undefined) result.username = userName(Number(uid));
    if (/^State:\s+Z/m.test(status)) result.nice = 'Zombie';
  } catch { /* not on Linux or gone */ }
  const stat = await readProcStat(osPid);
  if (result.nice !== 'Zombie' && stat) result.nice = stat.nice;
  try {
    const cmdline = (await readFile(`/proc/${osPid}/cmdline`, 'utf8')).split('\0')[0];
    if (cmdline) result.cmdline = basename(cmdline);
  } catch { /* gone */ }
  return result;
}

async function childPids(osPid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${osPid}/task/${osPid}/children`, 'utf8');
    return text.split(' ').filter((s) => s.trim() !== '').map(Number);
  } catch {
    return [];
  }
}

/** Job stats aggregate: sums and extremes of cpu/mem, or `N/A` when any value is missing. */
export function aggregateStats<T extends ProcessStats>(name: string, stats: T[]): {
  name: string; stats: T[]; mem: number | NA; max_mem: number | NA; min_mem: number | NA;
  cpu: number | NA; max_cpu: number | NA; min_cpu: number | NA;
} {
  const agg = (key: 'cpu' | 'mem'): [number | NA, number | NA, number | NA] => {
    const values = stats.map((s) => s[key]);
    if (values.length === 0 || values.some((v) => typeof v !== 'number')) return ['N/A', 'N/A', 'N/A'];
    const nums = values as number[];
    return [Math.round(nums.reduce((a, b) => a + b, 0) * 10) / 10, Math.max(...nums), Math.min(...nums)];
  };
  const [mem, maxMem, minMem] = agg('mem');
  const [cpu, maxCpu, minCpu] = agg('cpu');
  return { name, stats, mem, max_mem: maxMem, min_mem: minMem, cpu, max_cpu: maxCpu, min_cpu: minCpu };
}

/** Resident memory of a process in bytes (Linux /proc; pidusage elsewhere), or undefined when gone. */
export async function sampleRss(osPid: number): Promise<number | undefined> {
  if (!osPid) return undefined;
  try {
    const statm = await readFile(`/proc/${osPid}/statm`, 'utf8');
    const pages = Number(statm.split(' ')[1]);
    if (Number.isFinite(pages)) return pages * 4096;
  } catch { /* not Linux, or gone */ }
  try {
    return (await pidusage(osPid)).memory;
  } catch {
    return undefined;
  }
}
