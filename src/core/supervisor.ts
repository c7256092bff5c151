import type { EventPublisher } from './event-publisher.js';
import { lastStderr, spawnError } from './exit-report.js';
import { scheduleRespawn, stopIfFlapping, type FailureHost } from './failure-response.js';
import type { Job } from './job.js';
import { createJobProcess, type SpawnOptions } from './job-process.js';
import type { Logger } from '../util/logger.js';
import type { ExitStatus, ManagedProcess, OutputChunk } from './managed-process.js';
import type { ProcessTable } from './process-table.js';
import { ProcessWatch } from './process-watch.js';
import { nextStreak, respawnDelayMs, shouldRestart } from './restart-policy.js';

export interface SupervisorContext {
  publisher: EventPublisher;
  /** The live processes by internal pid (spawns add, exits remove). */
  table: ProcessTable;
  logger: Logger;
  /** True while the manager accepts work (not stopping). */
  isRunning(): boolean;
  /** Every loaded job (dependency lookups). */
  jobs(): Job[];
  /** Listeners of every process's public output. */
  outputListeners: ReadonlySet<(chunk: OutputChunk, process: ManagedProcess) => void>;
  /** Hooks called synchronously on every spawn and exit (never queued, never dropped). */
  processTableListeners: ReadonlySet<ProcessTableListener>;
}

/** Synchronous hooks on the process table (the crash-recovery record is fed from them). */
export interface ProcessTableListener {
  /** An OS process was spawned (called before `spawn` is published). */
  spawned(process: ManagedProcess): void;
  /** A spawned OS process exited (called before `exit` is published). */
  exited(process: ManagedProcess): void;
}

/**
 * The runner of each job, behind the operations: spawns, reaps and stops its
 * processes, keeps the kept ones at the target, applies the restart policy,
 * crash-loop backoff and flapping, starts the process checks (process-watch.ts),
 * holds the job back while its dependencies are not ready, and publishes the
 * events of all of it. Every method takes the job it runs.
 */
export class Supervisor {
  readonly #ctx: SupervisorContext;
  readonly #watch: ProcessWatch;
  readonly #failures: FailureHost;

  constructor(ctx: SupervisorContext) {
    this.#ctx = ctx;
    this.#watch = new ProcessWatch({
      publisher: ctx.publisher, logger: ctx.logger, isRunning: () => ctx.isRunning(), onProcessReady: (job) => this.#checkJobReady(job),
    });
    this.#failures = {
      publisher: ctx.publisher, logger: ctx.logger, isRunning: () => ctx.isRunning(),
      halt: (job) => void this.halt(job, { resetTarget: false }),
      resume: (job) => {
        this.watchMemory(job);
        this.reconcile(job);
      },
      reconcile: (job) => this.reconcile(job),
    };
  }

  /** max_memory sampling of a job (no-op without the key, or when it already runs). */
  watchMemory(job: Job): void {
    this.#watch.watchMemory(job);
  }

  /** Start a job: flags, target and detectors reset, then spawn (or wait for its dependencies). */
  start(job: Job): void {
    if (job.unloaded) return;
    job.clearTimers();
    job.markStarted();
    job.numprocesses = job.config.numprocesses;
    job.flapping?.reset();
    job.fastFailures = 0;
    job.owedRespawns = 0;
    this.#ctx.publisher.job('start', job);
    this.watchMemory(job);
    this.reconcile(job);
  }

  /** Stop a job: flags, events, then every process; `resetTarget` sets numprocesses to 0 (user stop). */
  halt(job: Job, options: { resetTarget: boolean }): Promise<void> {
    job.clearTimers();
    job.replaceOnExit.clear();
    job.markStopped();
    job.readyAnnounced = false;
    if (options.resetTarget) {
      job.numprocesses = 0;
      job.owedRespawns = 0;
    }
    this.#ctx.publisher.job('stop', job);
    return Promise.all(job.processes.map((p) => this.stopOne(job, p))).then(() => undefined);
  }

  /** Bring the kept processes to the target: spawn the missing ones, reap the oldest surplus. */
  reconcile(job: Job): void {
    if (job.unloaded || job.stopped || job.idle || !this.#ctx.isRunning() || job.respawnTimer) return;
    if (!this.#dependenciesReady(job)) return;
    // A synchronous spawn failure sets respawnTimer (or stops the job through flapping): the loop ends.
    while (job.kept.length + job.replaceOnExit.size < job.numprocesses && !job.respawnTimer && !job.stopped && !job.unloaded) {
      this.spawn(job, false, {});
    }
    while (job.kept.length > job.numprocesses) this.reapOne(job, job.kept[0]!);
    this.#checkJobReady(job);
  }

  /** Spawn one process of a job (kept, or one-off when `once`). */
  spawn(job: Job, once: boolean, options: SpawnOptions, onFailure?: (err: NodeJS.ErrnoException) => void): ManagedProcess {
    const pid = this.#ctx.table.allocatePid();
    const proc = createJobProcess(job, pid, once, options);
    this.#ctx.table.add(proc, job);
    (once ? job.oneOff : job.kept).push(proc);
    job.logs?.attach(proc);
    job.history?.attach(proc);
    proc.onOutput((chunk, p) => {
      if (!chunk.internal) this.#notify(this.#ctx.outputListeners, (l) => l(chunk, p), `output listener failed for process ${p.pid}`);
    });
    const started = proc.spawn(
      (status) => this.#onExit(job, proc, status),
      (err) => {
        this.#onSpawnError(job, proc, err);
        onFailure?.(err);
      },
    );
    if (started) {
      this.#callTableListeners('spawned', proc);
      job.spawnError = undefined;
      if (!once && job.owedRespawns > 0) {
        job.owedRespawns -= 1;
        job.restarts += 1;
      }
      this.#ctx.publisher.process('spawn', job, proc, { name: job.fullName, pid, os_pid: proc.osPid });
      if (!once) this.#watch.start(job, proc);
    }
    return proc;
  }

  /**
   * The manager stops one process: it leaves its job (and the running lists) at once and its
   * exit is expected. With `replaceOnExit` its replacement is spawned once it has exited.
   */
  stopOne(job: Job, proc: ManagedProcess, options: { replaceOnExit?: boolean } = {}): Promise<unknown> {
    if (!proc.stopRequested) {
      const wasKept = job.kept.includes(proc);
      job.detach(proc);
      job.leaving.add(proc);
      if (options.replaceOnExit && wasKept) job.replaceOnExit.add(proc);
      this.#ctx.publisher.process('stop_process', job, proc, { name: job.fullName, pid: proc.pid });
    }
    return proc.stop();
  }

  /** Stop a surplus kept process (scale down, rolling restart). */
  reapOne(job: Job, proc: ManagedProcess): void {
    job.detach(proc);
    job.leaving.add(proc);
    this.#ctx.publisher.process('reap', job, proc, { name: job.fullName, pid: proc.pid, os_pid: proc.osPid });
    void proc.stop();
  }

  signal(job: Job, proc: ManagedProcess, signum: number): void {
    this.#ctx.publisher.process('kill', job, proc, { pid: proc.pid, name: job.fullName, signum });
    proc.kill(signum);
  }

  #onSpawnError(job: Job, proc: ManagedProcess, err: NodeJS.ErrnoException): void {
    this.#ctx.table.delete(proc.pid);
    job.leaving.delete(proc);
    job.replaceOnExit.delete(proc);
    const wasMember = job.detach(proc);
    const error = spawnError(job, proc, err);
    job.spawnError = error.message;
    this.#ctx.logger.error(error.message, { job: job.fullName, proc_pid: proc.pid, errno: err.code ?? 'UNKNOWN' });
    this.#ctx.publisher.process('spawn_error', job, proc, { name: job.fullName, pid: proc.pid, error: error.message, errno: err.code ?? 'UNKNOWN' });
    if (proc.once || !wasMember || job.stopped || job.unloaded) return;
    if (job.policy.restart === 'never') {
      job.numprocesses = Math.max(0, job.numprocesses - 1);
      return;
    }
    job.fastFailures += 1;
    job.owedRespawns += 1;
    if (stopIfFlapping(job, this.#failures)) return;
    // Never respawned synchronously into reconcile's loop: the loop stops on the timer.
    scheduleRespawn(job, respawnDelayMs(job.policy, job.fastFailures + 1), this.#failures);
  }

  #callTableListeners(hook: keyof ProcessTableListener, proc: ManagedProcess): void {
    this.#notify(this.#ctx.processTableListeners, (l) => l[hook](proc), `process table listener failed on ${hook} of process ${proc.pid}`);
  }

  // Call every listener; one that throws is logged and the others still run.
  #notify<L>(listeners: Iterable<L>, call: (listener: L) => void, what: string): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch (err) {
        this.#ctx.logger.error(`${what}: ${describe(err)}`);
      }
    }
  }

  #onExit(job: Job, proc: ManagedProcess, status: ExitStatus): void {
    this.#ctx.table.delete(proc.pid);
    this.#callTableListeners('exited', proc);
    job.leaving.delete(proc);
    job.replaceOnExit.delete(proc);
    job.checks.get(proc.pid)?.stop();
    job.checks.delete(proc.pid);
    const wasMember = job.detach(proc);
    this.#ctx.publisher.process('exit', job, proc, {
      name: job.fullName, pid: proc.pid, os_pid: proc.osPid,
      exit_status: status.exitStatus, term_signal: status.termSignal, once: proc.once,
    });
    if (proc.once || job.unloaded || job.stopped || !this.#ctx.isRunning()) return;
    if (!wasMember || (proc.stopRequested && !proc.failure)) {
      this.reconcile(job);
      return;
    }
    job.lastExit = { pid: proc.pid, os_pid: proc.osPid, exit_status: status.exitStatus, term_signal: status.termSignal, time: Date.now() };
    const uptime = Date.now() - proc.createTime * 1000;
    const how = proc.failure ?? (status.termSignal ? `killed by signal ${status.termSignal}` : `exit status ${status.exitStatus}`);
    const fields = {
      job: job.fullName, proc_pid: proc.pid, os_pid: proc.osPid,
      exit_status: status.exitStatus, term_signal: status.termSignal || undefined, failure: proc.failure,
    };
    if (!shouldRestart(job.policy, status, proc.failure)) {
      job.numprocesses = Math.max(0, job.numprocesses - 1);
      this.#ctx.logger.info(`job '${job.fullName}': process ${proc.pid} (os pid ${proc.osPid}) ended (${how}) and is not restarted (restart = ${job.policy.restart})${lastStderr(job, proc)}`, fields);
      return;
    }
    this.#ctx.logger.warn(`job '${job.fullName}': process ${proc.pid} (os pid ${proc.osPid}) ended unexpectedly (${how}) after ${(uptime / 1000).toFixed(2)}s${lastStderr(job, proc)}`, fields);
    job.owedRespawns += 1;
    job.fastFailures = nextStreak(job.policy, job.fastFailures, uptime);
    if (stopIfFlapping(job, this.#failures)) return;
    const delay = respawnDelayMs(job.policy, job.fastFailures);
    if (delay > 0) scheduleRespawn(job, delay, this.#failures);
    else this.reconcile(job);
  }

  // A job is ready once every kept process is: announced once per start, and dependents may start.
  #checkJobReady(job: Job): void {
    if (job.readyAnnounced || job.stopped || job.waiting || !job.allReady || job.kept.length === 0) return;
    job.readyAnnounced = true;
    if (job.policy.ready) {
      this.#ctx.publisher.job('ready', job);
      this.#ctx.logger.info(`job '${job.fullName}' is ready`, { job: job.fullName });
    }
    for (const other of this.#ctx.jobs()) {
      if (other.waiting && other.dependencies.includes(job.fullName)) this.reconcile(other);
    }
  }

  #dependenciesReady(job: Job): boolean {
    const deps = job.dependencies;
    if (deps.length === 0) {
      job.markWaiting(false);
      return true;
    }
    const jobs = new Map(this.#ctx.jobs().map((j) => [j.fullName, j]));
    const missing = deps.filter((d) => !(jobs.get(d)?.readyAnnounced ?? false));
    if (missing.length === 0) {
      if (job.waiting) this.#ctx.logger.info(`job '${job.fullName}': dependencies ready (${deps.join(', ')}), starting`);
      job.markWaiting(false);
      return true;
    }
    if (!job.waiting) this.#ctx.logger.info(`job '${job.fullName}' waits for ${missing.join(', ')} to be ready`);
    job.markWaiting(true);
    return false;
  }

}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
