// What the dashboard knows about gafferd: jobs (0.5 job info) and their
// processes (0.5 process info plus the latest stats), read with the HTTP API
// and refreshed when channel events say something changed.
import { ApiError, jobPath } from './api.js';

/** Failed exits within this window (at least CRASH_LOOP_EXITS of them) make a job "crash looping". */
export const CRASH_WINDOW_MS = 60_000;
export const CRASH_LOOP_EXITS = 2;

export class Store {
  #api;
  #listeners;
  /** Pids stopped on purpose (stop_process, reap): their exit is not a crash. */
  #stopping = new Set();
  /** full name -> {full, sessionid, name, active, running, runningOut, target, cmd, pids} */
  jobs = new Map();
  /** pid -> {pid, job, osPid, createTime, once, labels, stopping, stats} */
  processes = new Map();
  sessions = [];

  /** `listeners`: onJob(job), onJobRemoved(full), onProcessAdded(proc), onProcessRemoved(proc), onSessions(list). */
  constructor(api, listeners) {
    this.#api = api;
    this.#listeners = listeners;
  }

  /** Read every session, job and process. */
  async refreshAll() {
    const { sessions } = await this.#api.get('/sessions');
    const names = [];
    for (const sid of sessions) {
      try {
        names.push(...(await this.#api.get(`/jobs/${encodeURIComponent(sid)}`)).jobs);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
      }
    }
    this.sessions = sessions;
    this.#listeners.onSessions(sessions);
    for (const full of [...this.jobs.keys()]) if (!names.includes(full)) this.#removeJob(full);
    await Promise.all(names.map((full) => this.refreshJob(full)));
  }

  /** Read one job and its processes; a job that is gone is removed. */
  async refreshJob(full) {
    let info;
    try {
      info = await this.#api.get(jobPath(full));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.#removeJob(full);
        return;
      }
      throw err;
    }
    const at = full.indexOf('.');
    const prev = this.jobs.get(full);
    const job = {
      full,
      sessionid: full.slice(0, at),
      name: full.slice(at + 1),
      active: info.active,
      running: info.running,
      runningOut: info.running_out,
      target: info.max_processes,
      cmd: [info.config?.cmd, ...(Array.isArray(info.config?.args) ? info.config.args : [])].filter(Boolean).join(' '),
      pids: info.processes,
      // Newer gafferds report these (crash loops); otherwise the exits seen by this page stand in.
      state: info.state,
      restarts: typeof info.restarts === 'number' ? info.restarts : undefined,
      lastExit: info.last_exit ?? undefined,
      nextRetry: info.next_retry ?? undefined,
      exitsSeen: prev?.exitsSeen ?? 0,
      lastExitSeen: prev?.lastExitSeen,
      failuresSeen: prev?.failuresSeen ?? [],
    };
    for (const proc of [...this.processes.values()]) {
      if (proc.job === full && !job.pids.includes(proc.pid)) this.removeProcess(proc.pid);
    }
    await Promise.all(job.pids.filter((pid) => !this.processes.has(pid)).map((pid) => this.#addProcess(pid)));
    if (!this.sessions.includes(job.sessionid)) {
      this.sessions = [...this.sessions, job.sessionid];
      this.#listeners.onSessions(this.sessions);
    }
    this.jobs.set(full, job);
    this.#listeners.onJob(job);
  }

  /** A process exited: forget it at once (the job's refresh follows). */
  removeProcess(pid) {
    const proc = this.processes.get(pid);
    if (!proc) return;
    this.processes.delete(pid);
    this.#listeners.onProcessRemoved(proc);
  }

  /**
   * An `exit` event: unless the process was being stopped on purpose, count it
   * as a restart of its job and remember it (time, status) for the crash line.
   */
  recordExit(event) {
    const job = this.jobs.get(event.name);
    const expected = this.#stopping.delete(event.pid);
    if (!job || event.once || expected) return;
    const now = Date.now();
    job.exitsSeen += 1;
    job.lastExitSeen = { pid: event.pid, os_pid: event.os_pid, exit_status: event.exit_status, term_signal: event.term_signal, time: now };
    if (event.exit_status !== 0 || event.term_signal !== 0) {
      job.failuresSeen = [...job.failuresSeen.filter((t) => now - t < CRASH_WINDOW_MS), now].slice(-10);
    }
  }

  /** A process is being stopped or reaped. */
  markStopping(pid) {
    this.#stopping.add(pid);
    if (this.#stopping.size > 10_000) this.#stopping.delete(this.#stopping.values().next().value);
    const proc = this.processes.get(pid);
    if (proc) proc.stopping = true;
    return proc;
  }

  processesOf(full) {
    return [...this.processes.values()].filter((p) => p.job === full).sort((a, b) => a.pid - b.pid);
  }

  async #addProcess(pid) {
    let info;
    try {
      info = await this.#api.get(`/${pid}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return;
      throw err;
    }
    if (this.processes.has(pid)) return;
    const proc = {
      pid,
      job: info.name,
      osPid: info.os_pid,
      createTime: info.create_time,
      once: info.commited,
      labels: [...new Set([...(info.redirect_output ?? []).filter(Boolean), ...(info.custom_streams ?? [])])],
      stopping: false,
      stats: undefined,
    };
    this.processes.set(pid, proc);
    this.#listeners.onProcessAdded(proc);
  }

  #removeJob(full) {
    for (const proc of this.processesOf(full)) this.removeProcess(proc.pid);
    this.jobs.delete(full);
    this.#listeners.onJobRemoved(full);
  }
}
