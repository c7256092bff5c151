// What follows a failure of a kept process (an unexpected exit or a failed
// spawn): a delayed respawn after fast failures, or, when the job flaps, a
// stop with an automatic retry until the flapping detector gives up.
import type { EventPublisher } from './event-publisher.js';
import type { Job } from './job.js';
import type { Logger } from '../util/logger.js';

/** What the response needs from the job's runner. */
export interface FailureHost {
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  isRunning(): boolean;
  /** Stop the job's processes, keeping its target. */
  halt(job: Job): void;
  /** Start the job's processes again after a flapping retry (memory watch, reconcile). */
  resume(job: Job): void;
  /** Bring the job to its target. */
  reconcile(job: Job): void;
}

/** Respawn after `delayMs` (no-op when a respawn is already pending); a long delay is logged. */
export function scheduleRespawn(job: Job, delayMs: number, host: FailureHost): void {
  if (job.respawnTimer) return;
  if (delayMs >= 200) {
    host.logger.warn(`job '${job.fullName}': ${job.fastFailures} failures in a row; respawning in ${(delayMs / 1000).toFixed(1)}s`, { job: job.fullName });
  }
  job.scheduleRespawn(delayMs, () => host.reconcile(job));
}

/** Feed the flapping detector; true when the job flaps and was stopped (retried later, or given up). */
export function stopIfFlapping(job: Job, host: FailureHost): boolean {
  if (!job.flapping) return false;
  const decision = job.flapping.recordExit(Date.now());
  if (decision === 'respawn') return false;
  host.publisher.job('flap', job);
  const flapping = job.config.flapping!;
  if (decision === 'retry') {
    host.logger.warn(`job '${job.fullName}' is flapping: stopped, retrying in ${flapping.retry_in}s (retry ${job.flapping.retries} of ${flapping.max_retry})`, { job: job.fullName });
  } else {
    host.logger.error(`job '${job.fullName}' kept flapping and was given up after ${flapping.max_retry} retries; start it again once fixed`, { job: job.fullName });
    host.publisher.job('give_up', job, { on_give_up: job.policy.onGiveUp });
  }
  host.halt(job);
  if (decision === 'retry') {
    job.scheduleRetry(flapping.retry_in * 1000, () => {
      if (job.unloaded || !host.isRunning()) return;
      job.resume();
      job.fastFailures = 0;
      host.publisher.job('restart', job);
      host.resume(job);
    });
  }
  return true;
}
