import { BadRequestError, StoppedError } from '../errors.js';
import type { Application } from './application.js';
import { ApplicationSet } from './application-set.js';
import { EventBus } from '../util/event-bus.js';
import { EventPublisher, type EventRecordListener } from './event-publisher.js';
import type { Job } from './job.js';
import { jobConfigToJSON } from './job-config.js';
import { JobRegistry } from './job-registry.js';
import { jobInfo, processInfo } from './job-views.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { ManagedProcess, OutputChunk } from './managed-process.js';
import { Operations, type CommitOptions, type LoadOptions, type Scale, type Signal } from './operations.js';
import { sampleProcess, type ProcessStats } from './process-stats.js';
import { followOutput, sampleJobStats, type JobStats } from './process-queries.js';
import { ProcessTable } from './process-table.js';
import { StatsMonitor, type StatFormat, type StatListener } from './stats-monitor.js';
import { Supervisor, type ProcessTableListener } from './supervisor.js';

export { MIN_UPTIME_MS, BACKOFF_BASE_MS, BACKOFF_MAX_MS } from './restart-policy.js';
export type { ProcessTableListener } from './supervisor.js';
export type { EventRecord, EventRecordListener } from './event-publisher.js';
export type { CommitOptions, LoadOptions, Scale, Signal } from './operations.js';

export interface ManagerOptions {
  logger?: Logger;
  /** Bound of each event bus's pending queue (default 10000). */
  maxQueue?: number;
}

export type ManagerOutputListener = (chunk: OutputChunk, process: ManagedProcess) => void;

type State = 'new' | 'running' | 'stopping' | 'stopped';

/**
 * The supervisor core's facade: sessions -> jobs (JobRegistry) -> processes
 * with internal pids (ProcessTable). It resolves names and pids, then calls
 * the operations (core/operations.ts), each run by the process engine
 * (Supervisor). Every state change is published once on `events` (canonical
 * vocabulary); derived streams (the 0.4 one) follow `onEventRecord`.
 */
export class Manager {
  readonly events: EventBus;
  readonly logger: Logger;
  /** Bound of the event queues (undefined: the EventBus default); derived streams use it too. */
  readonly maxQueue: number | undefined;
  readonly #publisher: EventPublisher;
  readonly #jobs = new JobRegistry();
  readonly #table = new ProcessTable();
  readonly #outputListeners = new Set<ManagerOutputListener>();
  readonly #tableListeners = new Set<ProcessTableListener>();
  readonly #stats = new StatsMonitor();
  readonly #apps: ApplicationSet;
  readonly #sup: Supervisor;
  readonly #ops: Operations;
  #state: State = 'new';
  #stopping: Promise<void> | undefined;

  constructor(options: ManagerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.maxQueue = options.maxQueue;
    this.events = new EventBus({ maxQueue: options.maxQueue, logger: this.logger });
    this.#publisher = new EventPublisher(this.events, (err) => this.logger.error(`event record listener failed: ${describe(err)}`));
    this.#apps = new ApplicationSet(this.logger);
    const isRunning = (): boolean => this.#state === 'running';
    this.#sup = new Supervisor({
      publisher: this.#publisher, table: this.#table, logger: this.logger, isRunning, jobs: () => this.#jobs.all(),
      outputListeners: this.#outputListeners, processTableListeners: this.#tableListeners,
    });
    this.#ops = new Operations({
      registry: this.#jobs, table: this.#table, supervisor: this.#sup, publisher: this.#publisher, events: this.events, logger: this.logger, isRunning,
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Started and not stopping. */
  get active(): boolean { return this.#state === 'running'; }

  get state(): State { return this.#state; }

  /** Start the manager and its applications in order; a failing application is logged and skipped. */
  async start(apps: Application[] = []): Promise<void> {
    if (this.#state !== 'new') throw new StoppedError(`the manager cannot start: it is ${this.#state}`);
    this.#state = 'running';
    for (const app of apps) await this.addApplication(app);
  }

  /** Start one more application; a failure is logged and skipped, or thrown when `critical` (the HTTP listener). */
  addApplication(app: Application, options: { critical?: boolean } = {}): Promise<boolean> {
    return this.#apps.add(app, () => app.start(this), options.critical ?? false);
  }

  get applications(): readonly Application[] { return this.#apps.list; }

  /** Restart every application (in order). */
  restartApplications(): Promise<void> { return this.#apps.restartAll(); }

  /** Stop every job (Operations.stopEverything), wait for every child, then the applications in reverse order. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#state = 'stopping';
    const jobs = this.#jobs.all();
    await this.#ops.stopEverything(jobs);
    this.#stats.close();
    await Promise.allSettled(jobs.map((j) => j.logs?.close()));
    await this.#apps.stopAll();
    this.#state = 'stopped';
  }

  // ---------------------------------------------------------------- queries

  /** Session ids, in creation order. */
  get sessions(): string[] { return this.#jobs.sessions; }

  /** Full names of every job, or of one session's jobs (404 for an unknown session). */
  jobs(sessionid?: string): string[] { return (sessionid === undefined ? this.#jobs.all() : this.#jobs.session(sessionid)).map((j) => j.fullName); }

  /** Every job object, in session then load order. */
  allJobs(): Job[] { return this.#jobs.all(); }

  /** The job designated by `name` (`web`, `app.web`, `app/web`, `app:web`), or a 404. */
  getJob(name: string, sessionid?: string): Job { return this.#jobs.get(name, sessionid); }

  hasJob(name: string, sessionid?: string): boolean { return this.#jobs.has(name, sessionid); }

  /** Jobs of one session, in load order (404 for an unknown session). */
  sessionJobs(sessionid: string): Job[] { return this.#jobs.session(sessionid); }

  /** The stored config of a job. */
  get(name: string, sessionid?: string): Record<string, unknown> { return jobConfigToJSON(this.getJob(name, sessionid).config); }

  /** 0.5 job info (plus `state`: stopped, idle, waiting, starting, running). */
  info(name: string, sessionid?: string): Record<string, unknown> { return jobInfo(this.getJob(name, sessionid)); }

  /** Internal pids of the running processes (spawn order), or of one job's kept processes; one asked to stop leaves at once. */
  pids(name?: string, sessionid?: string): number[] {
    if (name === undefined) return [...this.#table.entries()].filter((r) => !r.job.leaving.has(r.process)).map((r) => r.process.pid);
    return this.getJob(name, sessionid).kept.map((p) => p.pid);
  }

  /** The live process with this internal pid, or a 404 (a non-integer pid is a 400). */
  getProcess(pid: number | string): ManagedProcess { return this.#table.entry(pid).process; }

  /** The job owning a live process. */
  jobOf(pid: number | string): Job { return this.#table.entry(pid).job; }

  /** Read-only view of live processes by internal pid. */
  get running(): ReadonlyMap<number, ManagedProcess> { return this.#table.processes(); }

  /** 0.5 process info (plus `ready` and `slot`). */
  processInfo(pid: number | string): Record<string, unknown> {
    const { process: p, job } = this.#table.entry(pid);
    return processInfo(job, p);
  }

  /** 0.5 stats of one process. */
  async processStats(pid: number | string): Promise<ProcessStats> { return sampleProcess(this.getProcess(pid).osPid); }

  /** 0.5 job stats: per-process stats with pid/os_pid, sums and extremes. */
  async stats(name: string, sessionid?: string): Promise<JobStats> { return sampleJobStats(this.getJob(name, sessionid)); }

  /** Sample `stat` events of a process (pid) or of a job's kept processes (name) while subscribed; returns the unsubscribe. */
  monitor(target: number | string, listener: StatListener, options: { format?: StatFormat } = {}): () => void {
    const processes = typeof target === 'number' || /^\d+$/.test(target) ? [this.getProcess(target)] : this.getJob(target).kept;
    const stops = processes.map((p) => this.#stats.watch(p, listener, options.format));
    return () => stops.forEach((s) => s());
  }

  /** Subscribe to output of one process (`label` `.` or absent = every label). */
  monitorIo(pid: number | string, label: string | undefined, listener: (chunk: OutputChunk, process: ManagedProcess) => void): () => void {
    return followOutput(this.getProcess(pid), label, listener);
  }

  /** Follow spawns and exits synchronously (never dropped, unlike `events`); `spawned` is called at once for each live process. */
  onProcessTable(listener: ProcessTableListener): () => void {
    this.#tableListeners.add(listener);
    for (const { process } of this.#table.entries()) if (process.active) listener.spawned(process);
    return () => this.#tableListeners.delete(listener);
  }

  /** Events dropped so far because the canonical event queue overflowed. */
  get droppedEvents(): number { return this.events.dropped; }

  /** Follow every event synchronously with its job and process (derived streams, e.g. the 0.4 one); returns the unfollow. */
  onEventRecord(listener: EventRecordListener): () => void { return this.#publisher.onRecord(listener); }

  /** Subscribe to the output of every process, current and future. */
  onOutput(listener: ManagerOutputListener): () => void {
    this.#outputListeners.add(listener);
    return () => this.#outputListeners.delete(listener);
  }

  // ---------------------------------------------------------------- operations (core/operations.ts)

  /** Load a job config into a session; starts it unless `start: false`. */
  load(input: unknown, options: LoadOptions = {}): Job {
    this.#assertRunning();
    return this.#ops.load(input, options);
  }

  /** Remove a job; its processes are stopped gracefully. Resolves when they have exited. */
  unload(name: string, sessionid?: string): Promise<void> { return this.#ops.unload(this.getJob(name, sessionid)); }

  /** Start a job: clear the stopped flag, reset the target and the flapping detector, spawn. */
  startJob(name: string, sessionid?: string): void { this.#ops.start(this.#runningJob(name, sessionid)); }

  /** Stop a job: target 0, stopped, every process stopped gracefully. */
  stopJob(name: string, sessionid?: string): Promise<void> { return this.#ops.stop(this.getJob(name, sessionid)); }

  /** Restart (new processes first, then the old ones are reaped; rolling when configured). */
  restartJob(name: string, sessionid?: string): Promise<void> { return this.#ops.restart(this.#runningJob(name, sessionid)); }

  /** Reload: stop every process and spawn fresh ones (rolling when configured). */
  reload(name: string, sessionid?: string): Promise<void> { return this.#ops.reload(this.#runningJob(name, sessionid)); }

  /** Replace a job's config; processes are restarted only when a key that affects them changed. */
  update(input: unknown, options: LoadOptions = {}): Promise<void> {
    this.#assertRunning();
    const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const job = typeof raw.name === 'string' ? this.getJob(raw.name, options.sessionid) : undefined;
    if (!job) throw new BadRequestError('invalid_process_info', 'invalid job config: "name" is required to update a job');
    return this.#ops.update(job, raw, options);
  }

  /** Scale a job by a parsed scale expression (`parseScale`); returns the new target. */
  scale(name: string, scale: Scale, sessionid?: string): number { return this.#ops.scale(this.#runningJob(name, sessionid), scale); }

  /** Stop every process of a job without stopping the job: they are respawned as they exit. */
  stopall(name: string, sessionid?: string): Promise<void> { return this.#ops.stopAll(this.getJob(name, sessionid)); }

  /** Send a signal (a number, from `parseSignal`) to every process of a job. */
  killall(name: string, signal: Signal, sessionid?: string): void { this.#ops.killAll(this.getJob(name, sessionid), signal); }

  /** Send a signal (a number, from `parseSignal`) to one process. */
  kill(pid: number | string, signal: Signal): void { this.#ops.kill(this.#table.entry(pid), signal); }

  /** Stop one process; a kept process of a running job is replaced once it has exited. */
  stopProcess(pid: number | string): Promise<void> { return this.#ops.stopProcess(this.#table.entry(pid)); }

  /** Write to a process's stdin or custom stream. */
  send(pid: number | string, data: Buffer | string, stream?: string): Promise<void> { return this.getProcess(pid).write(data, stream); }

  /** Spawn a one-off process from a job; resolves with its internal pid once it is running. */
  commit(name: string, options: CommitOptions = {}, sessionid?: string): Promise<number> {
    try {
      return this.#ops.commit(this.#runningJob(name, sessionid), options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  // Session helpers (0.4 groups): the operation on every job of the session.
  startSession(sessionid: string): void {
    this.#assertRunning();
    for (const job of this.sessionJobs(sessionid)) this.#ops.start(job);
  }

  stopSession(sessionid: string): Promise<void> { return allDone(this.sessionJobs(sessionid).map((j) => this.#ops.stop(j))); }

  restartSession(sessionid: string): Promise<void> {
    this.#assertRunning();
    return allDone(this.sessionJobs(sessionid).map((j) => this.#ops.restart(j)));
  }

  unloadSession(sessionid: string): Promise<void> { return allDone(this.sessionJobs(sessionid).map((j) => this.#ops.unload(j))); }

  /** Open every job log file again (SIGUSR1, after an external logrotate). */
  async reopenLogs(): Promise<void> { await Promise.allSettled(this.#jobs.all().map((j) => j.logs?.reopen())); }

  /** Start every loaded job that is not running. */
  startAll(): void {
    this.#assertRunning();
    for (const job of this.#jobs.all()) if (job.stopped || job.idle) this.#ops.start(job);
  }

  /** The job designated by `name`, once the manager is known to accept work (StoppedError otherwise). */
  #runningJob(name: string, sessionid?: string): Job {
    this.#assertRunning();
    return this.getJob(name, sessionid);
  }

  #assertRunning(): void {
    if (this.#state === 'new') this.#state = 'running';
    if (this.#state !== 'running') throw new StoppedError();
  }
}

// Resolve once every promise has resolved (reject with the first rejection).
function allDone(work: Array<Promise<unknown>>): Promise<void> {
  return Promise.all(work).then(() => undefined);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
