// The input side of a ManagedProcess (core/managed-process.ts): writes to its
// stdin or custom streams, bounded by what the process has not read yet
// (DEFAULT_STDIN_LIMIT): a write past it is refused (503 `stdin_full`), and
// websocket writers wait for `drained` before reading more from their socket.
import type { Writable } from 'node:stream';
import { ForbiddenError, GafferError, NotFoundError } from '../errors.js';
import { DEFAULT_STDIN_LIMIT, type ExitStatus } from './process-types.js';

/** What the input side needs to know of its process. */
export interface InputOwner {
  readonly pid: number;
  readonly name: string;
  readonly redirectInput: boolean;
  readonly active: boolean;
}

export class ProcessInput {
  /** The child's stdin once spawned (undefined before, and when stdin is not redirected). */
  stdin: Writable | undefined;
  readonly #owner: InputOwner;
  readonly #custom: Map<string, NodeJS.ReadWriteStream>;
  readonly #limit: number;
  readonly #exited: Promise<ExitStatus>;

  constructor(owner: InputOwner, custom: Map<string, NodeJS.ReadWriteStream>, limit: number | undefined, exited: Promise<ExitStatus>) {
    this.#owner = owner;
    this.#custom = custom;
    this.#limit = limit ?? DEFAULT_STDIN_LIMIT;
    this.#exited = exited;
  }

  write(data: Buffer | string, stream?: string): Promise<void> {
    const { pid, name } = this.#owner;
    const writable = this.#target(stream);
    if (!writable || !this.#owner.active) {
      return Promise.reject(new GafferError('GAFFER_ERR_PROCESS_EXITED', 410, 'process_exited', `process ${pid} (${name}) has exited`));
    }
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.#isFull(writable, size)) {
      return Promise.reject(new GafferError('GAFFER_ERR_STDIN_FULL', 503, 'stdin_full',
        `process ${pid} (${name}) has not read the ${writable.writableLength} bytes of input already sent ` +
        `(limit ${this.#limit} bytes): retry once it has read them`));
    }
    return new Promise((resolve, reject) => {
      writable.write(data, (err) => (err ? reject(new GafferError('GAFFER_ERR_WRITE_FAILED', 500, 'EIO', `writing to process ${pid} failed: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  pending(stream?: string): number {
    return this.#target(stream)?.writableLength ?? 0;
  }

  isFull(size: number, stream?: string): boolean {
    const writable = this.#target(stream);
    return writable !== undefined && this.#owner.active && this.#isFull(writable, size);
  }

  drained(stream?: string): Promise<void> {
    const writable = this.#target(stream);
    if (!writable || !this.#owner.active || writable.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      // 'drain' comes only after a write found the buffer past its high-water mark; below it, poll.
      const poll = writable.writableNeedDrain ? undefined : setInterval(() => {
        if (writable.writableLength === 0 || !this.#owner.active) done();
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

  #isFull(writable: Writable, size: number): boolean {
    const pending = writable.writableLength;
    return pending > 0 && pending + size > this.#limit;
  }

  // The writable behind stdin or a custom stream (undefined once gone); 403/404 for a stream that cannot be written.
  #target(stream: string | undefined): Writable | undefined {
    const { pid, name } = this.#owner;
    if (stream === undefined || stream === 'stdin') {
      if (!this.#owner.redirectInput) {
        throw new ForbiddenError('forbidden_write', `process ${pid} (${name}) does not accept input: its job has redirect_input = false`);
      }
      return this.stdin;
    }
    const target = this.#custom.get(stream);
    if (!target) throw new NotFoundError('stream_not_found', `process ${pid} (${name}) has no stream '${stream}'`);
    return target as unknown as Writable;
  }
}
