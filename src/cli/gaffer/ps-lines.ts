// The text of `gaffer ps` (cli.md → ps): per job its command, CPU/MEM totals,
// a status line when the job is failing (state, restarts, last exit, next
// retry, spawn error), and one line per process with its real uptime and
// its CPU time as a separate figure.
import type { JobInfo, JobStats } from '../../client/gaffer-client.js';
import { failureLine, formatUptime, hasFailed, isFailing, type JobFailure } from '../shared/job-failure.js';

export { isFailing, type JobFailure };

/** One process: internal pid, start time (epoch seconds) when known. */
export interface PsProcess { pid: number; createTime: number | undefined }

/** The lines of one job. `now` is in ms since the epoch. */
export function psBlock(short: string, info: JobInfo & JobFailure, stats: JobStats | undefined, processes: PsProcess[], now: number): string[] {
  const args = info.config.args;
  const command = [info.config.cmd, ...(Array.isArray(args) ? args : typeof args === 'string' && args !== '' ? [args] : [])].join(' ');
  const ctimes = new Map((stats?.stats ?? []).map((s) => [s.pid, s.ctime]));
  const status = hasFailed(info) ? [failureLine(info, now)] : [];
  return [
    `=== ${short}: \`${command}\``,
    `Total CPU: ${twoDecimals(stats?.cpu)} Total MEM: ${twoDecimals(stats?.mem)}`,
    ...status,
    '',
    ...processes.map((p) => `${short}.${p.pid}: up for ${p.createTime === undefined ? 'N/A' : formatUptime(now / 1000 - p.createTime)} (CPU time ${ctimes.get(p.pid) ?? 'N/A'})`),
  ];
}

function twoDecimals(value: number | string | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : 'N/A';
}
