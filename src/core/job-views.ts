// The JSON views of jobs and processes returned by the APIs (0.5 info, 0.4 status).
import { jobConfigToJSON } from './job-config.js';
import type { Job } from './job.js';
import type { ManagedProcess } from './managed-process.js';

/** 0.5 job info, plus the port's `state` and `stopping` (pids asked to stop, not exited yet). */
export function jobInfo(job: Job): Record<string, unknown> {
  return {
    name: job.fullName,
    active: job.active,
    running: job.kept.length + job.oneOff.length,
    running_out: job.oneOff.length,
    max_processes: job.numprocesses,
    processes: job.processes.map((p) => p.pid),
    stopping: [...job.leaving].map((p) => p.pid),
    state: job.state,
    ...(job.logs ? { logs: job.logs.report() } : {}),
    config: jobConfigToJSON(job.config),
  };
}

/** 0.4 status. */
export function jobStatus(job: Job): { active: boolean; running: number; max_processes: number; numprocesses: number } {
  return { active: job.active, running: job.kept.length, max_processes: job.numprocesses, numprocesses: job.numprocesses };
}

/** 0.5 process info, plus the port's `stopping`, `ready` and `slot`. */
export function processInfo(job: Job, p: ManagedProcess): Record<string, unknown> {
  return {
    pid: p.pid,
    name: job.fullName,
    cmd: p.command.file,
    args: p.command.args,
    env: p.command.env,
    uid: job.config.uid,
    gid: job.config.gid,
    os_pid: p.osPid,
    create_time: p.createTime,
    commited: p.once,
    redirect_output: p.redirectOutput,
    redirect_input: p.redirectInput,
    custom_streams: p.customStreams,
    active: p.active,
    stopping: job.leaving.has(p),
    ready: p.ready,
    slot: p.slot,
  };
}
