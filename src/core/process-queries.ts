// Reads over a job's processes that the Manager exposes: 0.5 stats and output subscriptions.
import { NotFoundError } from '../errors.js';
import type { Job } from './job.js';
import type { ManagedProcess, OutputChunk } from './managed-process.js';
import { aggregateStats, sampleProcess, type ProcessStats } from './process-stats.js';

export type JobStats = ReturnType<typeof aggregateStats<ProcessStats & { pid: number; os_pid: number }>>;

/** 0.5 job stats: per-process stats with pid/os_pid, sums and extremes. */
export async function sampleJobStats(job: Job): Promise<JobStats> {
  const stats = await Promise.all(job.processes.map(async (p) => ({ ...(await sampleProcess(p.osPid)), pid: p.pid, os_pid: p.osPid })));
  return aggregateStats(job.fullName, stats);
}

/** Subscribe to the output of one process (`label` `.` or absent = every label); 404 for a label it does not have. */
export function followOutput(p: ManagedProcess, label: string | undefined, listener: (chunk: OutputChunk, process: ManagedProcess) => void): () => void {
  if (label !== undefined && label !== '.' && !p.labels.includes(label)) {
    throw new NotFoundError('stream_not_found', `process ${p.pid} (${p.name}) has no stream '${label}'; it has: ${p.labels.join(', ') || 'none'}`);
  }
  return p.onOutput((chunk, proc) => {
    if (!chunk.internal && (label === undefined || label === '.' || chunk.label === label)) listener(chunk, proc);
  });
}
