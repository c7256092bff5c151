// A job's settings turned into one ManagedProcess (not spawned yet): its
// command and environment, instance slot, streams and stop settings.
import { parseSignal } from '../util/signals.js';
import { buildSpawnCommand, composeEnv } from './command.js';
import { instancePortEnv } from './instance-port.js';
import type { Job } from './job.js';
import { ManagedProcess } from './managed-process.js';

export interface SpawnOptions {
  gracefulTimeout?: number;
  env?: Record<string, string>;
}

/** A new process of `job` with internal pid `pid`: kept (in the lowest free slot), or one-off when `once`. */
export function createJobProcess(job: Job, pid: number, once: boolean, options: SpawnOptions): ManagedProcess {
  const slot = once ? 0 : job.freeSlot();
  const env = composeEnv(job.config, job.loadEnv, slot ? { ...instancePortEnv(job.config, slot), ...job.instanceEnv?.(slot) } : undefined, options.env);
  return new ManagedProcess({
    pid,
    name: job.fullName,
    command: buildSpawnCommand(job.config, env),
    uid: job.identity.uid,
    gid: job.identity.gid,
    redirectOutput: job.config.redirect_output,
    redirectInput: job.config.redirect_input,
    customStreams: job.config.custom_streams,
    detach: job.config.detach,
    once,
    slot,
    captureOutput: job.policy.ready?.kind === 'line' || job.history !== undefined || Boolean(job.config.stdout_logfile || job.config.stderr_logfile),
    gracefulTimeout: options.gracefulTimeout ?? job.config.graceful_timeout,
    stopSignal: parseSignal(job.config.stop_signal),
  });
}
