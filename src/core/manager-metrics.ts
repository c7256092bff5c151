// Prometheus metrics of a Manager: jobs, processes and the counters of what
// happened to them. Process CPU and memory are read from /proc when scraped
// (at most once per `minSampleMs`), so nothing is sampled while nobody scrapes.
import type { EventPayload } from '../protocol/events.js';
import type { MetricFamily, Sample } from '../util/prometheus-text.js';
import { readProcStatSync } from '../util/procfs.js';
import type { EventBus } from '../util/event-bus.js';
import type { Job } from './job.js';
import type { ManagedProcess } from './managed-process.js';
import type { Manager } from './manager.js';

/** Linux's USER_HZ: the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;
/** The page size of x86-64 and arm64 Linux: the unit of rss in /proc/<pid>/stat. */
const PAGE_SIZE = 4096;
const JOB_STATES = ['stopped', 'idle', 'waiting', 'starting', 'running', 'backoff'] as const;

interface JobCounters {
  spawns: number;
  exits: number;
  spawnErrors: number;
  flaps: number;
  giveUps: number;
  lastExitStatus: number | undefined;
  /** Output bytes of the job's processes that are gone (the live ones are added when collected). */
  exitedOutputBytes: number;
}

interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
}

/** Counters from the Manager's events, and the gauges read from its jobs when collected. */
export class ManagerMetrics {
  readonly #manager: Manager;
  readonly #counters = new Map<string, JobCounters>();
  readonly #minSampleMs: number;
  readonly #queueBuses: Readonly<Record<string, EventBus>>;
  #samples = new Map<number, ProcSample>();
  #sampledAt = 0;
  #started = false;
  readonly #listener = (type: string, payload: EventPayload): void => this.#count(type, payload);
  #stopTable: (() => void) | undefined;
  // Spawned processes whose output is not yet in their job's counter (running, stopping, draining).
  readonly #live = new Set<ManagedProcess>();

  /** `queues`: derived event streams to report beside the canonical one (`stream` label -> bus). */
  constructor(manager: Manager, options: { minSampleMs?: number; queues?: Record<string, EventBus> } = {}) {
    this.#manager = manager;
    this.#minSampleMs = options.minSampleMs ?? 1000;
    this.#queueBuses = options.queues ?? {};
  }

  /** Start counting events (idempotent). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const type of ['spawn', 'exit', 'spawn_error', 'flap', 'give_up']) this.#manager.events.subscribe(type, this.#listener);
    // A process's output bytes move to its job's counter once its pipes are drained (after the exit).
    this.#stopTable = this.#manager.onProcessTable({
      spawned: (p) => {
        this.#live.add(p);
        void p.exited.then(() => {
          if (!this.#live.delete(p)) return;
          this.#countersOf(p.name).exitedOutputBytes += p.outputBytes;
        });
      },
      exited: () => {},
    });
  }

  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    for (const type of ['spawn', 'exit', 'spawn_error', 'flap', 'give_up']) this.#manager.events.unsubscribe(type, this.#listener);
    this.#stopTable?.();
    this.#stopTable = undefined;
    this.#live.clear();
  }

  /** Every family of the Manager, with process CPU and memory sampled now (or reused if fresh). */
  async collect(): Promise<MetricFamily[]> {
    this.#sample();
    const jobs = this.#manager.allJobs();
    const now = Date.now() / 1000;
    const perJob = (pick: (job: Job, c: JobCounters) => number | undefined): Sample[] => {
      const out: Sample[] = [];
      for (const job of jobs) {
        const value = pick(job, this.#countersOf(job.fullName));
        if (value !== undefined) out.push({ labels: { job: job.fullName }, value });
      }
      return out;
    };
    const procs = jobs.flatMap((job) => job.processes.map((p) => ({ job, p })));
    const perProc = (pick: (entry: (typeof procs)[number]) => number | undefined): Sample[] => {
      const out: Sample[] = [];
      for (const entry of procs) {
        const value = pick(entry);
        if (value !== undefined) out.push({ labels: { job: entry.job.fullName, pid: entry.p.pid, os_pid: entry.p.osPid }, value });
      }
      return out;
    };
    const liveBytes = new Map<string, number>();
    for (const p of this.#live) liveBytes.set(p.name, (liveBytes.get(p.name) ?? 0) + p.outputBytes);
    const states: Sample[] = [];
    for (const job of jobs) {
      const current = job.state as string;
      for (const state of JOB_STATES) states.push({ labels: { job: job.fullName, state }, value: current === state ? 1 : 0 });
    }
    return [
      { name: 'gaffer_jobs', help: 'Jobs loaded.', type: 'gauge', samples: [{ value: jobs.length }] },
      { name: 'gaffer_event_queue_depth', help: 'Events published and not delivered yet.', type: 'gauge', samples: this.#queues((bus) => bus.pending) },
      { name: 'gaffer_event_queue_dropped_total', help: 'Events dropped because the event queue overflowed.', type: 'counter', samples: this.#queues((bus) => bus.dropped) },
      { name: 'gaffer_processes', help: 'Processes running (kept and one-off).', type: 'gauge', samples: [{ value: procs.length }] },
      { name: 'gaffer_job_state', help: 'Job state: 1 for the current state of each job.', type: 'gauge', samples: states },
      { name: 'gaffer_job_processes', help: 'Processes of the job that are running.', type: 'gauge', samples: perJob((j) => j.processes.length) },
      { name: 'gaffer_job_target_processes', help: 'The number of processes the job should run (numprocesses).', type: 'gauge', samples: perJob((j) => j.numprocesses) },
      { name: 'gaffer_job_up', help: '1 when every process of the job is running and ready.', type: 'gauge', samples: perJob((j) => (j.allReady ? 1 : 0)) },
      { name: 'gaffer_job_spawns_total', help: 'Processes spawned for the job since gafferd started.', type: 'counter', samples: perJob((_j, c) => c.spawns) },
      { name: 'gaffer_job_exits_total', help: 'Processes of the job that exited.', type: 'counter', samples: perJob((_j, c) => c.exits) },
      { name: 'gaffer_job_restarts_total', help: 'Processes of the job respawned after an exit gafferd did not ask for (the restarts of the job info).', type: 'counter', samples: perJob((j) => j.restarts) },
      { name: 'gaffer_job_output_bytes_total', help: 'Bytes of output gafferd read from the job\'s processes (stdout, stderr, custom streams; 0 for output it does not read).', type: 'counter', samples: perJob((j, c) => c.exitedOutputBytes + (liveBytes.get(j.fullName) ?? 0)) },
      { name: 'gaffer_job_spawn_errors_total', help: 'Spawns of the job that failed (missing binary, permissions).', type: 'counter', samples: perJob((_j, c) => c.spawnErrors) },
      { name: 'gaffer_job_flaps_total', help: 'Times the job was detected flapping.', type: 'counter', samples: perJob((_j, c) => c.flaps) },
      { name: 'gaffer_job_give_ups_total', help: 'Times gafferd gave up restarting the job (flapping retries exhausted).', type: 'counter', samples: perJob((_j, c) => c.giveUps) },
      { name: 'gaffer_job_last_exit_status', help: 'Exit status of the last process of the job that exited.', type: 'gauge', samples: perJob((_j, c) => c.lastExitStatus) },
      { name: 'gaffer_job_log_written_bytes_total', help: 'Bytes written to the job\'s log files.', type: 'counter', samples: perJob((j) => logTotal(j, 'written')) },
      { name: 'gaffer_job_log_dropped_bytes_total', help: 'Bytes of output dropped by the job\'s log files (log_overflow = drop).', type: 'counter', samples: perJob((j) => logTotal(j, 'dropped')) },
      { name: 'gaffer_process_up', help: '1 while the process runs and is ready.', type: 'gauge', samples: perProc(({ p }) => (p.active && p.ready ? 1 : 0)) },
      { name: 'gaffer_process_start_time_seconds', help: 'When the process was spawned (Unix time).', type: 'gauge', samples: perProc(({ p }) => p.createTime) },
      { name: 'gaffer_process_uptime_seconds', help: 'Seconds since the process was spawned.', type: 'gauge', samples: perProc(({ p }) => Math.max(0, Math.round((now - p.createTime) * 1000) / 1000)) },
      { name: 'gaffer_process_cpu_seconds_total', help: 'User and system CPU time of the process.', type: 'counter', samples: perProc(({ p }) => this.#samples.get(p.osPid)?.cpuSeconds) },
      { name: 'gaffer_process_resident_memory_bytes', help: 'Resident memory of the process.', type: 'gauge', samples: perProc(({ p }) => this.#samples.get(p.osPid)?.rssBytes) },
    ];
  }

  #queues(pick: (bus: EventBus) => number): Sample[] {
    return [
      { labels: { stream: 'canonical' }, value: pick(this.#manager.events) },
      ...Object.entries(this.#queueBuses).map(([stream, bus]) => ({ labels: { stream }, value: pick(bus) })),
    ];
  }

  #countersOf(name: string): JobCounters {
    let c = this.#counters.get(name);
    if (!c) {
      c = { spawns: 0, exits: 0, spawnErrors: 0, flaps: 0, giveUps: 0, lastExitStatus: undefined, exitedOutputBytes: 0 };
      this.#counters.set(name, c);
    }
    return c;
  }

  #count(type: string, payload: EventPayload): void {
    if (typeof payload['name'] !== 'string') return;
    const c = this.#countersOf(payload['name']);
    if (type === 'spawn') c.spawns += 1;
    else if (type === 'exit') {
      c.exits += 1;
      if (typeof payload['exit_status'] === 'number') c.lastExitStatus = payload['exit_status'];
    } else if (type === 'spawn_error') c.spawnErrors += 1;
    else if (type === 'flap') c.flaps += 1;
    else if (type === 'give_up') c.giveUps += 1;
  }

  /** Read /proc for every live process, unless the last read is younger than minSampleMs. */
  #sample(): void {
    if (Date.now() - this.#sampledAt < this.#minSampleMs) return;
    const next = new Map<number, ProcSample>();
    for (const job of this.#manager.allJobs()) {
      for (const p of job.processes) {
        const sample = p.osPid > 0 ? readProcSample(p.osPid) : undefined;
        if (sample) next.set(p.osPid, sample);
      }
    }
    this.#samples = next;
    this.#sampledAt = Date.now();
  }
}

function logTotal(job: Job, key: 'written' | 'dropped'): number | undefined {
  const report = job.logs?.report();
  if (!report) return undefined;
  return Object.values(report).reduce((sum, f) => sum + f[key], 0);
}

/** CPU seconds (utime + stime) and RSS of one process from /proc/<pid>/stat, or undefined when it is gone. */
function readProcSample(osPid: number): ProcSample | undefined {
  // One small synchronous read per process: 100 processes take about a millisecond.
  const stat = readProcStatSync(osPid);
  if (!stat) return undefined;
  return { cpuSeconds: (stat.utime + stat.stime) / CLOCK_TICKS, rssBytes: stat.rssPages * PAGE_SIZE };
}
