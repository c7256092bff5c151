import { sampleLegacyProcess, sampleProcess, type LegacyProcessStats, type ProcessStats } from './process-stats.js';
import type { ManagedProcess } from './managed-process.js';
import { legacyName, parseJobName } from '../util/names.js';

/** A `stat` event: 0.5 stats plus internal and OS pid, or the 0.4 dict when legacy. */
export type StatEvent = (ProcessStats & { event: 'stat'; pid: number; os_pid: number; name: string }) |
  (LegacyProcessStats & { event: 'stat'; id: number; name: string });

export type StatListener = (event: StatEvent) => void;

export const STATS_INTERVAL_MS = 100;

interface Watch {
  process: ManagedProcess;
  listeners: Map<StatListener, boolean>;
  timer: NodeJS.Timeout;
  busy: boolean;
}

/**
 * Samples a process's stats every 100 ms, only while at least one listener is
 * subscribed, and stops when the process exits.
 */
export class StatsMonitor {
  readonly #watches = new Map<number, Watch>();

  /** Subscribe to stat events of a process; returns the unsubscribe function. */
  watch(process: ManagedProcess, listener: StatListener, legacy = false): () => void {
    let watch = this.#watches.get(process.pid);
    if (!watch) {
      const created: Watch = {
        process,
        listeners: new Map(),
        busy: false,
        timer: setInterval(() => void this.#tick(created), STATS_INTERVAL_MS),
      };
      created.timer.unref();
      watch = created;
      this.#watches.set(process.pid, watch);
      process.exited.then(() => this.#drop(process.pid), () => this.#drop(process.pid));
    }
    watch.listeners.set(listener, legacy);
    return () => {
      const w = this.#watches.get(process.pid);
      if (!w) return;
      w.listeners.delete(listener);
      if (w.listeners.size === 0) this.#drop(process.pid);
    };
  }

  /** Stop every timer. */
  close(): void {
    for (const pid of [...this.#watches.keys()]) this.#drop(pid);
  }

  get watching(): number {
    return this.#watches.size;
  }

  async #tick(watch: Watch): Promise<void> {
    if (watch.busy || !watch.process.active) return;
    watch.busy = true;
    try {
      const wantsLegacy = [...watch.listeners.values()].some(Boolean);
      const wantsCurrent = [...watch.listeners.values()].some((l) => !l);
      const p = watch.process;
      const [current, legacy] = await Promise.all([
        wantsCurrent ? sampleProcess(p.osPid) : undefined,
        wantsLegacy ? sampleLegacyProcess(p.osPid) : undefined,
      ]);
      for (const [listener, isLegacy] of watch.listeners) {
        const event: StatEvent = isLegacy
          ? { ...legacy!, event: 'stat', id: p.pid, name: legacyOf(p.name) }
          : { ...current!, event: 'stat', pid: p.pid, os_pid: p.osPid, name: p.name };
        try {
          listener(event);
        } catch { /* a failing listener never stops sampling for others */ }
      }
    } finally {
      watch.busy = false;
    }
  }

  #drop(pid: number): void {
    const watch = this.#watches.get(pid);
    if (!watch) return;
    clearInterval(watch.timer);
    this.#watches.delete(pid);
  }
}

// 0.4 stat events name the job by its legacy name (`web`, `myapp.web`).
function legacyOf(full: string): string {
  const d = parseJobName(full);
  return legacyName(d.sessionid, d.name);
}
