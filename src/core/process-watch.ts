// The checks that watch a job's running processes: readiness and health
// (core/process-checks.ts) and the `max_memory` sampling. A failed check
// restarts the process and counts as a failure of the job.
import type { EventPublisher } from './event-publisher.js';
import type { Job } from './job.js';
import type { Logger } from '../util/logger.js';
import type { ManagedProcess } from './managed-process.js';
import { ProcessChecks, type CheckFailure } from './process-checks.js';
import { sampleRss } from './process-stats.js';

/** How often processes of a job with `max_memory` are measured. */
export const MEMORY_CHECK_MS = 1000;

export interface ProcessWatchContext {
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  isRunning(): boolean;
  /** A process of the job became ready: the job may now be ready as a whole. */
  onProcessReady(job: Job): void;
}

/** Readiness, health and memory checks of kept processes. */
export class ProcessWatch {
  readonly #ctx: ProcessWatchContext;

  constructor(ctx: ProcessWatchContext) {
    this.#ctx = ctx;
  }

  /** Start the readiness and health checks of a kept process. */
  start(job: Job, proc: ManagedProcess): void {
    const checks = new ProcessChecks(proc, job.policy, {
      onReady: () => this.#ready(job, proc),
      onFailure: (reason, detail) => this.#restartFailed(job, proc, reason, detail),
    });
    job.checks.set(proc.pid, checks);
    checks.start();
  }

  /** max_memory: measure every kept process's RSS each second while the job runs (no-op without the key). */
  watchMemory(job: Job): void {
    if (!job.policy.maxMemory || job.memoryTimer) return;
    const tick = async (): Promise<void> => {
      job.memoryTimer = undefined;
      // Read at each tick: an update may have changed or removed the limit.
      const limit = job.policy.maxMemory;
      if (!limit || job.stopped || job.unloaded || !this.#ctx.isRunning()) return;
      for (const proc of [...job.kept]) {
        const rss = await sampleRss(proc.osPid);
        if (rss !== undefined && rss > limit && proc.active) {
          this.#restartFailed(job, proc, 'max_memory', `memory ${rss} bytes is over max_memory ${limit}`);
        }
      }
      if (!job.stopped && !job.unloaded && !job.memoryTimer) job.memoryTimer = setTimeout(() => void tick(), MEMORY_CHECK_MS);
    };
    job.memoryTimer = setTimeout(() => void tick(), MEMORY_CHECK_MS);
  }

  #ready(job: Job, proc: ManagedProcess): void {
    if (!proc.active) return;
    proc.ready = true;
    if (job.policy.ready) this.#ctx.publisher.process('ready', job, proc, { name: job.fullName, pid: proc.pid, os_pid: proc.osPid });
    this.#ctx.onProcessReady(job);
  }

  // A failed check (readiness timeout, health, memory) restarts the process; it counts as a failure.
  #restartFailed(job: Job, proc: ManagedProcess, reason: CheckFailure | 'max_memory', detail: string): void {
    if (!proc.active || proc.stopRequested) return;
    proc.failure = reason;
    const payload = { name: job.fullName, pid: proc.pid, os_pid: proc.osPid, reason, detail };
    this.#ctx.publisher.process(reason === 'max_memory' ? 'max_memory' : 'unhealthy', job, proc, payload);
    this.#ctx.logger.warn(`job '${job.fullName}': process ${proc.pid} (os pid ${proc.osPid}): ${detail}; restarting it`, { job: job.fullName, proc_pid: proc.pid, os_pid: proc.osPid });
    void proc.stop();
  }
}
