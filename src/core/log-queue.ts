// The in-memory queue of a LogFile (core/log-file.ts): chunks of output and
// barriers (flush/reopen/close markers), in order, with the bytes they hold.
// The head advances by index; the array is compacted once most of it is consumed
// (no O(n) shift per chunk).

/** A barrier in the write queue: resolved once every chunk queued before it is written. */
export interface Marker {
  reopen: boolean;
  resolve: () => void;
}

export type Entry = Buffer | Marker;

export class LogQueue {
  #entries: Array<Entry | undefined> = [];
  #head = 0;
  #bytes = 0;
  #markers = 0;

  /** Bytes of output queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Barriers queued (someone awaits a flush, reopen or close). */
  get markers(): number {
    return this.#markers;
  }

  get empty(): boolean {
    return this.#head >= this.#entries.length;
  }

  /** The oldest entry (undefined when empty). */
  peek(): Entry | undefined {
    return this.empty ? undefined : this.#entries[this.#head];
  }

  push(entry: Entry): void {
    this.#entries.push(entry);
    if (Buffer.isBuffer(entry)) this.#bytes += entry.length;
    else this.#markers += 1;
  }

  /** Remove the oldest entry, a marker (the caller resolves it). */
  takeMarker(): Marker {
    const entry = this.#entries[this.#head] as Marker;
    this.#shift();
    this.#markers -= 1;
    return entry;
  }

  /**
   * The chunks at the head up to the next marker, at most `maxChunks` of them and `maxBytes`
   * (the first one always), while `fits(total)` allows adding the next one.
   */
  batch(maxChunks: number, maxBytes: number, fits: (total: number) => boolean): { chunks: Buffer[]; bytes: number } {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for (let i = this.#head; i < this.#entries.length && chunks.length < maxChunks; i++) {
      const entry = this.#entries[i]!;
      if (!Buffer.isBuffer(entry)) break;
      if (chunks.length > 0 && (bytes + entry.length > maxBytes || !fits(bytes + entry.length))) break;
      chunks.push(entry);
      bytes += entry.length;
    }
    return { chunks, bytes };
  }

  /** Remove `bytes` from the front of the queue (a partly written chunk keeps its tail). */
  consume(bytes: number): void {
    this.#bytes -= bytes;
    let left = bytes;
    while (left > 0) {
      const head = this.#entries[this.#head] as Buffer;
      if (head.length <= left) {
        left -= head.length;
        this.#shift();
      } else {
        this.#entries[this.#head] = head.subarray(left);
        left = 0;
      }
    }
  }

  /** Remove the chunks ahead of the next marker; returns their bytes. */
  discardUntilMarker(): number {
    let bytes = 0;
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head]!;
      if (!Buffer.isBuffer(entry)) break;
      bytes += entry.length;
      this.#shift();
    }
    this.#bytes -= bytes;
    return bytes;
  }

  #shift(): void {
    this.#entries[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
