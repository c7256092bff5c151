// The in-process supervisor of `gaffer start` and `gaffer run`: a private
// Manager, console output labelled per instance (`web.1`), signal handling
// and the exit status. Imported dynamically so other commands never load core/.
import { ConsoleOutput } from '../../apps/console-output.js';
import type { JobConfig } from '../../core/job-config.js';
import type { ManagedProcess } from '../../core/managed-process.js';
import { Manager } from '../../core/manager.js';
import { LOCAL_CONSOLE_EVENTS, type EventPayload } from '../../protocol/events.js';
import { parseJobName } from '../../util/names.js';
import { signalNumber } from '../../util/signals.js';
import type { CliIo } from '../shared/io.js';
import { legacyEventsOf } from '../../legacy/legacy-events.js';

export interface LocalRunOptions {
  io: CliIo;
  color: boolean;
  /** Print the output of the processes (dev:* without -v: no). */
  showOutput: boolean;
  /** Seconds between SIGTERM and SIGKILL when stopping. */
  gracefulTimeout: number;
}

/** One Procfile type to supervise: its config and base PORT (instance k gets port + k - 1). */
export interface ForegroundJob { config: JobConfig; port?: number }

/**
 * `gaffer start`: supervise the jobs until SIGINT/SIGTERM/SIGQUIT, then stop
 * everything gracefully. Exit status: 0 when every process ended because we
 * stopped it, 1 when a process exited on its own with a non-zero status or a
 * signal (or could not be spawned) during the run.
 */
export async function runForeground(jobs: readonly ForegroundJob[], options: LocalRunOptions): Promise<number> {
  const session = new LocalSession(options, (proc) => `${shortName(proc.name)}.${proc.slot}`);
  await session.start();
  for (const job of jobs) {
    const port = job.port;
    session.manager.load({ ...job.config, graceful_timeout: options.gracefulTimeout }, {
      instanceEnv: port === undefined ? undefined : (slot) => ({ PORT: String(port + slot - 1) }),
    });
  }
  await session.untilSignal();
  await session.stop();
  return session.failed ? 1 : 0;
}

/**
 * `gaffer run`: `copies` one-off processes of one command, not restarted.
 * Resolves when all have exited: 0 when all exited with status 0, else 1.
 */
export async function runOnce(config: JobConfig, copies: number, label: string, options: LocalRunOptions): Promise<number> {
  const labels = new Map<number, string>();
  const session = new LocalSession(options, (proc) => labels.get(proc.pid) ?? label);
  await session.start();
  session.manager.load({ ...config, graceful_timeout: options.gracefulTimeout }, { start: false });
  let remaining = copies;
  let allZero = true;
  const finished = new Promise<void>((resolve) => {
    session.manager.events.subscribe('exit', (_type, payload) => {
      if (payload.once !== true) return;
      if (payload.exit_status !== 0 || payload.term_signal !== 0) allZero = false;
      if (--remaining === 0) resolve();
    });
  });
  try {
    for (let i = 1; i <= copies; i++) {
      const pid = await session.manager.commit(config.name);
      labels.set(pid, copies === 1 ? label : `${label}.${i}`);
    }
  } catch (err) {
    await session.stop();
    // A spawn failure was already reported by the manager's logger (with the hint).
    if ((err as { code?: unknown }).code === 'GAFFER_ERR_PROCESS_SPAWN') return 1;
    throw err;
  }
  await Promise.race([finished, session.untilSignal()]);
  await session.stop();
  return allZero && remaining === 0 ? 0 : 1;
}

// A Manager with console output, the event printer and signal handling.
class LocalSession {
  readonly manager: Manager;
  readonly #options: LocalRunOptions;
  readonly #console: ConsoleOutput;
  readonly #labelFor: (proc: ManagedProcess) => string;
  readonly #labels = new Map<number, string>();
  #stopping = false;
  #failed = false;
  #offSignal: (() => void) | undefined;

  constructor(options: LocalRunOptions, labelFor: (proc: ManagedProcess) => string) {
    this.#options = options;
    this.#labelFor = labelFor;
    const say = (message: string): void => { options.io.stderr.write(`gaffer: ${message}\n`); };
    this.manager = new Manager({ logger: { debug() {}, info() {}, warn: say, error: say } });
    // ConsoleOutput only calls write(): the injected stdout is enough.
    this.#console = new ConsoleOutput({ output: options.io.stdout, events: [], streams: options.showOutput, color: options.color, labelFor });
  }

  /** True when a process failed on its own (exit status or signal) or could not be spawned before the stop. */
  get failed(): boolean {
    return this.#failed;
  }

  async start(): Promise<void> {
    await this.manager.start([this.#console]);
    const print = (type: string, payload: EventPayload): void => this.#printEvent(type, payload);
    for (const pattern of LOCAL_CONSOLE_EVENTS) legacyEventsOf(this.manager).subscribe(pattern, print);
    this.manager.events.subscribe('exit', (_type, payload) => {
      if (!this.#stopping && payload.once !== true && (payload.exit_status !== 0 || payload.term_signal !== 0)) this.#failed = true;
    });
    this.manager.events.subscribe('spawn_error', () => { if (!this.#stopping) this.#failed = true; });
  }

  /** Resolves on the first SIGINT/SIGTERM/SIGQUIT; a second one kills every process at once. */
  untilSignal(): Promise<void> {
    return new Promise((resolve) => {
      this.#offSignal?.();
      this.#offSignal = this.#options.io.onSignal((signal) => {
        if (this.#stopping) {
          this.#options.io.stderr.write(`gaffer: ${signal} received again: killing every process now\n`);
          for (const pid of this.manager.pids()) {
            try {
              this.manager.kill(pid, signalNumber('SIGKILL'));
            } catch { /* exited meanwhile */ }
          }
          return;
        }
        this.#stopping = true;
        this.#options.io.stderr.write(`gaffer: ${signal} received: stopping every process ` +
          `(SIGKILL after ${this.#options.gracefulTimeout} s; ${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again kills them now)\n`);
        resolve();
      });
    });
  }

  /** Stop every process gracefully (idempotent) and stop listening to signals afterwards. */
  async stop(): Promise<void> {
    this.#stopping = true;
    // Listening now means a signal during the stop kills at once.
    if (!this.#offSignal) void this.untilSignal();
    await this.manager.stop();
    this.#offSignal?.();
  }

  // events.md → Console output, labelled per instance like the output lines.
  #printEvent(type: string, payload: EventPayload): void {
    const pid = Number(payload.pid);
    let label = this.#labels.get(pid);
    if (label === undefined) {
      try {
        label = this.#labelFor(this.manager.getProcess(pid));
      } catch {
        label = String(payload.name ?? '');
      }
      this.#labels.set(pid, label);
    }
    if (type === 'exit') this.#labels.delete(pid);
    const text = typeof payload.os_pid === 'number'
      ? (type === 'spawn' ? `spawn process with pid ${payload.os_pid}` : `${type} process with pid ${payload.os_pid}`)
      : `${type} ${String(payload.name ?? '')}`;
    this.#console.print(label, text);
  }
}

function shortName(full: string): string {
  return parseJobName(full).name;
}
