// The JSON views of jobs and processes returned by the 0.5 API (the 0.4 ones are in http/v04/legacy-views.ts).
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
    ...failureView(job),
    ...(job.logs ? { logs: job.logs.report() } : {}),
    config: jobConfigToJSON(job.config),
  };
}

/**
 * What shows a failing job (docs/http-api.md §10): `restarts` (respawns since
 * load), `last_exit` (the last unexpected exit of a kept process, or null),
 * `next_retry` (ISO time of the pending respawn or flapping retry, or null)
 * and `spawn_error` (the last spawn failure, until a process spawns again).
 */
export function failureView(job: Job): { restarts: number; last_exit: Record<string, unknown> | null; next_retry: string | null; spawn_error: string | null } {
  const last = job.lastExit;
  return {
    restarts: job.restarts,
    last_exit: last ? { ...last, os_pid: last.os_pid ?? null, time: new Date(last.time).toISOString() } : null,
    next_retry: job.nextRetryAt === undefined ? null : new Date(job.nextRetryAt).toISOString(),
    spawn_error: job.spawnError ?? null,
  };
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
