// The 0.4 views of jobs and processes: `/status/<name>` and the 0.4 stats
// (`/stats...`), built from the core's job and process objects.
import type { Job } from '../../core/job.js';
import { failureView } from '../../core/job-views.js';
import type { ManagedProcess } from '../../core/managed-process.js';
import type { Manager } from '../../core/manager.js';
import { aggregateStats, sampleLegacyProcess, type LegacyProcessStats } from '../../core/process-stats.js';
import type { StatFormat } from '../../core/stats-monitor.js';
import { legacyName, parseJobName } from '../../util/names.js';

/** 0.4 status of a job, plus the port's `state` and failure members. */
export function legacyStatus(job: Job): { active: boolean; running: number; max_processes: number; numprocesses: number } & Record<string, unknown> {
  return {
    active: job.active, running: job.kept.length, max_processes: job.numprocesses, numprocesses: job.numprocesses,
    state: job.state, ...failureView(job),
  };
}

/** The 0.4 shape of a job config: `name` is the legacy name, then every stored setting. */
export function legacyJobConfig(manager: Manager, job: Job): Record<string, unknown> {
  const { name: _short, ...settings } = manager.get(job.fullName);
  return { name: job.legacyName, ...settings };
}

/** 0.4 stats of one process. */
export async function legacyProcessStats(proc: ManagedProcess): Promise<LegacyProcessStats> {
  return sampleLegacyProcess(proc.osPid);
}

/** The 0.4 `stat` events: the 0.4 stats, then `event`, `id` (internal pid) and the 0.4 job name. */
export const LEGACY_STAT_FORMAT: StatFormat = {
  key: '0.4',
  sample: async (p) => {
    const d = parseJobName(p.name);
    return { ...(await sampleLegacyProcess(p.osPid)), event: 'stat', id: p.pid, name: legacyName(d.sessionid, d.name) };
  },
};

/** 0.4 job stats: per-process 0.4 stats with `id`, sums and extremes, under the 0.4 name. */
export async function legacyJobStats(job: Job): Promise<ReturnType<typeof aggregateStats<LegacyProcessStats & { id: number }>>> {
  const stats = await Promise.all(job.processes.map(async (p) => ({ ...(await sampleLegacyProcess(p.osPid)), id: p.pid })));
  return aggregateStats(job.legacyName, stats);
}
