// The vocabulary of one OS process under gafferd (core/managed-process.ts): its
// output chunks and listeners, its exit status, how it is spawned, the stdin bound.
import type { SpawnCommand } from './command.js';
import type { ManagedProcess } from './managed-process.js';

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
