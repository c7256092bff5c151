import { sampleProcess, type ProcessStats } from './process-stats.js';
import type { ManagedProcess } from './managed-process.js';

/** A `stat` event: the 0.5 stats plus internal and OS pid (other formats shape their own, see StatFormat). */
export type StatEvent = (ProcessStats & { event: 'stat'; pid: number; os_pid: number; name: string }) | ({ event: 'stat' } & Record<string, unknown>);

export type StatListener = (event: StatEvent) => void;

/**
 * How the `stat` events of a process are sampled and shaped. Listeners of the
 * same format (same `key`) share one sample per tick.
 */
export interface StatFormat {
  readonly key: string;
  sample(process: ManagedProcess): Promise<StatEvent>;
}

/** The 0.5 format: stats, then `event`, internal pid, OS pid and full job name. */
export const CURRENT_STAT_FORMAT: StatFormat = {
  key: '0.5',
  sample: async (p) => ({ ...(await sampleProcess(p.osPid)), event: 'stat', pid: p.pid, os_pid: p.osPid, name: p.name }),
};

export const STATS_INTERVAL_MS = 100;

interface Watch {
  process: ManagedProcess;
  listeners: Map<StatListener, StatFormat>;
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
  watch(process: ManagedProcess, listener: StatListener, format: StatFormat = CURRENT_STAT_FORMAT): () => void {
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
    watch.listeners.set(listener, format);
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
      const formats = new Map([...watch.listeners.values()].map((f) => [f.key, f]));
      const keys = [...formats.keys()];
      const samples = await Promise.all(keys.map((k) => formats.get(k)!.sample(watch.process)));
      const byKey = new Map(keys.map((k, i) => [k, samples[i]!]));
      for (const [listener, format] of watch.listeners) {
        try {
          listener({ ...byKey.get(format.key)! });
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
