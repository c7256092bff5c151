import { BadRequestError, ConflictError, NotFoundError, SpawnError, StoppedError } from '../errors.js';
import { LEGACY_EVENT_NAMES, LEGACY_PER_JOB, jobEvent, processEvent, type CanonicalEventType } from '../protocol/events.js';
import { DEFAULT_SESSION, fullName, parseJobName, validateSessionId } from '../util/names.js';
import { applyScale, parseScale } from '../util/scale.js';
import { parseSignal } from '../util/signals.js';
import { resolveGid, resolveUid } from '../util/users.js';
import type { Application } from './application.js';
import { buildSpawnCommand, composeEnv } from './command.js';
import { EventBus } from './event-bus.js';
import { FlapDetector } from './flapping.js';
import { Job, type JobIdentity } from './job.js';
import { jobConfigToJSON, normalizeJobConfig, requiresRestart, type JobConfig } from './job-config.js';
import { silentLogger, type Logger } from './logger.js';
import { ManagedProcess, type ExitStatus, type OutputChunk } from './managed-process.js';
import { aggregateStats, sampleLegacyProcess, sampleProcess, type LegacyProcessStats, type ProcessStats } from './process-stats.js';
import { StatsMonitor, type StatListener } from './stats-monitor.js';

/** A process that lived less than this is a fast failure: consecutive ones are respawned with backoff. */
export const MIN_UPTIME_MS = 1000;
/** First and longest delay of the fast-failure backoff. */
export const BACKOFF_BASE_MS = 100;
export const BACKOFF_MAX_MS = 10_000;

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
 * Every state change is published on `events` (canonical 0.5 vocabulary) and
 * `legacyEvents` (0.4 vocabulary). Operations change state synchronously;
 * those that stop processes return a promise resolved when they have exited.
 */
export class Manager {
  readonly events: EventBus;
  readonly legacyEvents: EventBus;
  readonly logger: Logger;

  readonly #sessions = new Map<string, Map<string, Job>>();
  readonly #running = new Map<number, { process: ManagedProcess; job: Job }>();
  readonly #outputListeners = new Set<ManagerOutputListener>();
  readonly #stats = new StatsMonitor();
  #apps: Application[] = [];
  #nextPid = 1;
  #loadCounter = 0;
  #state: State = 'new';
  #stopping: Promise<void> | undefined;

  constructor(options: ManagerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.events = new EventBus({ maxQueue: options.maxQueue, logger: this.logger });
    this.legacyEvents = new EventBus({ maxQueue: options.maxQueue, logger: this.logger });
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
    const levels = [...new Set(jobs.map((j) => j.priority))].sort((a, b) => b - a);
    for (const level of levels) {
      const exits: Array<Promise<unknown>> = [];
      for (const job of jobs.filter((j) => j.priority === level).reverse()) {
        job.numprocesses = 0;
        this.#publish('stop', job, {});
        this.events.publish(jobEvent(job.fullName, 'stop'), { name: job.fullName });
        for (const proc of job.processes) {
          if (proc.detach) continue;
          exits.push(this.#stopOne(job, proc));
        }
      }
      await Promise.all(exits);
    }
    // Processes already leaving (reaped, stop_process) before the shutdown.
    await Promise.all([...this.#running.values()].filter((r) => !r.process.detach).map((r) => r.process.stop()));
    this.#stats.close();
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

  /** 0.5 job info. */
  info(name: string, sessionid?: string): Record<string, unknown> {
    const job = this.getJob(name, sessionid);
    return {
      name: job.fullName,
      active: job.active,
      running: job.kept.length + job.oneOff.length,
      running_out: job.oneOff.length,
      max_processes: job.numprocesses,
      processes: job.processes.map((p) => p.pid),
      config: jobConfigToJSON(job.config),
    };
  }

  /** 0.4 status. */
  status(name: string): { active: boolean; running: number; max_processes: number; numprocesses: number } {
    const job = this.getJob(name);
    return { active: job.active, running: job.kept.length, max_processes: job.numprocesses, numprocesses: job.numprocesses };
  }

  /** Internal pids: every live process (spawn order), or the kept processes of one job. */
  pids(name?: string, sessionid?: string): number[] {
    if (name === undefined) return [...this.#running.keys()];
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
    return new Map([...this.#running].map(([pid, r]) => [pid, r.process]));
  }

  /** 0.5 process info. */
  processInfo(pid: number | string): Record<string, unknown> {
    const { process: p, job } = this.#entry(pid);
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
    };
  }

  /** 0.5 stats of one process. */
  async processStats(pid: number | string): Promise<ProcessStats> {
    return sampleProcess(this.getProcess(pid).osPid);
  }

  /** 0.4 stats of one process. */
  async legacyProcessStats(pid: number | string): Promise<LegacyProcessStats> {
    return sampleLegacyProcess(this.getProcess(pid).osPid);
  }

  /** 0.5 job stats: per-process stats with pid/os_pid, sums and extremes. */
  async stats(name: string, sessionid?: string): Promise<ReturnType<typeof aggregateStats<ProcessStats & { pid: number; os_pid: number }>>> {
    const job = this.getJob(name, sessionid);
    const stats = await Promise.all(job.processes.map(async (p) => ({ ...(await sampleProcess(p.osPid)), pid: p.pid, os_pid: p.osPid })));
    return aggregateStats(job.fullName, stats);
  }

  /** 0.4 job stats: per-process 0.4 stats with `id`, sums and extremes. */
  async legacyStats(name: string): Promise<ReturnType<typeof aggregateStats<LegacyProcessStats & { id: number }>>> {
    const job = this.getJob(name);
    const stats = await Promise.all(job.processes.map(async (p) => ({ ...(await sampleLegacyProcess(p.osPid)), id: p.pid })));
    return aggregateStats(job.legacyName, stats);
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
      if (label === undefined || label === '.' || chunk.label === label) listener(chunk, proc);
    });
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
    let session = this.#sessions.get(sessionid);
    if (!session) {
      session = new Map();
      this.#sessions.set(sessionid, session);
    }
    session.set(job.name, job);
    this.#publish('load', job, {});
    if (start) this.#start(job);
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
    this.#publish('unload', job, {});
    return this.#halt(job, { resetTarget: true });
  }

  /** Start a job: clear the stopped flag, reset the target and the flapping detector, spawn. */
  startJob(name: string, sessionid?: string): void {
    this.#assertRunning();
    this.#start(this.getJob(name, sessionid));
  }

  /** Stop a job: target 0, stopped flag set, every process stopped gracefully. */
  stopJob(name: string, sessionid?: string): Promise<void> {
    return this.#halt(this.getJob(name, sessionid), { resetTarget: true });
  }

  /** Rolling restart: spawn `numprocesses` new processes, then reap the old ones. A stopped job is started. */
  restartJob(name: string, sessionid?: string): void {
    this.#assertRunning();
    const job = this.getJob(name, sessionid);
    this.#publish('restart', job, {});
    if (job.stopped || job.idle) {
      this.#start(job);
      return;
    }
    const old = job.kept.splice(0);
    job.clearTimers();
    job.fastFailures = 0;
    this.#reconcile(job);
    for (const proc of old) this.#reapOne(job, proc);
  }

  /** Reload: reset target and flapping, stop every process, spawn fresh ones at once. */
  reload(name: string, sessionid?: string): Promise<void> {
    this.#assertRunning();
    const job = this.getJob(name, sessionid);
    this.#publish('restart', job, {});
    job.clearTimers();
    job.numprocesses = job.config.numprocesses;
    job.flapping?.reset();
    job.fastFailures = 0;
    job.stopped = false;
    job.idle = false;
    const exits = job.processes.map((p) => this.#stopOne(job, p));
    this.#reconcile(job);
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
    const envChanged = options.env !== undefined && JSON.stringify(options.env) !== JSON.stringify(job.loadEnv);
    job.config = config;
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
    this.#publish('update', job, {});
    let exits: Array<Promise<unknown>> = [];
    if (requiresRestart(before, config) || envChanged) {
      exits = job.processes.filter((p) => !p.once).map((p) => this.#stopOne(job, p));
    }
    this.#reconcile(job);
    return Promise.all(exits).then(() => undefined);
  }

  /** Scale a job (`+N`, `-N`, `=N`, `N`, or an integer); returns the new target. */
  scale(name: string, value: unknown, sessionid?: string): number {
    this.#assertRunning();
    const job = this.getJob(name, sessionid);
    job.numprocesses = applyScale(job.numprocesses, parseScale(value));
    job.idle = false;
    this.#publish('update', job, {});
    this.#reconcile(job);
    return job.numprocesses;
  }

  /** Stop every process of a job without stopping the job: they are respawned as they exit. */
  stopall(name: string, sessionid?: string): Promise<void> {
    const job = this.getJob(name, sessionid);
    return Promise.all(job.processes.map((p) => this.#stopOne(job, p))).then(() => undefined);
  }

  /** Send a signal to every process of a job. */
  killall(name: string, signal: unknown, sessionid?: string): void {
    const job = this.getJob(name, sessionid);
    const signum = parseSignal(signal as string | number);
    this.events.publish(jobEvent(job.fullName, 'kill'), { name: job.fullName, signum });
    for (const proc of job.processes) this.#signal(job, proc, signum);
  }

  /** Send a signal to one process. */
  kill(pid: number | string, signal: unknown): void {
    const { process: proc, job } = this.#entry(pid);
    this.#signal(job, proc, parseSignal(signal as string | number));
  }

  /** Stop one process; a kept process of a running job is replaced at once. */
  stopProcess(pid: number | string): Promise<void> {
    const { process: proc, job } = this.#entry(pid);
    const exited = this.#stopOne(job, proc);
    this.#reconcile(job);
    return exited.then(() => undefined);
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
    const proc = this.#spawn(job, true, options, (err) => {
      failure = err;
      notify?.();
    });
    if (!proc.active && !failure) await new Promise<void>((resolve) => { notify = resolve; });
    if (failure) throw spawnError(job, proc, failure);
    return proc.pid;
  }

  // Session helpers (0.4 groups).
  startSession(sessionid: string): void {
    for (const job of this.sessionJobs(sessionid)) this.#start(job);
  }

  stopSession(sessionid: string): Promise<void> {
    return Promise.all(this.sessionJobs(sessionid).map((j) => this.#halt(j, { resetTarget: true }))).then(() => undefined);
  }

  restartSession(sessionid: string): void {
    for (const job of this.sessionJobs(sessionid)) this.restartJob(job.name, job.sessionid);
  }

  unloadSession(sessionid: string): Promise<void> {
    return Promise.all(this.sessionJobs(sessionid).map((j) => this.unload(j.name, j.sessionid))).then(() => undefined);
  }

  /** Start every loaded job that is not running. */
  startAll(): void {
    for (const job of this.#allJobs()) if (job.stopped || job.idle) this.#start(job);
  }

  // ---------------------------------------------------------------- internals

  #start(job: Job): void {
    if (job.unloaded) return;
    job.clearTimers();
    job.stopped = false;
    job.idle = false;
    job.numprocesses = job.config.numprocesses;
    job.flapping?.reset();
    job.fastFailures = 0;
    this.#publish('start', job, {});
    this.events.publish(jobEvent(job.fullName, 'start'), { name: job.fullName });
    this.#reconcile(job);
  }

  // Stop a job: flags, events, then every process; `resetTarget` sets numprocesses to 0 (user stop).
  #halt(job: Job, options: { resetTarget: boolean }): Promise<void> {
    job.clearTimers();
    job.stopped = true;
    job.idle = false;
    if (options.resetTarget) job.numprocesses = 0;
    this.#publish('stop', job, {});
    this.events.publish(jobEvent(job.fullName, 'stop'), { name: job.fullName });
    return Promise.all(job.processes.map((p) => this.#stopOne(job, p))).then(() => undefined);
  }

  // Bring the kept processes to the target: spawn the missing ones, reap the oldest surplus.
  #reconcile(job: Job, afterBackoff = false): void {
    if (job.unloaded || job.stopped || job.idle || this.#state !== 'running' || job.respawnTimer) return;
    if (job.kept.length < job.numprocesses && job.fastFailures >= 2 && !afterBackoff) {
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (job.fastFailures - 2));
      this.logger.warn(`job '${job.fullName}': ${job.fastFailures} fast failures in a row; respawning in ${(delay / 1000).toFixed(1)}s`);
      job.respawnTimer = setTimeout(() => {
        job.respawnTimer = undefined;
        this.#reconcile(job, true);
      }, delay);
      return;
    }
    // A synchronous spawn failure sets respawnTimer (or stops the job through flapping): the loop ends.
    while (job.kept.length < job.numprocesses && !job.respawnTimer && !job.stopped && !job.unloaded) {
      this.#spawn(job, false, {});
    }
    while (job.kept.length > job.numprocesses) {
      this.#reapOne(job, job.kept[0]!);
    }
  }

  #spawn(job: Job, once: boolean, options: CommitOptions, onFailure?: (err: NodeJS.ErrnoException) => void): ManagedProcess {
    const pid = this.#nextPid++;
    const slot = once ? 0 : job.freeSlot();
    const env = composeEnv(job.config, job.loadEnv, slot ? job.instanceEnv?.(slot) : undefined, options.env);
    const proc = new ManagedProcess({
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
      gracefulTimeout: options.gracefulTimeout ?? job.config.graceful_timeout,
      stopSignal: stopSignalOf(job.config),
    });
    this.#running.set(pid, { process: proc, job });
    (once ? job.oneOff : job.kept).push(proc);
    proc.onOutput((chunk, p) => {
      for (const listener of this.#outputListeners) {
        try {
          listener(chunk, p);
        } catch (err) {
          this.logger.error(`output listener failed for process ${p.pid}: ${describe(err)}`);
        }
      }
    });
    const started = proc.spawn(
      (status) => this.#onExit(job, proc, status),
      (err) => {
        this.#onSpawnError(job, proc, err);
        onFailure?.(err);
      },
    );
    if (started) {
      const payload = { name: job.fullName, pid, os_pid: proc.osPid };
      this.#publish('spawn', job, payload, proc);
      if (!once) this.events.publish(jobEvent(job.fullName, 'spawn'), payload);
    }
    return proc;
  }

  #onSpawnError(job: Job, proc: ManagedProcess, err: NodeJS.ErrnoException): void {
    this.#running.delete(proc.pid);
    const wasMember = job.detach(proc);
    const error = spawnError(job, proc, err);
    this.logger.error(error.message);
    this.events.publish('spawn_error', { name: job.fullName, pid: proc.pid, error: error.message, errno: err.code ?? 'UNKNOWN' });
    if (proc.once || !wasMember) return;
    if (this.#onUnexpectedExit(job, 0)) return;
    // Never called synchronously into #reconcile's loop: the loop stops on the timer.
    if (job.respawnTimer) return;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, job.fastFailures - 1));
    job.respawnTimer = setTimeout(() => {
      job.respawnTimer = undefined;
      this.#reconcile(job, true);
    }, delay);
  }

  #onExit(job: Job, proc: ManagedProcess, status: ExitStatus): void {
    this.#running.delete(proc.pid);
    const wasMember = job.detach(proc);
    const payload = {
      name: job.fullName, pid: proc.pid, os_pid: proc.osPid,
      exit_status: status.exitStatus, term_signal: status.termSignal, once: proc.once,
    };
    this.#publish('exit', job, payload, proc);
    this.events.publish(jobEvent(job.fullName, 'exit'), payload);
    this.events.publish(processEvent(proc.pid, 'exit'), payload);
    if (proc.once || job.unloaded || job.stopped || this.#state !== 'running') return;
    if (!proc.stopRequested && wasMember) {
      const uptime = Date.now() - proc.createTime * 1000;
      this.logger.warn(`job '${job.fullName}': process ${proc.pid} (os pid ${proc.osPid}) exited unexpectedly ` +
        `(${status.termSignal ? `signal ${status.termSignal}` : `exit status ${status.exitStatus}`}) after ${(uptime / 1000).toFixed(2)}s`);
      if (this.#onUnexpectedExit(job, uptime)) return;
    }
    this.#reconcile(job);
  }

  // Feed the flapping detector and the fast-failure counter; true when the job was stopped by flapping.
  #onUnexpectedExit(job: Job, uptimeMs: number): boolean {
    job.fastFailures = uptimeMs < MIN_UPTIME_MS ? job.fastFailures + 1 : 0;
    if (!job.flapping) return false;
    const decision = job.flapping.recordExit(Date.now());
    if (decision === 'respawn') return false;
    this.#publish('flap', job, {});
    const retryIn = job.config.flapping!.retry_in;
    if (decision === 'retry') {
      this.logger.warn(`job '${job.fullName}' is flapping: stopped, retrying in ${retryIn}s (retry ${job.flapping.retries} of ${job.config.flapping!.max_retry})`);
    } else {
      this.logger.error(`job '${job.fullName}' kept flapping and was given up after ${job.config.flapping!.max_retry} retries; start it again once fixed`);
    }
    void this.#halt(job, { resetTarget: false });
    if (decision === 'retry') {
      job.retryTimer = setTimeout(() => {
        job.retryTimer = undefined;
        if (job.unloaded || this.#state !== 'running') return;
        job.stopped = false;
        job.fastFailures = 0;
        this.#publish('restart', job, {});
        this.#reconcile(job);
      }, retryIn * 1000);
    }
    return true;
  }

  // The manager stops one process: it leaves its job at once and its exit is expected.
  #stopOne(job: Job, proc: ManagedProcess): Promise<unknown> {
    if (!proc.stopRequested) {
      job.detach(proc);
      this.events.publish('stop_process', { name: job.fullName, pid: proc.pid });
      this.#publishLegacy('stop_process', job, { pid: proc.pid, os_pid: proc.osPid });
    }
    return proc.stop();
  }

  #reapOne(job: Job, proc: ManagedProcess): void {
    job.detach(proc);
    const payload = { name: job.fullName, pid: proc.pid, os_pid: proc.osPid };
    this.#publish('reap', job, payload, proc);
    this.events.publish(jobEvent(job.fullName, 'reap'), payload);
    this.events.publish(processEvent(proc.pid, 'reap'), payload);
    void proc.stop();
  }

  #signal(job: Job, proc: ManagedProcess, signum: number): void {
    this.events.publish(processEvent(proc.pid, 'kill'), { pid: proc.pid, name: job.fullName, signum });
    proc.kill(signum);
  }

  // Publish a canonical global event and its legacy translation.
  #publish(type: CanonicalEventType, job: Job, payload: Record<string, unknown>, proc?: ManagedProcess): void {
    this.events.publish(type, { name: job.fullName, ...payload });
    const legacy: Record<string, unknown> = { ...payload };
    delete legacy.name;
    if (type === 'spawn') legacy.detached = proc?.detach ?? false;
    if (type === 'exit') delete legacy.once;
    this.#publishLegacy(type, job, legacy);
  }

  #publishLegacy(type: CanonicalEventType, job: Job, payload: Record<string, unknown>): void {
    const legacyType = LEGACY_EVENT_NAMES[type];
    const body = { name: job.legacyName, ...payload };
    this.legacyEvents.publish(legacyType, body);
    if (LEGACY_PER_JOB.has(legacyType)) this.legacyEvents.publish(`proc.${job.legacyName}.${legacyType}`, body);
  }

  #entry(pid: number | string): { process: ManagedProcess; job: Job } {
    const n = typeof pid === 'number' ? pid : /^\s*\d+\s*$/.test(pid) ? Number(pid) : NaN;
    if (!Number.isInteger(n)) throw new BadRequestError('bad_value', `invalid pid ${JSON.stringify(pid)}: expected an internal pid (integer)`);
    const entry = this.#running.get(n);
    if (!entry) throw new NotFoundError('not_found', `process ${n} not found (it may have exited); list live pids with GET /pids`);
    return entry;
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

function resolveIdentity(config: JobConfig): JobIdentity {
  return {
    uid: config.uid === null ? undefined : resolveUid(config.uid),
    gid: config.gid === null ? undefined : resolveGid(config.gid),
  };
}

function stopSignalOf(config: JobConfig): number {
  return parseSignal(config.stop_signal);
}

function spawnError(job: Job, proc: ManagedProcess, err: NodeJS.ErrnoException): SpawnError {
  const hint = err.code === 'ENOENT'
    ? `check that '${proc.command.file}' exists and is on PATH, and that cwd '${proc.command.cwd}' exists`
    : err.code === 'EACCES' ? `check that '${proc.command.file}' is executable`
      : err.code === 'EPERM' ? 'gafferd may not switch to the configured uid/gid; run it as root or drop uid/gid'
        : 'see the cause';
  return new SpawnError(`job '${job.fullName}': process ${proc.pid} could not be spawned (${err.message}); ${hint}`, { cause: err });
}

function appName(app: Application): string {
  return app.name ?? app.constructor?.name ?? 'application';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
