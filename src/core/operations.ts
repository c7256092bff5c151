// The operations on jobs and processes, each written once with typed
// arguments: a resolved Job or process entry, a parsed scale (`parseScale`),
// a signal number (`parseSignal`). The Manager's facade resolves names and
// pids; the HTTP routes (both API generations) and the channel call it.
import { BadRequestError, ConflictError } from '../errors.js';
import { applyScale, type ScaleOperation } from '../util/scale.js';
import type { EventBus } from '../util/event-bus.js';
import type { EventPublisher } from './event-publisher.js';
import type { Job } from './job.js';
import type { JobRegistry } from './job-registry.js';
import type { Logger } from '../util/logger.js';
import type { ManagedProcess } from './managed-process.js';
import type { ProcessEntry, ProcessTable } from './process-table.js';
import { stopLevels } from './dependencies.js';
import { rollOut } from './rolling-reload.js';
import { spawnError } from './exit-report.js';
import type { Supervisor } from './supervisor.js';
import { applyJobUpdate, createJob, dependencyGraph, findCycleWith, type LoadOptions } from './job-update.js';

/** A parsed scale expression (`+N`, `-N`, `=N`, `N`). */
export type Scale = ScaleOperation;
/** A signal number (from `parseSignal`). */
export type Signal = number;

export interface CommitOptions {
  gracefulTimeout?: number;
  env?: Record<string, string>;
}

/** What the operations work on. */
export interface OperationsContext {
  readonly registry: JobRegistry;
  readonly table: ProcessTable;
  readonly supervisor: Supervisor;
  readonly publisher: EventPublisher;
  readonly events: EventBus;
  readonly logger: Logger;
  /** True while the manager accepts work (not stopping). */
  isRunning(): boolean;
}

/** Every operation once. Synchronous state changes; those that stop processes return a promise of the exits. */
export class Operations {
  readonly #ctx: OperationsContext;
  #loadCounter = 0;

  constructor(ctx: OperationsContext) {
    this.#ctx = ctx;
  }

  /** Load a job config into a session; starts it unless `start: false`. */
  load(input: unknown, options: LoadOptions): Job {
    const { registry, supervisor, publisher, logger } = this.#ctx;
    const { job, start } = createJob(input, options, this.#loadCounter++, logger, (sessionid, name) => registry.has(name, sessionid));
    const cycle = findCycleWith(registry.all(), job);
    if (cycle) {
      throw new BadRequestError('dependency_cycle', `job '${job.fullName}' cannot be loaded: dependency cycle ${cycle.join(' -> ')}`);
    }
    registry.add(job);
    publisher.job('load', job);
    if (start) supervisor.start(job);
    else job.markIdle();
    return job;
  }

  /** Remove a job; its processes are stopped gracefully. Resolves when they have exited. */
  unload(job: Job): Promise<void> {
    this.#ctx.registry.remove(job);
    job.markUnloaded();
    this.#ctx.publisher.job('unload', job);
    return this.#ctx.supervisor.halt(job, { resetTarget: true }).then(() => job.logs?.close());
  }

  /** Start a job: clear the stopped flag, reset the target and the flapping detector, spawn. */
  start(job: Job): void {
    this.#ctx.supervisor.start(job);
  }

  /** Stop a job: target 0, stopped flag set, every process stopped gracefully. */
  stop(job: Job): Promise<void> {
    return this.#ctx.supervisor.halt(job, { resetTarget: true });
  }

  /**
   * Restart: spawn `numprocesses` new processes, then reap the old ones; with
   * `reload_strategy = rolling`, batch by batch once each replacement is ready
   * (the promise settles when the rollout ends). A stopped job is started.
   */
  restart(job: Job): Promise<void> {
    const sup = this.#ctx.supervisor;
    this.#ctx.publisher.job('restart', job);
    if (this.#rolls(job)) return this.#rollOut(job);
    if (job.stopped || job.idle) {
      sup.start(job);
      return Promise.resolve();
    }
    const old = job.kept.splice(0);
    job.clearTimers();
    job.fastFailures = 0;
    sup.reconcile(job);
    for (const proc of old) sup.reapOne(job, proc);
    return Promise.resolve();
  }

  /**
   * Reload: reset target and flapping, stop every process, spawn fresh ones at
   * once; with `reload_strategy = rolling`, replace them batch by batch instead.
   */
  reload(job: Job): Promise<void> {
    const sup = this.#ctx.supervisor;
    this.#ctx.publisher.job('restart', job);
    if (this.#rolls(job)) {
      job.flapping?.reset();
      job.fastFailures = 0;
      return this.#rollOut(job);
    }
    job.clearTimers();
    job.numprocesses = job.config.numprocesses;
    job.flapping?.reset();
    job.fastFailures = 0;
    job.resume();
    job.replaceOnExit.clear();
    const exits = job.processes.map((p) => sup.stopOne(job, p));
    sup.reconcile(job);
    return Promise.all(exits).then(() => undefined);
  }

  /**
   * Replace a job's config. The target becomes max(new numprocesses, current).
   * Processes are restarted only when a key that affects them changed.
   */
  update(job: Job, input: Record<string, unknown>, options: LoadOptions): Promise<void> {
    const sup = this.#ctx.supervisor;
    const change = applyJobUpdate(job, input, options, this.#ctx.logger);
    this.#ctx.publisher.job('update', job);
    if (!job.stopped && !job.idle) sup.watchMemory(job);
    if (change.restart && this.#rolls(job)) return this.#rollOut(job, change.restorePrevious());
    const exits = change.restart ? job.processes.filter((p) => !p.once).map((p) => sup.stopOne(job, p)) : [];
    sup.reconcile(job);
    return Promise.all(exits).then(() => undefined);
  }

  /** Scale a job; returns the new target. */
  scale(job: Job, scale: Scale): number {
    job.numprocesses = applyScale(job.numprocesses, scale);
    if (job.idle) job.resume();
    this.#ctx.publisher.job('update', job);
    this.#ctx.supervisor.reconcile(job);
    return job.numprocesses;
  }

  /** Stop every process of a job without stopping the job: they are respawned as they exit. */
  stopAll(job: Job): Promise<void> {
    return Promise.all(job.processes.map((p) => this.#ctx.supervisor.stopOne(job, p, { replaceOnExit: true }))).then(() => undefined);
  }

  /** Send a signal to every process of a job. */
  killAll(job: Job, signal: Signal): void {
    this.#ctx.publisher.job('kill', job, { signum: signal });
    for (const proc of job.processes) this.#ctx.supervisor.signal(job, proc, signal);
  }

  /** Send a signal to one process. */
  kill({ job, process }: ProcessEntry, signal: Signal): void {
    this.#ctx.supervisor.signal(job, process, signal);
  }

  /**
   * Stop one process; a kept process of a running job is replaced once it has exited (as in the
   * original), so a job bound to a fixed port never runs N+1 processes.
   */
  stopProcess({ job, process }: ProcessEntry): Promise<void> {
    return this.#ctx.supervisor.stopOne(job, process, { replaceOnExit: true }).then(() => undefined);
  }

  /**
   * Spawn a one-off process from a job: not counted, never respawned, not
   * reaped by scaling. Resolves with its internal pid once it is running.
   */
  async commit(job: Job, options: CommitOptions): Promise<number> {
    let failure: NodeJS.ErrnoException | undefined;
    let notify: (() => void) | undefined;
    const proc = this.#ctx.supervisor.spawn(job, true, options, (err) => {
      failure = err;
      notify?.();
    });
    if (!proc.active && !failure) await new Promise<void>((resolve) => { notify = resolve; });
    if (failure) throw spawnError(job, proc, failure);
    return proc.pid;
  }

  /**
   * Shutdown: stop every job (dependents before their dependencies, then descending priority;
   * each level waits for the previous, graceful timeouts run in parallel inside a level), then
   * wait for the processes that were already leaving. Detached processes are left running.
   */
  async stopEverything(jobs: readonly Job[]): Promise<void> {
    const { supervisor, publisher, table } = this.#ctx;
    for (const job of jobs) {
      job.clearTimers();
      job.markStopped();
    }
    for (const level of stopLevels(jobs, (j) => j.fullName, (j) => j.priority, dependencyGraph(jobs))) {
      const exits: Array<Promise<unknown>> = [];
      for (const job of [...level].reverse()) {
        job.numprocesses = 0;
        publisher.job('stop', job);
        for (const proc of job.processes) if (!proc.detach) exits.push(supervisor.stopOne(job, proc));
      }
      await Promise.all(exits);
    }
    await Promise.all([...table.entries()].filter((r) => !r.process.detach).map((r) => r.process.stop()));
  }

  /** Rolling strategy, and something running to roll. */
  #rolls(job: Job): boolean {
    return job.policy.reloadStrategy === 'rolling' && !job.stopped && !job.idle && job.kept.length > 0;
  }

  #rollOut(job: Job, onFailure?: () => void): Promise<void> {
    if (job.rollout) {
      return Promise.reject(new ConflictError('reload_in_progress', `a rolling reload of ${job.fullName} is in progress; wait for it to finish`));
    }
    const { events, publisher, logger, supervisor } = this.#ctx;
    const host = {
      events,
      publisher,
      logger,
      reconcile: (j: Job) => supervisor.reconcile(j),
      reapOne: (j: Job, p: ManagedProcess) => supervisor.reapOne(j, p),
      isRunning: () => this.#ctx.isRunning(),
    };
    job.rollout = rollOut(host, job, { onFailure }).finally(() => { job.rollout = undefined; });
    return job.rollout;
  }
}

export type { LoadOptions };
