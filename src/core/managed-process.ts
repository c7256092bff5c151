import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { NotFoundError, ForbiddenError, GafferError } from '../errors.js';
import { signalProcessGroup, waitForGroupExit } from '../util/process-group.js';
import type { SpawnCommand } from './command.js';

/** A chunk of output read from one of a process's streams. */
export interface OutputChunk {
  /** The stream label (a `redirect_output` label or a custom stream name). */
  label: string;
  /** True for a custom stream (events of type `READ`). */
  custom: boolean;
  /** The child's file descriptor it came from (1 stdout, 2 stderr, 3+ custom streams). */
  fd: number;
  /**
   * Captured only for gafferd's own use (log files, readiness patterns): the stream has no
   * `redirect_output` label, so it is not published to API subscribers.
   */
  internal: boolean;
  data: Buffer;
}

export type OutputListener = (chunk: OutputChunk, process: ManagedProcess) => void;

export interface ExitStatus {
  exitStatus: number;
  termSignal: number;
}

export interface ManagedProcessOptions {
  pid: number;
  /** Full job name (`session.name`). */
  name: string;
  command: SpawnCommand;
  uid: number | undefined;
  gid: number | undefined;
  redirectOutput: string[];
  redirectInput: boolean;
  customStreams: string[];
  detach: boolean;
  once: boolean;
  /** Pipe stdout/stderr even without a `redirect_output` label (for log files and readiness patterns). */
  captureOutput?: boolean;
  /** Instance number inside the job (1-based, lowest free; 0 for one-off processes). */
  slot: number;
  gracefulTimeout: number;
  stopSignal: NodeJS.Signals | number;
  /** Bound of the unread input per stream (default DEFAULT_STDIN_LIMIT). */
  stdinLimit?: number;
}

/** The exit status reported for a process whose spawn failed (the shell's "command not found"). */
export const SPAWN_FAILED_STATUS: ExitStatus = Object.freeze({ exitStatus: 127, termSignal: 0 });

/**
 * Bytes written to a process's stdin (or a custom stream) and not read by it
 * yet, beyond which further writes are refused (503 `stdin_full`) or, for
 * websocket writers, held back (the socket is paused until the process reads).
 * A write into an empty queue is always taken (the transports bound its size).
 */
export const DEFAULT_STDIN_LIMIT = 1024 * 1024;

/** How long to wait, after the process exited, for its pipes to drain before giving up on them. */
const PIPE_DRAIN_TIMEOUT_MS = 2000;
/** The longest wait for pipes held by a consumer that is still catching up. */
const PIPE_DRAIN_MAX_MS = 30_000;

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
    const writable = this.#inputTarget(stream);
    if (!writable || !this.active) {
      return Promise.reject(new GafferError('GAFFER_ERR_PROCESS_EXITED', 410, 'process_exited', `process ${this.pid} (${this.name}) has exited`));
    }
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.#isFull(writable, size)) {
      return Promise.reject(new GafferError('GAFFER_ERR_STDIN_FULL', 503, 'stdin_full',
        `process ${this.pid} (${this.name}) has not read the ${writable.writableLength} bytes of input already sent ` +
        `(limit ${this.#stdinLimit} bytes): retry once it has read them`));
    }
    return new Promise((resolve, reject) => {
      writable.write(data, (err) => (err ? reject(new GafferError('GAFFER_ERR_WRITE_FAILED', 500, 'EIO', `writing to process ${this.pid} failed: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  // A process that never ran: its exit is settled at once, so stop() and waiters never hang.
  #spawnFailed(): void {
    this.exit = SPAWN_FAILED_STATUS;
    this.#outputListeners.clear();
    this.#resolveExited(SPAWN_FAILED_STATUS);
  }

  /** Bytes written to stdin (or `stream`) that the process has not read yet. */
  pendingInput(stream?: string): number {
    return this.#inputTarget(stream)?.writableLength ?? 0;
  }

  /** True when a write of `size` bytes would be refused as `stdin_full` now. */
  isInputFull(size: number, stream?: string): boolean {
    const writable = this.#inputTarget(stream);
    return writable !== undefined && this.active && this.#isFull(writable, size);
  }

  /** Resolves once the unread input of stdin (or `stream`) has been read, or the process has exited. */
  inputDrained(stream?: string): Promise<void> {
    const writable = this.#inputTarget(stream);
    if (!writable || !this.active || writable.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      // 'drain' comes only after a write found the buffer past its high-water mark; below it, poll.
      const poll = writable.writableNeedDrain ? undefined : setInterval(() => {
        if (writable.writableLength === 0 || !this.active) done();
      }, 20);
      const done = (): void => {
        clearInterval(poll);
        writable.off('drain', done);
        writable.off('close', done);
        resolve();
      };
      writable.on('drain', done);
      writable.on('close', done);
      void this.#exited.then(done);
    });
  }

  get #stdinLimit(): number {
    return this.#options.stdinLimit ?? DEFAULT_STDIN_LIMIT;
  }

  #isFull(writable: Writable, size: number): boolean {
    const pending = writable.writableLength;
    return pending > 0 && pending + size > this.#stdinLimit;
  }

  // The writable behind stdin or a custom stream (undefined once gone); 403/404 for a stream that cannot be written.
  #inputTarget(stream: string | undefined): Writable | undefined {
    if (stream === undefined || stream === 'stdin') {
      if (!this.redirectInput) {
        throw new ForbiddenError('forbidden_write', `process ${this.pid} (${this.name}) does not accept input: its job has redirect_input = false`);
      }
      return this.#child?.stdin ?? undefined;
    }
    const target = this.#custom.get(stream);
    if (!target) throw new NotFoundError('stream_not_found', `process ${this.pid} (${this.name}) has no stream '${stream}'`);
    return target as unknown as Writable;
  }

  #wireStreams(child: ChildProcess, outLabel: string | undefined, errLabel: string | undefined): void {
    child.stdin?.on('error', () => { /* EPIPE when the process exits: ignored */ });
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
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = (force = false): void => {
      if (done || !status || (!force && (!closed || !groupGone))) return;
      done = true;
      if (drainTimer) clearTimeout(drainTimer);
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
        termSignal: signal ? signalToNumber(signal) : 0,
      };
      if (!this.detach) {
        this.#signalGroup('SIGKILL', true);
        void waitForGroupExit(child.pid!).then(() => { groupGone = true; finish(); });
      }
      // A pipe held by a consumer that is catching up (a log file on a slow disk) is waited for while
      // output still moves, up to PIPE_DRAIN_MAX_MS; pipes kept open by a grandchild, or held by a
      // consumer that takes nothing (an unread FIFO), are ended after PIPE_DRAIN_TIMEOUT_MS as before.
      const deadline = Date.now() + PIPE_DRAIN_MAX_MS;
      let readAtCheck = -1;
      const check = (): void => {
        const held = [...this.#holds.values()].some((n) => n > 0);
        if (readAtCheck !== -1 && (!held || this.#bytesRead === readAtCheck || Date.now() >= deadline)) {
          finish(true);
          return;
        }
        readAtCheck = this.#bytesRead;
        drainTimer = setTimeout(check, PIPE_DRAIN_TIMEOUT_MS);
        drainTimer.unref();
      };
      check();
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

function signalToNumber(signal: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number>)[signal] ?? 0;
}
