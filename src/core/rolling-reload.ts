// Rolling reload (reload_strategy = rolling): replace a job's processes batch
// by batch, each replacement ready before an old process is stopped, so the
// number of ready processes never drops below the job's target.
import { ConflictError } from '../errors.js';
import { processEvent, type EventPayload } from '../protocol/events.js';
import type { EventBus } from '../util/event-bus.js';
import type { EventPublisher } from './event-publisher.js';
import type { Job } from './job.js';
import type { Logger } from '../util/logger.js';
import type { ManagedProcess } from './managed-process.js';

/** A replacement did not get ready: the rollout stopped and the old processes keep running (409 `reload_failed`). */
export function reloadFailed(message: string): ConflictError {
  return new ConflictError('reload_failed', message);
}

/** What a rollout needs from the process engine. */
export interface RolloutHost {
  readonly events: EventBus;
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  /** Spawn or reap kept processes to reach the job's target. */
  reconcile(job: Job): void;
  /** Stop one kept process for good (it leaves the job; nothing replaces it). */
  reapOne(job: Job, proc: ManagedProcess): void;
  isRunning(): boolean;
}

/**
 * Replace every kept process of `job`, `rolling_batch` at a time: raise the
 * target by the batch, wait until each replacement is ready (its `ready`
 * check, or `rolling_grace` seconds up without one), then reap as many old
 * processes (oldest first). A replacement that exits or misses its deadline
 * ends the rollout: replacements not yet confirmed are reaped, the target
 * is restored, `reload_failed` is published, and the promise rejects with
 * a 409 `reload_failed` error. `onFailure` runs before the replacements are reaped
 * (an update restores the previous config there).
 */
export async function rollOut(host: RolloutHost, job: Job, options: { onFailure?: () => void } = {}): Promise<void> {
  const target = job.numprocesses;
  const old = new Set(job.kept);
  const confirmed = new Set<ManagedProcess>();
  const batchSize = job.policy.rollingBatch;
  try {
    while (host.isRunning() && !job.stopped && !job.unloaded) {
      const remaining = job.kept.filter((p) => old.has(p));
      if (remaining.length === 0) break;
      const batch = Math.min(batchSize, remaining.length);
      job.numprocesses = target + batch;
      host.reconcile(job);
      const fresh = job.kept.filter((p) => !old.has(p) && !confirmed.has(p));
      if (fresh.length === 0) throw reloadFailed(`job '${job.fullName}': no replacement could be spawned`);
      const failures = (await Promise.all(fresh.map((p) => waitUntilReady(host, job, p)))).filter((f) => f !== undefined);
      if (failures.length > 0) throw reloadFailed(`job '${job.fullName}': ${failures[0]}`);
      for (const p of fresh) confirmed.add(p);
      job.numprocesses = target;
      for (const p of job.kept.filter((k) => old.has(k)).slice(0, batch)) host.reapOne(job, p);
    }
  } catch (err) {
    options.onFailure?.();
    for (const p of job.kept.filter((k) => !old.has(k) && !confirmed.has(k))) host.reapOne(job, p);
    job.numprocesses = target;
    job.fastFailures = 0;
    const reason = err instanceof Error ? err.message : String(err);
    host.publisher.job('reload_failed', job, { reason, replaced: confirmed.size, kept_old: job.kept.filter((k) => old.has(k)).length });
    host.logger.error(`rolling reload of ${job.fullName} stopped: ${reason}; the ${job.kept.filter((k) => old.has(k)).length} old process(es) keep running`, { job: job.fullName });
    throw err instanceof ConflictError ? err : reloadFailed(reason);
  } finally {
    job.numprocesses = target;
  }
}

/** undefined once `proc` is ready, or a sentence saying why it never was. */
function waitUntilReady(host: RolloutHost, job: Job, proc: ManagedProcess): Promise<string | undefined> {
  const hasCheck = job.policy.ready !== undefined;
  // With a check, its own timeout applies (a failed check restarts the process: that is a failure here).
  const waitMs = hasCheck ? job.policy.readyTimeout * 1000 + 500 : job.policy.rollingGrace * 1000;
  return new Promise((resolve) => {
    const readyType = processEvent(proc.pid, 'ready');
    const exitType = processEvent(proc.pid, 'exit');
    const unhealthyType = processEvent(proc.pid, 'unhealthy');
    const done = (result: string | undefined): void => {
      clearTimeout(timer);
      host.events.unsubscribe(readyType, onReady);
      host.events.unsubscribe(exitType, onExit);
      host.events.unsubscribe(unhealthyType, onUnhealthy);
      host.events.unsubscribe('spawn_error', onSpawnError);
      resolve(result);
    };
    const onReady = (): void => { if (hasCheck) done(undefined); };
    const onExit = (_t: string, payload: EventPayload): void => {
      const status = payload['term_signal'] ? `killed by signal ${String(payload['term_signal'])}` : `exit status ${String(payload['exit_status'])}`;
      done(`replacement process ${proc.pid} (os pid ${proc.osPid}) exited (${status}) before it was ready`);
    };
    const onUnhealthy = (_t: string, payload: EventPayload): void =>
      done(`replacement process ${proc.pid} (os pid ${proc.osPid}) failed its check: ${String(payload['detail'] ?? payload['reason'])}`);
    const onSpawnError = (_t: string, payload: EventPayload): void => {
      if (payload['pid'] === proc.pid) done(`replacement process ${proc.pid} could not be spawned: ${String(payload['error'])}`);
    };
    const timer = setTimeout(() => {
      if (proc.active && !proc.stopRequested && proc.ready) done(undefined);
      else if (!proc.active) done(`replacement process ${proc.pid} (os pid ${proc.osPid}) exited before it was ready`);
      else done(`replacement process ${proc.pid} (os pid ${proc.osPid}) was not ready within ${(waitMs / 1000).toFixed(1)}s`);
    }, waitMs);
    host.events.subscribe(readyType, onReady);
    host.events.subscribe(exitType, onExit);
    host.events.subscribe(unhealthyType, onUnhealthy);
    host.events.subscribe('spawn_error', onSpawnError);
    if (!proc.active) done(`replacement process ${proc.pid} could not be started`);
    else if (hasCheck && proc.ready) done(undefined);
  });
}
