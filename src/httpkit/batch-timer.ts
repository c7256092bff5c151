// When to write what a streaming endpoint (feed, websocket) has gathered.
// Output that comes now and then goes out at the end of the current turn of
// the event loop, as before. During a flood a process's pipe is read every few
// kilobytes, and writing each read costs a system call, a TCP segment and a
// wake-up of the client, which cost more than the bytes themselves: so once a
// write has just happened, the next one waits until BURST_INTERVAL_MS after it
// (or until BURST_MAX_BYTES are waiting), and a flood becomes a few large
// writes per millisecond instead of one per read.

/** After a write, the next one waits at least this long (unless BURST_MAX_BYTES are waiting). */
export const BURST_INTERVAL_MS = 1;
/** A batch this large is written at the end of the turn, without waiting for BURST_INTERVAL_MS. */
export const BURST_MAX_BYTES = 256 * 1024;

/** Schedules one flush at a time: at the end of this turn when idle, at most every BURST_INTERVAL_MS during a burst. */
export class BatchTimer {
  readonly #flush: () => void;
  #immediate: NodeJS.Immediate | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastFlush = -Infinity;

  constructor(flush: () => void) {
    this.#flush = flush;
  }

  /** Ask for a flush of the `waiting` bytes gathered so far (no-op when one is already due soon enough). */
  schedule(waiting: number): void {
    if (this.#immediate) return;
    if (waiting < BURST_MAX_BYTES && performance.now() - this.#lastFlush < BURST_INTERVAL_MS) {
      this.#timer ??= setTimeout(this.#run, BURST_INTERVAL_MS);
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#immediate = setImmediate(this.#run);
  }

  /** Forget a scheduled flush (the caller flushes itself, or discards what was gathered). */
  cancel(): void {
    if (this.#immediate) clearImmediate(this.#immediate);
    if (this.#timer) clearTimeout(this.#timer);
    this.#immediate = undefined;
    this.#timer = undefined;
  }

  /** Note a flush made by the caller itself (the next burst waits after it too). */
  flushed(): void {
    this.cancel();
    this.#lastFlush = performance.now();
  }

  readonly #run = (): void => {
    this.flushed();
    this.#flush();
  };
}
