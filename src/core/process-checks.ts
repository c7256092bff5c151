import { LineSplitter } from '../util/lines.js';
import type { JobPolicy } from './job-policy.js';
import type { ManagedProcess } from './managed-process.js';
import { runProbe } from './probes.js';

/** How often a readiness probe is retried until it succeeds or ready_timeout passes. */
export const READY_POLL_MS = 100;

export type CheckFailure = 'ready_timeout' | 'unhealthy';

export interface ProcessChecksHooks {
  onReady(): void;
  onFailure(reason: CheckFailure, detail: string): void;
}

/**
 * The readiness and health checks of one process: readiness first (a probe
 * retried every 100 ms, or a line of output matching a pattern) within
 * ready_timeout; then a health probe every health_interval, reporting a
 * failure after health_failures misses in a row. Stops with the process.
 */
export class ProcessChecks {
  readonly #process: ManagedProcess;
  readonly #policy: JobPolicy;
  readonly #hooks: ProcessChecksHooks;
  readonly #timers: NodeJS.Timeout[] = [];
  #stopped = false;
  #offOutput: (() => void) | undefined;

  constructor(process: ManagedProcess, policy: JobPolicy, hooks: ProcessChecksHooks) {
    this.#process = process;
    this.#policy = policy;
    this.#hooks = hooks;
  }

  start(): void {
    const ready = this.#policy.ready;
    if (!ready) {
      this.#becomeReady();
      return;
    }
    this.#timers.push(setTimeout(() => {
      if (this.#stopped) return;
      this.stop();
      this.#hooks.onFailure('ready_timeout', `not ready after ${this.#policy.readyTimeout}s (${describeCheck(this.#policy)})`);
    }, this.#policy.readyTimeout * 1000));
    if (ready.kind === 'line') {
      const splitters = new Map<number, LineSplitter>();
      this.#offOutput = this.#process.onOutput((chunk) => {
        if (chunk.custom) return;
        let splitter = splitters.get(chunk.fd);
        if (!splitter) splitters.set(chunk.fd, (splitter = new LineSplitter()));
        if (splitter.push(chunk.data).some((line) => ready.pattern.test(line))) this.#becomeReady();
      });
      return;
    }
    const poll = async (): Promise<void> => {
      if (this.#stopped) return;
      const ok = await runProbe(ready, this.#probeOptions(Math.max(READY_POLL_MS, 1000)));
      if (this.#stopped) return;
      if (ok) this.#becomeReady();
      else this.#timers.push(setTimeout(() => void poll(), READY_POLL_MS));
    };
    void poll();
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.splice(0)) clearTimeout(timer);
    this.#offOutput?.();
    this.#offOutput = undefined;
  }

  #becomeReady(): void {
    if (this.#stopped) return;
    for (const timer of this.#timers.splice(0)) clearTimeout(timer);
    this.#offOutput?.();
    this.#offOutput = undefined;
    this.#hooks.onReady();
    if (this.#policy.health) this.#scheduleHealth(0);
  }

  #scheduleHealth(failures: number): void {
    const health = this.#policy.health;
    if (!health || health.kind === 'line' || this.#stopped) return;
    this.#timers.push(setTimeout(async () => {
      if (this.#stopped) return;
      const ok = await runProbe(health, this.#probeOptions(Math.max(100, Math.min(5000, this.#policy.healthInterval * 1000))));
      if (this.#stopped) return;
      const misses = ok ? 0 : failures + 1;
      if (misses >= this.#policy.healthFailures) {
        this.stop();
        this.#hooks.onFailure('unhealthy', `${misses} failed health checks in a row (${describeCheck(this.#policy, 'health')})`);
        return;
      }
      this.#scheduleHealth(misses);
    }, this.#policy.healthInterval * 1000));
  }

  #probeOptions(timeoutMs: number): { env: Record<string, string>; cwd: string; timeoutMs: number } {
    return { env: this.#process.command.env, cwd: this.#process.command.cwd, timeoutMs };
  }
}

function describeCheck(policy: JobPolicy, which: 'ready' | 'health' = 'ready'): string {
  const check = policy[which];
  if (!check) return 'none';
  switch (check.kind) {
    case 'tcp': return `tcp:${check.host}:${check.port}`;
    case 'http': return check.url;
    case 'cmd': return `cmd:${check.command}`;
    case 'line': return `line:${check.pattern.source}`;
  }
}
