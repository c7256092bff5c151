import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { signalProcessGroup, waitForGroupExit } from '../util/process-group.js';
import { signalNumber } from '../util/signals.js';
import type { SpawnCommand } from './command.js';
import { watchPipeDrain } from './pipe-drain.js';
import { ProcessInput } from './process-input.js';
import { SPAWN_FAILED_STATUS, type ExitStatus, type ManagedProcessOptions, type OutputChunk, type OutputListener } from './process-types.js';

export type { ExitStatus, ManagedProcessOptions, OutputChunk, OutputListener } from './process-types.js';
export { DEFAULT_STDIN_LIMIT, SPAWN_FAILED_STATUS } from './process-types.js';

/**
 * Owns one OS process: spawns it in its own process group, forwards its
 * output, writes its stdin, stops it gracefully (stop signal to the group,
 * SIGKILL after the graceful timeout) and reports its exit once, after its
 * output pipes have been drained.
 */
export class ManagedProcess {
  readonly pid: number;
  readonly name: string;
  readonly once: boolean;
  /** Instance number inside the job (1-based, lowest free when spawned; 0 for one-off processes). */
  readonly slot: number;
  readonly command: SpawnCommand;
  readonly redirectOutput: string[];
  readonly redirectInput: boolean;
  readonly customStreams: string[];
  readonly detach: boolean;
  readonly createTime: number;
  gracefulTimeout: number;
  /** Set when the manager asked this process to stop: its exit is expected. */
  stopRequested = false;
  /** Set when the manager restarts the process because a check failed: its exit counts as a failure. */
  failure: string | undefined;
  /** Passed its readiness check (true at once for jobs without one). */
  ready = false;
  exit: ExitStatus | undefined;

  readonly #options: ManagedProcessOptions;
  readonly #outputListeners = new Set<OutputListener>();
  readonly #custom = new Map<string, NodeJS.ReadWriteStream>();
  readonly #input: ProcessInput;
  // The output pipes by fd, and how many consumers currently hold each one paused (backpressure).
  readonly #pipes = new Map<number, Readable>();
  readonly #holds = new Map<number, number>();
  // Bytes read from the pipes: after the exit, the drain timeout only ends pipes that make no progress.
  #bytesRead = 0;
  #child: ChildProcess | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #exited: Promise<ExitStatus>;
  #resolveExited!: (status: ExitStatus) => void;

  constructor(options: ManagedProcessOptions) {
    this.#options = options;
    this.pid = options.pid;
    this.name = options.name;
    this.once = options.once;
    this.slot = options.slot;
    this.command = options.command;
    this.redirectOutput = options.redirectOutput;
    this.redirectInput = options.redirectInput;
    this.customStreams = options.customStreams;
    this.detach = options.detach;
    this.gracefulTimeout = options.gracefulTimeout;
    this.createTime = Date.now() / 1000;
    this.#exited = new Promise((resolve) => { this.#resolveExited = resolve; });
    this.#input = new ProcessInput(this, this.#custom, options.stdinLimit, this.#exited);
  }

  /** The OS pid (0 before a successful spawn). */
  get osPid(): number {
    return this.#child?.pid ?? 0;
  }

  /** Bytes of output gafferd has read from the process's pipes (stdout, stderr, custom streams). */
  get outputBytes(): number {
    return this.#bytesRead;
  }

  get active(): boolean {
    return this.#child !== undefined && this.exit === undefined;
  }

  /** Resolves with the exit status once the process has exited and its pipes are drained. */
  get exited(): Promise<ExitStatus> {
    return this.#exited;
  }

  /** Output labels this process can be read from (redirect_output labels, then custom streams). */
  get labels(): string[] {
    return [...new Set([...this.redirectOutput.filter((l) => l !== ''), ...this.customStreams])];
  }

  /**
   * Spawn the OS process. Returns true when it started; otherwise the OS
   * error (ENOENT for a missing binary, EACCES, EPERM for a uid that may not
   * be used...) is passed to `onSpawnError`, synchronously or on the next
   * tick, and `exited` resolves with SPAWN_FAILED_STATUS (so a stop asked in
   * between always settles). `onExit` is called exactly once after a successful spawn.
   */
  spawn(onExit: (status: ExitStatus) => void, onSpawnError: (err: NodeJS.ErrnoException) => void): boolean {
    const o = this.#options;
    const [outLabel, errLabel] = o.redirectOutput;
    const stdio: Array<'pipe' | 'ignore'> = [
      o.redirectInput ? 'pipe' : 'ignore',
      outLabel || o.captureOutput ? 'pipe' : 'ignore',
      errLabel || o.captureOutput ? 'pipe' : 'ignore',
      ...o.customStreams.map(() => 'pipe' as const),
    ];
    let child: ChildProcess;
    try {
      child = spawn(o.command.file, o.command.args, {
        cwd: o.command.cwd,
        env: o.command.env,
        stdio,
        // A new session and process group: signals for gafferd's terminal don't reach it, and a
        // stop can signal the whole group (shell pipelines, workers) at once.
        detached: true,
        uid: o.uid,
        gid: o.gid,
      });
    } catch (err) {
      this.#spawnFailed();
      onSpawnError(err as NodeJS.ErrnoException);
      return false;
    }
    if (child.pid === undefined) {
      // Node reports ENOENT/EACCES/... asynchronously; no exit event will follow.
      child.once('error', (err) => {
        this.#spawnFailed();
        onSpawnError(err as NodeJS.ErrnoException);
      });
      for (const s of child.stdio) (s as Readable | null)?.destroy?.();
      return false;
    }
    this.#child = child;
    child.on('error', () => { /* kill() on a dead process: reported through exit */ });
    this.#wireStreams(child, outLabel, errLabel);
    this.#watchExit(child, onExit);
    return true;
  }

  /** Subscribe to every chunk of output of every label. */
  onOutput(listener: OutputListener): () => void {
    this.#outputListeners.add(listener);
    return () => this.#outputListeners.delete(listener);
  }

  /**
   * Stop reading the pipe of `fd` until the returned release is called
   * (backpressure from a consumer that must not lose output, such as a log
   * file): the child then blocks on write once the kernel pipe buffer is full.
   * Holds nest; the pipe is read again once every hold is released.
   */
  holdOutput(fd: number): () => void {
    const pipe = this.#pipes.get(fd);
    if (!pipe) return () => {};
    const count = this.#holds.get(fd) ?? 0;
    this.#holds.set(fd, count + 1);
    if (count === 0) pipe.pause();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#holds.get(fd) ?? 1) - 1;
      this.#holds.set(fd, left);
      if (left === 0 && !pipe.destroyed) pipe.resume();
    };
  }

  /** Send a signal to the process itself (not its group). */
  kill(signal: NodeJS.Signals | number): void {
    if (!this.active) return;
    try {
      process.kill(this.osPid, signal);
    } catch { /* already gone */ }
  }

  /**
   * Stop gracefully: the stop signal to the process group, then SIGKILL to
   * the group after the graceful timeout. Resolves when the process exited.
   */
  stop(gracefulTimeout = this.gracefulTimeout): Promise<ExitStatus> {
    this.stopRequested = true;
    if (this.active && this.#killTimer === undefined) {
      this.#signalGroup(this.#options.stopSignal);
      this.#killTimer = setTimeout(() => this.#signalGroup('SIGKILL'), gracefulTimeout * 1000);
      this.#killTimer.unref();
    }
    return this.#exited;
  }

  /**
   * Write to stdin (no stream / `stdin`) or to a custom stream. Resolves once
   * the data is handed to the OS; refused with 503 `stdin_full` when the
   * process has not read the previous input yet (see DEFAULT_STDIN_LIMIT).
   */
  write(data: Buffer | string, stream?: string): Promise<void> {
    return this.#input.write(data, stream);
  }

  // A process that never ran: its exit is settled at once, so stop() and waiters never hang.
  #spawnFailed(): void {
    this.exit = SPAWN_FAILED_STATUS;
    this.#outputListeners.clear();
    this.#resolveExited(SPAWN_FAILED_STATUS);
  }

  /** Bytes written to stdin (or `stream`) that the process has not read yet. */
  pendingInput(stream?: string): number {
    return this.#input.pending(stream);
  }

  /** True when a write of `size` bytes would be refused as `stdin_full` now. */
  isInputFull(size: number, stream?: string): boolean {
    return this.#input.isFull(size, stream);
  }

  /** Resolves once the unread input of stdin (or `stream`) has been read, or the process has exited. */
  inputDrained(stream?: string): Promise<void> {
    return this.#input.drained(stream);
  }

  #wireStreams(child: ChildProcess, outLabel: string | undefined, errLabel: string | undefined): void {
    child.stdin?.on('error', () => { /* EPIPE when the process exits: ignored */ });
    this.#input.stdin = child.stdin ?? undefined;
    this.#forward(child.stdout, outLabel, 1);
    this.#forward(child.stderr, errLabel, 2);
    this.#options.customStreams.forEach((label, i) => {
      const stream = child.stdio[3 + i] as unknown as NodeJS.ReadWriteStream | null;
      if (!stream) return;
      this.#custom.set(label, stream);
      (stream as unknown as Readable).on('error', () => {});
      this.#forward(stream as unknown as Readable, label, 3 + i);
    });
  }

  #forward(stream: Readable | null | undefined, label: string | undefined, fd: number): void {
    if (!stream) return;
    stream.on('error', () => { /* reported through exit */ });
    const custom = fd > 2;
    const internal = !label;
    this.#pipes.set(fd, stream);
    stream.on('data', (data: Buffer) => {
      this.#bytesRead += data.length;
      const chunk: OutputChunk = { label: label ?? '', custom, fd, internal, data };
      for (const listener of this.#outputListeners) {
        try {
          listener(chunk, this);
        } catch { /* a failing consumer never breaks the process */ }
      }
    });
  }

  // Exit is reported once the process has exited, its pipes are closed (every byte it wrote is
  // delivered first) and what was left of its process group has been SIGKILLed and is gone, so
  // "stopped" really means nothing of the process runs any more.
  #watchExit(child: ChildProcess, onExit: (status: ExitStatus) => void): void {
    let status: ExitStatus | undefined;
    let done = false;
    let closed = false;
    let groupGone = this.detach;
    let cancelDrain: (() => void) | undefined;
    const finish = (force = false): void => {
      if (done || !status || (!force && (!closed || !groupGone))) return;
      done = true;
      cancelDrain?.();
      if (this.#killTimer) clearTimeout(this.#killTimer);
      for (const s of [child.stdout, child.stderr, ...this.#custom.values()]) (s as Readable | null)?.destroy();
      this.exit = status;
      this.#outputListeners.clear();
      onExit(status);
      this.#resolveExited(status);
    };
    child.once('exit', (code, signal) => {
      status = {
        exitStatus: code ?? 0,
        termSignal: signal ? signalNumber(signal) : 0,
      };
      if (!this.detach) {
        this.#signalGroup('SIGKILL', true);
        void waitForGroupExit(child.pid!).then(() => { groupGone = true; finish(); });
      }
      cancelDrain = watchPipeDrain(() => [...this.#holds.values()].some((n) => n > 0), () => this.#bytesRead, () => finish(true));
      finish();
    });
    child.once('close', () => { closed = true; finish(); });
  }

  #signalGroup(signal: NodeJS.Signals | number, evenIfExited = false): void {
    const pgid = this.osPid;
    if (!pgid || (!evenIfExited && !this.active)) return;
    if (signalProcessGroup(pgid, signal) !== 'sent' && !evenIfExited) {
      try { process.kill(pgid, signal); } catch { /* gone */ }
    }
  }
}
