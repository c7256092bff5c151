// Passing process output on as UTF-8 text without decoding it into strings:
// hold back a sequence cut at the end of a read, check the rest in one native
// pass, and replace invalid bytes with U+FFFD only when there are any.
import { isUtf8 } from 'node:buffer';

/** How many bytes at the end of `buf` start a UTF-8 sequence that the next chunk completes. */
export function incompleteUtf8Tail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const byte = buf[buf.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** `bytes` as valid UTF-8: itself when it already is (no copy), else with U+FFFD for each invalid sequence. */
export function toValidUtf8(bytes: Buffer): Buffer {
  return isUtf8(bytes) ? bytes : Buffer.from(bytes.toString('utf8'), 'utf8');
}

/**
 * Chunks of a byte stream → chunks of valid UTF-8 with the same text: a
 * character cut between two chunks is completed by the next one, invalid
 * bytes become U+FFFD (as a UTF-8 decoder with replacement would give).
 */
export class Utf8Chunker {
  #pending: Buffer | undefined;

  /** The valid UTF-8 of `data` (empty when all of it waits for the next chunk). */
  write(data: Buffer): Buffer {
    const bytes = this.#pending ? Buffer.concat([this.#pending, data]) : data;
    const cut = incompleteUtf8Tail(bytes);
    // Copied: the held-back bytes must not pin the whole (up to 64 KiB) read buffer.
    this.#pending = cut > 0 ? Buffer.from(bytes.subarray(bytes.length - cut)) : undefined;
    return toValidUtf8(cut > 0 ? bytes.subarray(0, bytes.length - cut) : bytes);
  }

  /** End of the stream: an unfinished sequence left over is one U+FFFD (empty when none). */
  end(): Buffer {
    const rest = this.#pending;
    this.#pending = undefined;
    return rest ? toValidUtf8(rest) : Buffer.alloc(0);
  }
}
