import { BadRequestError, ConflictError, NotFoundError, SpawnError, StoppedError } from '../errors.js';
import { DEFAULT_SESSION, fullName, parseJobName, validateSessionId } from '../util/names.js';
import { applyScale, type ScaleOperation } from '../util/scale.js';
import { resolveGid, resolveUid } from '../util/users.js';
import type { Application } from './application.js';
import { buildSpawnCommand, composeEnv } from './command.js';
import { EventBus } from './event-bus.js';
import { EventPublisher, type EventRecordListener } from './event-publisher.js';
import { FlapDetector } from './flapping.js';
import { Job, type JobIdentity } from './job.js';
import { jobConfigToJSON, normalizeJobConfig, requiresRestart, type JobConfig } from './job-config.js';
import { silentLogger, type Logger } from './logger.js';
import { ManagedProcess, type ExitStatus, type OutputChunk } from './managed-process.js';
import { aggregateStats, sampleProcess, type ProcessStats } from './process-stats.js';
import { StatsMonitor, type StatListener } from './stats-monitor.js';
import { Supervisor, spawnError, type ProcessTableListener } from './supervisor.js';
import { jobInfo, processInfo } from './job-views.js';
import { findCycle, stopLevels } from './dependencies.js';
import { parseJobPolicy } from './job-policy.js';
import { rollOut } from './rolling-reload.js';
import { JobLogs, logSettings } from './job-logs.js';
import { OutputHistory, parseOutputHistory } from './output-history.js';

export { MIN_UPTIME_MS, BACKOFF_BASE_MS, BACKOFF_MAX_MS } from './restart-policy.js';
export type { ProcessTableListener } from './supervisor.js';
export type { EventRecord, EventRecordListener } from './event-publisher.js';

export interface ManagerOptions {
  logger?: Logger;
  /** Bound of each event bus's pending queue (default 10000). */
  maxQueue?: number;
}

export interface LoadOptions {
  /** Session for a short name (default: from the designation, else `default`). */
  sessionid?: string;
  /** Extra environment layered over the job env. */
  env?: Record<string, string>;
  /** Start the job now (default true). */
  start?: boolean;
  /** Environment of one instance (slot 1, 2, ... of the kept processes), layered over `env`. */
  instanceEnv?: (slot: number) => Record<string, string>;
}

export interface CommitOptions {
  gracefulTimeout?: number;
  env?: Record<string, string>;
}

export type ManagerOutputListener = (chunk: OutputChunk, process: ManagedProcess) => void;

type State = 'new' | 'running' | 'stopping' | 'stopped';

/**
 * The supervisor core: sessions -> jobs -> processes with internal pids.
 * Every state change is published on `events` (canonical vocabulary; the 0.4
 * stream is derived at the edge from `onEventRecord`). Operations change state synchronously;
 * those that stop processes return a promise resolved when they have exited.
 */
export class Manager {
  readonly events: EventBus;
  readonly logger: Logger;
  /** Bound of the event queues (undefined: the EventBus default); derived streams use it too. */
  readonly maxQueue: number | undefined;
  readonly #publisher: EventPublisher;

  readonly #sessions = new Map<string, Map<string, Job>>();
  readonly #outputListeners = new Set<ManagerOutputListener>();
  readonly #tableListeners = new Set<ProcessTableListener>();
  readonly #stats = new StatsMonitor();
  #apps: Application[] = [];
  readonly #sup: Supervisor;
  #loadCounter = 0;
  #state: State = 'new';
  #stopping: Promise<void> | undefined;

  constructor(options: ManagerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.maxQueue = options.maxQueue;
    this.events = new EventBus({ maxQueue: options.maxQueue, logger: this.logger });
    this.#publisher = new EventPublisher(this.events, (err) => this.logger.error(`event record listener failed: ${describe(err)}`));
    this.#sup = new Supervisor({
      publisher: this.#publisher,
      logger: this.logger,
      isRunning: () => this.#state === 'running',
      jobs: () => this.#allJobs(),
      outputListeners: this.#outputListeners,
      processTableListeners: this.#tableListeners,
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Started and not stopping. */
  get active(): boolean {
    return this.#state === 'running';
  }

  get state(): State {
    return this.#state;
  }

  /** Start the manager and its applications in order; a failing application is logged and skipped. */
  async start(apps: Application[] = []): Promise<void> {
    if (this.#state !== 'new') throw new StoppedError(`the manager cannot start: it is ${this.#state}`);
    this.#state = 'running';
    for (const app of apps) await this.addApplication(app);
  }

  /**
   * Start one more application on a running manager. A failing application is
   * logged and skipped, unless `critical` (e.g. the HTTP listener): then the
   * error is thrown to the caller.
   */
  async addApplication(app: Application, options: { critical?: boolean } = {}): Promise<boolean> {
    try {
      await app.start(this);
      this.#apps.push(app);
      return true;
    } catch (err) {
      if (options.critical) throw err;
      this.logger.error(`application ${appName(app)} failed to start: ${describe(err)}`);
      return false;
    }
  }

  get applications(): readonly Application[] {
    return this.#apps;
  }

  /** Restart every application (in order). */
  async restartApplications(): Promise<void> {
    for (const app of this.#apps) {
      try {
        await app.restart();
      } catch (err) {
        this.logger.error(`application ${appName(app)} failed to restart: ${describe(err)}`);
      }
    }
  }

  /**
   * Stop every job (reverse priority: each level waits for the previous one;
   * graceful timeouts run in parallel inside a level), wait until every
   * child has exited, then stop the applications in reverse order. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#state = 'stopping';
    const jobs = this.#allJobs();
    for (const job of jobs) {
      job.clearTimers();
      job.stopped = true;
    }
    // Dependents before their dependencies, then descending priority; each level waits for the previous.
    const levels = stopLevels(jobs, (j) => j.fullName, (j) => j.priority, dependencyGraph(jobs));
    for (const level of levels) {
      const exits: Array<Promise<unknown>> = [];
      for (const job of [...level].reverse()) {
        job.numprocesses = 0;
        this.#publisher.job('stop', job);
        for (const proc of job.processes) {
          if (proc.detach) continue;
          exits.push(this.#sup.stopOne(job, proc));
        }
      }
      await Promise.all(exits);
    }
    // Processes already leaving (reaped, stop_process) before the shutdown.
    await Promise.all([...this.#sup.running.values()].filter((r) => !r.process.detach).map((r) => r.process.stop()));
    this.#stats.close();
    await Promise.allSettled(jobs.map((j) => j.logs?.close()));
    const results = await Promise.allSettled([...this.#apps].reverse().map(async (app) => app.stop()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.logger.error(`application ${appName(this.#apps[this.#apps.length - 1 - i]!)} failed to stop: ${describe(r.reason)}`);
    });
    this.#state = 'stopped';
  }

  // ---------------------------------------------------------------- queries

  /** Session ids, in creation order. */
  get sessions(): string[] {
    return [...this.#sessions.keys()];
  }

  /** Full names of every job, or of one session's jobs (404 for an unknown session). */
  jobs(sessionid?: string): string[] {
    if (sessionid === undefined) return this.#allJobs().map((j) => j.fullName);
    return [...this.#session(sessionid).values()].map((j) => j.fullName);
  }

  /** Every job object, in session then load order. */
  allJobs(): Job[] {
    return this.#allJobs();
  }

  /** The job designated by `name` (`web`, `app.web`, `app/web`, `app:web`), or a 404. */
  getJob(name: string, sessionid?: string): Job {
    const d = parseJobName(name, sessionid ?? DEFAULT_SESSION);
    const job = this.#sessions.get(d.sessionid)?.get(d.name);
    if (!job) throw new NotFoundError('not_found', `job '${fullName(d.sessionid, d.name)}' not found`);
    return job;
  }

  hasJob(name: string, sessionid?: string): boolean {
    const d = parseJobName(name, sessionid ?? DEFAULT_SESSION);
    return this.#sessions.get(d.sessionid)?.has(d.name) ?? false;
  }

  /** Jobs of one session, in load order (404 for an unknown session). */
  sessionJobs(sessionid: string): Job[] {
    return [...this.#session(sessionid).values()];
  }

  /** The stored config of a job. */
  get(name: string, sessionid?: string): Record<string, unknown> {
    return jobConfigToJSON(this.getJob(name, sessionid).config);
  }

  /** 0.5 job info (plus `state`: stopped, idle, waiting, starting, running). */
  info(name: string, sessionid?: string): Record<string, unknown> {
    return jobInfo(this.getJob(name, sessionid));
  }

  /**
   * Internal pids of the running processes (spawn order), or the kept processes of one job. A
   * process asked to stop leaves these lists at once, as in the original (it may take
   * `graceful_timeout` to exit; job info lists it under `stopping`).
   */
  pids(name?: string, sessionid?: string): number[] {
    if (name === undefined) return [...this.#sup.running.values()].filter((r) => !r.job.leaving.has(r.process)).map((r) => r.process.pid);
    return this.getJob(name, sessionid).kept.map((p) => p.pid);
  }

  /** The live process with this internal pid, or a 404 (a non-integer pid is a 400). */
  getProcess(pid: number | string): ManagedProcess {
    return this.#entry(pid).process;
  }

  /** The job owning a live process. */
  jobOf(pid: number | string): Job {
    return this.#entry(pid).job;
  }

  /** Read-only view of live processes by internal pid. */
  get running(): ReadonlyMap<number, ManagedProcess> {
    return new Map([...this.#sup.running].map(([pid, r]) => [pid, r.process]));
  }

  /** 0.5 process info (plus `ready` and `slot`). */
  processInfo(pid: number | string): Record<string, unknown> {
    const { process: p, job } = this.#entry(pid);
    return processInfo(job, p);
  }

  /** 0.5 stats of one process. */
  async processStats(pid: number | string): Promise<ProcessStats> {
    return sampleProcess(this.getProcess(pid).osPid);
  }

  /** 0.5 job stats: per-process stats with pid/os_pid, sums and extremes. */
  async stats(name: string, sessionid?: string): Promise<ReturnType<typeof aggregateStats<ProcessStats & { pid: number; os_pid: number }>>> {
    const job = this.getJob(name, sessionid);
    const stats = await Promise.all(job.processes.map(async (p) => ({ ...(await sampleProcess(p.osPid)), pid: p.pid, os_pid: p.osPid })));
    return aggregateStats(job.fullName, stats);
  }

  /**
   * Subscribe to `stat` events of a process (pid) or of every kept process of
   * a job running now (name). Sampling runs only while subscribed. Returns
   * the unsubscribe function.
   */
  monitor(target: number | string, listener: StatListener, options: { legacy?: boolean } = {}): () => void {
    const processes = typeof target === 'number' || /^\d+$/.test(target)
      ? [this.getProcess(target)]
      : this.getJob(target).kept;
    const stops = processes.map((p) => this.#stats.watch(p, listener, options.legacy ?? false));
    return () => stops.forEach((s) => s());
  }

  /** Subscribe to output of one process (`label` `.` or absent = every label). */
  monitorIo(pid: number | string, label: string | undefined, listener: (chunk: OutputChunk, process: ManagedProcess) => void): () => void {
    const p = this.getProcess(pid);
    if (label !== undefined && label !== '.' && !p.labels.includes(label)) {
      throw new NotFoundError('stream_not_found', `process ${p.pid} (${p.name}) has no stream '${label}'; it has: ${p.labels.join(', ') || 'none'}`);
    }
    return p.onOutput((chunk, proc) => {
      if (chunk.internal) return;
      if (label === undefined || label === '.' || chunk.label === label) listener(chunk, proc);
    });
  }

  /**
   * Follow the process table with synchronous hooks (spawn, exit), unlike
   * `events` which is bounded and may drop under a burst. `spawned` is called
   * at once for every live process. Returns the function that stops following.
   */
  onProcessTable(listener: ProcessTableListener): () => void {
    this.#tableListeners.add(listener);
    for (const { process } of this.#sup.running.values()) {
      if (process.active) listener.spawned(process);
    }
    return () => this.#tableListeners.delete(listener);
  }

  /** Events dropped so far because the canonical event queue overflowed. */
  get droppedEvents(): number {
    return this.events.dropped;
  }

  /**
   * Follow every published event synchronously, with the job and process it is
   * about (derived streams such as the 0.4 one are built from these). Returns
   * the function that stops following.
   */
  onEventRecord(listener: EventRecordListener): () => void {
    return this.#publisher.onRecord(listener);
  }

  /** Subscribe to the output of every process, current and future. */
  onOutput(listener: ManagerOutputListener): () => void {
    this.#outputListeners.add(listener);
    return () => this.#outputListeners.delete(listener);
  }

  // ---------------------------------------------------------------- operations

  /** Load a job config into a session; starts it unless `start: false`. */
  load(input: unknown, options: LoadOptions = {}): Job {
    this.#assertRunning();
    const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const designation = typeof raw.name === 'string' ? parseJobName(raw.name, options.sessionid ?? DEFAULT_SESSION) : undefined;
    const sessionid = validateSessionId(designation?.sessionid ?? options.sessionid ?? DEFAULT_SESSION);
    const config = normalizeJobConfig(designation ? { ...raw, name: designation.name } : raw);
    const start = options.start ?? (raw.start === undefined ? true : Boolean(raw.start));
    if (this.#sessions.get(sessionid)?.has(config.name)) {
      throw new ConflictError('conflict', `job '${fullName(sessionid, config.name)}' is already loaded; unload it first or update it`);
    }
    const job = new Job(sessionid, config, resolveIdentity(config), { ...options.env }, this.#loadCounter++);
    job.instanceEnv = options.instanceEnv;
    job.logs = this.#jobLogs(job);
    job.history = jobHistory(job.config);
    const cycle = findCycle(dependencyGraph([...this.#allJobs(), job]));
    if (cycle) {
      throw new BadRequestError('dependency_cycle', `job '${job.fullName}' cannot be loaded: dependency cycle ${cycle.join(' -> ')}`);
    }
    let session = this.#sessions.get(sessionid);
    if (!session) {
      session = new Map();
      this.#sessions.set(sessionid, session);
    }
    session.set(job.name, job);
    this.#publisher.job('load', job);
    if (start) this.#sup.start(job);
    else job.idle = true;
    return job;
  }

  /** Remove a job; its processes are stopped gracefully. Resolves when they have exited. */
  unload(name: string, sessionid?: string): Promise<void> {
    const job = this.getJob(name, sessionid);
    const session = this.#sessions.get(job.sessionid)!;
    session.delete(job.name);
    if (session.size === 0) this.#sessions.delete(job.sessionid);
    job.unloaded = true;
    this.#publisher.job('unload', job);
    return this.#sup.halt(job, { resetTarget: true }).then(() => job.logs?.close());
  }

  /** Start a job: clear the stopped flag, reset the target and the flapping detector, spawn. */
  startJob(name: string, sessionid?: string): void {
    this.#assertRunning();
    this.#sup.start(this.getJob(name, sessionid));
  }

  /** Stop a job: target 0, stopped flag set, every process stopped gracefully. */
  stopJob(name: string, sessionid?: string): Promise<void> {
    return this.#sup.halt(this.getJob(name, sessionid), { resetTarget: true });
  }

  /**
   * Restart: spawn `numprocesses` new processes, then reap the old ones; with
   * `reload_strategy = rolling`, batch by batch once each replacement is ready
   * (the promise settles when the rollout ends). A stopped job is started.
   */
  restartJob(name: string, sessionid?: string): Promise<void> {
    this.#assertRunning();
    const job = this.getJob(name, sessionid);
    this.#publisher.job('restart', job);
    if (this.#rolls(job)) return this.#rollOut(job);
    if (job.stopped || job.idle) {
      this.#sup.start(job);
      return Promise.resolve();
    }
    const old = job.kept.splice(0);
    job.clearTimers();
    job.fastFailures = 0;
    this.#sup.reconcile(job);
    for (const proc of old) this.#sup.reapOne(job, proc);
    return Promise.resolve();
  }

  /**
   * Reload: reset target and flapping, stop every process, spawn fresh ones at
   * once; with `reload_strategy = rolling`, replace them batch by batch instead.
   */
  reload(name: string, sessionid?: string): Promise<void> {
    this.#assertRunning();
    const job = this.getJob(name, sessionid);
    this.#publisher.job('restart', job);
    if (this.#rolls(job)) {
      job.flapping?.reset();
      job.fastFailures = 0;
      return this.#rollOut(job);
    }
    job.clearTimers();
    job.numprocesses = job.config.numprocesses;
    job.flapping?.reset();
    job.fastFailures = 0;
    job.stopped = false;
    job.idle = false;
    job.replaceOnExit.clear();
    const exits = job.processes.map((p) => this.#sup.stopOne(job, p));
    this.#sup.reconcile(job);
    return Promise.all(exits).then(() => undefined);
  }

  /**
   * Replace a job's config. The target becomes max(new numprocesses, current).
   * Processes are restarted only when a key that affects them changed.
   */
  update(input: unknown, options: LoadOptions = {}): Promise<void> {
    this.#assertRunning();
    const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const job = typeof raw.name === 'string' ? this.getJob(raw.name, options.sessionid) : undefined;
    if (!job) throw new BadRequestError('invalid_process_info', 'invalid job config: "name" is required to update a job');
    const config = normalizeJobConfig({ ...raw, name: job.name });
    const identity = resolveIdentity(config);
    const before = job.config;
    const beforeEnv = job.loadEnv;
    const envChanged = options.env !== undefined && JSON.stringify(options.env) !== JSON.stringify(job.loadEnv);
    if (JSON.stringify(logSettings(before)) !== JSON.stringify(logSettings(config))) {
      const old = job.logs;
      job.logs = undefined;
      void old?.close();
    }
    job.config = config;
    job.logs ??= this.#jobLogs(job);
    // A changed bound starts a new history; an unchanged one keeps what was recorded.
    const history = historyLimits(config);
    if (JSON.stringify(history) !== JSON.stringify(job.history?.limits)) job.history = history ? new OutputHistory(history) : undefined;
    job.policy = parseJobPolicy(config);
    job.identity = identity;
    if (options.env !== undefined) job.loadEnv = { ...options.env };
    if (JSON.stringify(before.flapping) !== JSON.stringify(config.flapping)) {
      job.flapping = config.flapping ? new FlapDetector(config.flapping) : undefined;
    }
    job.numprocesses = Math.max(config.numprocesses, job.numprocesses);
    if (options.start) {
      job.stopped = false;
      job.idle = false;
    }
    this.#publisher.job('update', job);
    if (!job.stopped && !job.idle) this.#sup.watchMemory(job);
    let exits: Array<Promise<unknown>> = [];
    const restart = requiresRestart(before, config) || envChanged;
    if (restart && this.#rolls(job)) {
      const previous = { config: before, policy: parseJobPolicy(before), identity: resolveIdentity(before), env: beforeEnv };
      return this.#rollOut(job, () => {
        // The old processes keep running: so does their config, for their respawns.
        job.config = previous.config;
        job.policy = previous.policy;
        job.identity = previous.identity;
        job.loadEnv = previous.env;
      });
    }
    if (restart) {
      exits = job.processes.filter((p) => !p.once).map((p) => this.#sup.stopOne(job, p));
    }
    this.#sup.reconcile(job);
    return Promise.all(exits).then(() => undefined);
  }

  /** Scale a job by a parsed scale expression (`parseScale`); returns the new target. */
  scale(name: string, scale: ScaleOperation, sessionid?: string): number {
    this.#assertRunning();
    const job = this.getJob(name, sessionid);
    job.numprocesses = applyScale(job.numprocesses, scale);
    job.idle = false;
    this.#publisher.job('update', job);
    this.#sup.reconcile(job);
    return job.numprocesses;
  }

  /** Stop every process of a job without stopping the job: they are respawned as they exit. */
  stopall(name: string, sessionid?: string): Promise<void> {
    const job = this.getJob(name, sessionid);
    return Promise.all(job.processes.map((p) => this.#sup.stopOne(job, p, { replaceOnExit: true }))).then(() => undefined);
  }

  /** Send a signal (a number, from `parseSignal`) to every process of a job. */
  killall(name: string, signum: number, sessionid?: string): void {
    const job = this.getJob(name, sessionid);
    this.#publisher.job('kill', job, { signum });
    for (const proc of job.processes) this.#sup.signal(job, proc, signum);
  }

  /** Send a signal (a number, from `parseSignal`) to one process. */
  kill(pid: number | string, signum: number): void {
    const { process: proc, job } = this.#entry(pid);
    this.#sup.signal(job, proc, signum);
  }

  /**
   * Stop one process; a kept process of a running job is replaced once it has exited (as in the
   * original), so a job bound to a fixed port never runs N+1 processes.
   */
  stopProcess(pid: number | string): Promise<void> {
    const { process: proc, job } = this.#entry(pid);
    return this.#sup.stopOne(job, proc, { replaceOnExit: true }).then(() => undefined);
  }

  /** Write to a process's stdin or custom stream. */
  send(pid: number | string, data: Buffer | string, stream?: string): Promise<void> {
    return this.getProcess(pid).write(data, stream);
  }

  /**
   * Spawn a one-off process from a job: not counted, never respawned, not
   * reaped by scaling. Resolves with its internal pid once it is running.
   */
  async commit(name: string, options: CommitOptions = {}, sessionid?: string): Promise<number> {
    this.#assertRunning();
    const job = this.getJob(name, sessionid);
    let failure: NodeJS.ErrnoException | undefined;
    let notify: (() => void) | undefined;
    const proc = this.#sup.spawn(job, true, options, (err) => {
      failure = err;
      notify?.();
    });
    if (!proc.active && !failure) await new Promise<void>((resolve) => { notify = resolve; });
    if (failure) throw spawnError(job, proc, failure);
    return proc.pid;
  }

  // Session helpers (0.4 groups).
  startSession(sessionid: string): void {
    this.#assertRunning();
    for (const job of this.sessionJobs(sessionid)) this.#sup.start(job);
  }

  stopSession(sessionid: string): Promise<void> {
    return Promise.all(this.sessionJobs(sessionid).map((j) => this.#sup.halt(j, { resetTarget: true }))).then(() => undefined);
  }

  restartSession(sessionid: string): Promise<void> {
    this.#assertRunning();
    return Promise.all(this.sessionJobs(sessionid).map((job) => this.restartJob(job.name, job.sessionid))).then(() => undefined);
  }

  unloadSession(sessionid: string): Promise<void> {
    return Promise.all(this.sessionJobs(sessionid).map((j) => this.unload(j.name, j.sessionid))).then(() => undefined);
  }

  /** Open every job log file again (SIGUSR1, after an external logrotate). */
  async reopenLogs(): Promise<void> {
    await Promise.allSettled(this.#allJobs().map((j) => j.logs?.reopen()));
  }

  /** Start every loaded job that is not running. */
  startAll(): void {
    this.#assertRunning();
    for (const job of this.#allJobs()) if (job.stopped || job.idle) this.#sup.start(job);
  }

  // ---------------------------------------------------------------- internals

  /** Rolling strategy, and something running to roll. */
  #rolls(job: Job): boolean {
    return job.policy.reloadStrategy === 'rolling' && !job.stopped && !job.idle && job.kept.length > 0;
  }

  #rollOut(job: Job, onFailure?: () => void): Promise<void> {
    if (job.rollout) {
      return Promise.reject(new ConflictError('reload_in_progress', `a rolling reload of ${job.fullName} is in progress; wait for it to finish`));
    }
    const host = {
      events: this.events,
      publisher: this.#publisher,
      logger: this.logger,
      reconcile: (j: Job) => this.#sup.reconcile(j),
      reapOne: (j: Job, p: ManagedProcess) => this.#sup.reapOne(j, p),
      isRunning: () => this.#state === 'running',
    };
    job.rollout = rollOut(host, job, { onFailure }).finally(() => { job.rollout = undefined; });
    return job.rollout;
  }

  #entry(pid: number | string): { process: ManagedProcess; job: Job } {
    return this.#sup.entry(pid);
  }

  #jobLogs(job: Job): JobLogs | undefined {
    const settings = logSettings(job.config);
    return settings ? new JobLogs(settings, job.sessionid, job.name, this.logger) : undefined;
  }

  #session(sessionid: string): Map<string, Job> {
    const session = this.#sessions.get(sessionid);
    if (!session) throw new NotFoundError('not_found', `session '${sessionid}' not found`);
    return session;
  }

  #allJobs(): Job[] {
    const jobs: Job[] = [];
    for (const session of this.#sessions.values()) jobs.push(...session.values());
    return jobs;
  }

  #assertRunning(): void {
    if (this.#state === 'new') this.#state = 'running';
    if (this.#state !== 'running') throw new StoppedError();
  }
}

/** `job -> jobs it depends on` over full names. */
function dependencyGraph(jobs: readonly Job[]): Map<string, string[]> {
  return new Map(jobs.map((j) => [j.fullName, j.dependencies]));
}

function resolveIdentity(config: JobConfig): JobIdentity {
  return {
    uid: config.uid === null ? undefined : resolveUid(config.uid),
    gid: config.gid === null ? undefined : resolveGid(config.gid),
  };
}

function appName(app: Application): string {
  return app.name ?? app.constructor?.name ?? 'application';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// The job's output history (on by default; `output_history = 0` turns it off). A `detach` job has
// none unless it asks: a pipe to gafferd would kill it (SIGPIPE/EPIPE) at its first write after
// gafferd is gone, and surviving gafferd is what `detach` is for.
function jobHistory(config: JobConfig): OutputHistory | undefined {
  const limits = historyLimits(config);
  return limits ? new OutputHistory(limits) : undefined;
}

function historyLimits(config: JobConfig): ReturnType<typeof parseOutputHistory> {
  if (config.detach && (config.output_history === undefined || config.output_history === null)) return undefined;
  return parseOutputHistory(config.output_history);
}
