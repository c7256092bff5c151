import { fullName, legacyName, parseJobName } from '../util/names.js';
import { FlapDetector } from './flapping.js';
import type { JobConfig } from './job-config.js';
import { parseJobPolicy, type JobPolicy } from './job-policy.js';
import type { ManagedProcess } from './managed-process.js';
import type { ProcessChecks } from './process-checks.js';
import type { JobLogs } from './job-logs.js';
import type { OutputHistory } from './output-history.js';

/** An unexpected exit of a kept process, as the job views show it. */
export interface LastExit {
  pid: number;
  os_pid: number | undefined;
  exit_status: number | null;
  term_signal: number | null;
  /** When it exited (ms since the epoch). */
  time: number;
}

/** Resolved OS identity of a job's processes. */
export interface JobIdentity {
  uid: number | undefined;
  gid: number | undefined;
}

/**
 * What the operations last asked of a job: `idle` (loaded with start = false),
 * `started`, `waiting` (started, held back until its dependencies are ready),
 * `stopped`, or `unloaded` (removed from its session: never spawned again).
 * The state the APIs show (`state`) is derived from it, the timers and the processes.
 */
export type JobPhase = 'idle' | 'started' | 'waiting' | 'stopped' | 'unloaded';

/**
 * A job (process template) inside a session: its config, its target count,
 * its phase, its timers and its processes. Changed by the operations
 * (core/operations.ts) and by its runner (core/supervisor.ts), through the
 * phase transitions below.
 */
export class Job {
  readonly sessionid: string;
  readonly name: string;
  config: JobConfig;
  /** The operations settings of `config` (restart policy, readiness, health, dependencies, limits). */
  policy: JobPolicy;
  identity: JobIdentity;
  /** Extra environment given at load time (library `load(..., env)`). */
  loadEnv: Record<string, string>;
  /** Per-instance environment (e.g. PORT = base + slot), layered over loadEnv. */
  instanceEnv: ((slot: number) => Record<string, string>) | undefined;
  numprocesses: number;
  #phase: JobPhase = 'started';
  /** Kept processes, oldest first. */
  readonly kept: ManagedProcess[] = [];
  /** One-off (committed) processes. */
  readonly oneOff: ManagedProcess[] = [];
  /** Processes asked to stop (detached from kept/oneOff) that have not exited yet. */
  readonly leaving = new Set<ManagedProcess>();
  /**
   * Processes stopped one by one (`stop_process`, `stopall`) whose replacement waits for their
   * exit: they still count towards the target, so a job never runs N+1 processes.
   */
  readonly replaceOnExit = new Set<ManagedProcess>();
  flapping: FlapDetector | undefined;
  /** Pending automatic restart after flapping. */
  retryTimer: NodeJS.Timeout | undefined;
  /** Pending delayed respawn after fast consecutive failures. */
  respawnTimer: NodeJS.Timeout | undefined;
  /** The rolling reload in progress (reload_strategy = rolling), if any. */
  rollout: Promise<void> | undefined;
  /** Respawns since load: kept processes spawned to replace one that exited unexpectedly or failed to spawn. */
  restarts = 0;
  /** Unexpected exits / spawn failures whose replacement is not spawned yet (each becomes a restart when it is). */
  owedRespawns = 0;
  /** The last unexpected exit of a kept process (docs/http-api.md: `last_exit`). */
  lastExit: LastExit | undefined;
  /** The last spawn failure's message, until a process of the job spawns again. */
  spawnError: string | undefined;
  /** When the pending respawn (or flapping retry) fires, ms since the epoch. */
  nextRetryAt: number | undefined;
  /** Consecutive fast failures (spawn errors, exits within MIN_UPTIME, or within the stable period with restart_delay). */
  fastFailures = 0;
  /** Every kept process was ready once since the last start (latched for dependents). */
  readyAnnounced = false;
  /** Readiness/health checks per internal pid. */
  readonly checks = new Map<number, ProcessChecks>();
  /** Pending max_memory sampling. */
  memoryTimer: NodeJS.Timeout | undefined;
  /** Log files (stdout_logfile / stderr_logfile), when configured. */
  logs: JobLogs | undefined;
  /** Recent output of the job's processes (`output_history`; undefined when off). */
  history: OutputHistory | undefined;
  readonly loadOrder: number;

  constructor(sessionid: string, config: JobConfig, identity: JobIdentity, loadEnv: Record<string, string>, loadOrder: number) {
    this.sessionid = sessionid;
    this.name = config.name;
    this.config = config;
    this.policy = parseJobPolicy(config);
    this.identity = identity;
    this.loadEnv = loadEnv;
    this.numprocesses = config.numprocesses;
    this.flapping = config.flapping ? new FlapDetector(config.flapping) : undefined;
    this.loadOrder = loadOrder;
  }

  get phase(): JobPhase {
    return this.#phase;
  }

  /** No kept process is spawned: stopped (or unloaded). */
  get stopped(): boolean {
    return this.#phase === 'stopped' || this.#phase === 'unloaded';
  }

  /** Loaded with start=false: nothing is spawned until started or scaled. */
  get idle(): boolean {
    return this.#phase === 'idle';
  }

  /** Removed from its session: nothing is spawned ever again. */
  get unloaded(): boolean {
    return this.#phase === 'unloaded';
  }

  /** Started but waiting for its dependencies to be ready. */
  get waiting(): boolean {
    return this.#phase === 'waiting';
  }

  /** Start (again): readiness is announced anew. An unloaded job stays unloaded. */
  markStarted(): void {
    if (this.unloaded) return;
    this.#phase = 'started';
    this.readyAnnounced = false;
  }

  /** Leave `stopped` or `idle` for `started` (reload, update with start, a flapping retry, a scale of an idle job). */
  resume(): void {
    if (this.#phase === 'stopped' || this.#phase === 'idle') this.#phase = 'started';
  }

  markIdle(): void {
    if (!this.unloaded) this.#phase = 'idle';
  }

  markStopped(): void {
    if (!this.unloaded) this.#phase = 'stopped';
  }

  markUnloaded(): void {
    this.#phase = 'unloaded';
  }

  /** A started job waits for its dependencies, or stops waiting. */
  markWaiting(waiting: boolean): void {
    if (this.#phase === 'started' || this.#phase === 'waiting') this.#phase = waiting ? 'waiting' : 'started';
  }

  get fullName(): string {
    return fullName(this.sessionid, this.name);
  }

  get legacyName(): string {
    return legacyName(this.sessionid, this.name);
  }

  /** At least one process (kept or one-off) is alive. */
  get active(): boolean {
    return this.kept.length + this.oneOff.length > 0;
  }

  get priority(): number {
    return this.config.priority ?? Number.MAX_SAFE_INTEGER;
  }

  /** Every process of the job: kept, then one-off. */
  get processes(): ManagedProcess[] {
    return [...this.kept, ...this.oneOff];
  }

  /** Remove a process from the job's lists; true when it was a member. */
  detach(process: ManagedProcess): boolean {
    for (const list of [this.kept, this.oneOff]) {
      const at = list.indexOf(process);
      if (at >= 0) {
        list.splice(at, 1);
        return true;
      }
    }
    return false;
  }

  /** The lowest instance number (1-based) not used by a kept process. */
  freeSlot(): number {
    const used = new Set(this.kept.map((p) => p.slot));
    let slot = 1;
    while (used.has(slot)) slot += 1;
    return slot;
  }

  /** Full names of the jobs this one depends on (`db` means `<own session>.db`). */
  get dependencies(): string[] {
    return this.policy.dependsOn.map((d) => {
      const parsed = parseJobName(d, this.sessionid);
      return fullName(parsed.sessionid, parsed.name);
    });
  }

  /** Every kept process is ready (and the job has its full count). */
  get allReady(): boolean {
    return this.kept.length >= this.numprocesses && this.kept.every((p) => p.ready);
  }

  /**
   * `backoff` (a respawn or a flapping retry is pending after failures),
   * `stopping` (stopped, some process still exiting), `stopped`, `idle`, `waiting` (for dependencies), `starting` (not ready
   * yet) or `running`.
   */
  get state(): 'backoff' | 'stopping' | 'stopped' | 'idle' | 'waiting' | 'starting' | 'running' {
    if (!this.unloaded && (this.respawnTimer || this.retryTimer)) return 'backoff';
    if (this.stopped || this.unloaded) return this.leaving.size > 0 ? 'stopping' : 'stopped';
    if (this.idle) return 'idle';
    if (this.waiting) return 'waiting';
    return this.allReady ? 'running' : 'starting';
  }

  /** Arm the delayed respawn after fast failures; `fire` runs when it elapses. */
  scheduleRespawn(delayMs: number, fire: () => void): void {
    this.nextRetryAt = Date.now() + delayMs;
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = undefined;
      this.nextRetryAt = undefined;
      fire();
    }, delayMs);
  }

  /** Arm the automatic restart after flapping; `fire` runs when it elapses. */
  scheduleRetry(delayMs: number, fire: () => void): void {
    this.nextRetryAt = Date.now() + delayMs;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.nextRetryAt = undefined;
      fire();
    }, delayMs);
  }

  clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    if (this.memoryTimer) clearTimeout(this.memoryTimer);
    this.retryTimer = undefined;
    this.respawnTimer = undefined;
    this.memoryTimer = undefined;
    this.nextRetryAt = undefined;
  }
}
