// Reads the state of every job over the HTTP API into a TopModel: job info,
// process info (OS pid, start time, output labels) and one stats sample. The
// live view reads it once per (re)connection and per changed job; the plain
// (non-terminal) mode once per interval.
import type { GafferClient } from '../../../client/gaffer-client.js';
import { NotFoundError } from '../../../errors.js';
import type { TopJobInfo, TopModel, TopProcess } from './top-model.js';

/** `session.name` → its two parts (a session id has no dot). */
export function splitFullName(full: string): { sessionid: string; name: string } {
  const at = full.indexOf('.');
  return at < 0 ? { sessionid: 'default', name: full } : { sessionid: full.slice(0, at), name: full.slice(at + 1) };
}

/** Read every job; jobs gafferd no longer has are removed from the model. */
export async function readAllJobs(client: GafferClient, model: TopModel): Promise<void> {
  const names = await client.jobs();
  for (const full of [...model.jobs.keys()]) if (!names.includes(full)) model.removeJob(full);
  await Promise.all(names.map((full) => readJob(client, model, full)));
}

/** Read one job, its new processes and their stats; a job that is gone is removed. */
export async function readJob(client: GafferClient, model: TopModel, full: string): Promise<void> {
  const { sessionid, name } = splitFullName(full);
  let info: TopJobInfo;
  try {
    info = await client.jobInfo(sessionid, name);
  } catch (err) {
    if (err instanceof NotFoundError) {
      model.removeJob(full);
      return;
    }
    throw err;
  }
  model.setJob(full, info);
  const fresh = info.processes.filter((pid) => !model.processes.has(pid));
  const procs = await Promise.all(fresh.map((pid) => readProcess(client, pid)));
  for (const proc of procs) if (proc && model.jobs.has(proc.job)) model.setProcess(proc);
  if (info.processes.length > 0) await readStats(client, model, sessionid, name);
}

/** One process's info; undefined when it is already gone. */
export async function readProcess(client: GafferClient, pid: number): Promise<TopProcess | undefined> {
  try {
    const info = await client.processInfo(pid);
    const labels = [...(Array.isArray(info.redirect_output) ? info.redirect_output : []), ...(Array.isArray(info.custom_streams) ? info.custom_streams : [])];
    return {
      pid,
      osPid: Number(info.os_pid),
      job: String(info.name),
      createTime: typeof info.create_time === 'number' ? info.create_time : undefined,
      once: info.commited === true,
      stopping: false,
      labels: labels.filter((l): l is string => typeof l === 'string' && l !== ''),
    };
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

async function readStats(client: GafferClient, model: TopModel, sessionid: string, name: string): Promise<void> {
  try {
    const stats = await client.jobStats(sessionid, name);
    for (const s of stats.stats) model.setStats(s.pid, { cpu: s.cpu, mem: s.mem, mem_info1: s.mem_info1 });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}
