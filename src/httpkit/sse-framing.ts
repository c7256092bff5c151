// Raw process output as `text/event-stream` events (http-api.md → Feeds):
// `event: <label>\r\ndata: <line>\r\ndata: <line>...\r\n\r\n`, one event per
// chunk. An EventSource client ends a line at `\r\n`, `\n` AND a bare `\r`, so
// every one of them must become a new `data:` line here: a `\r` passed through
// would let output forge fields (`x\revent: forged\rdata: ...`). The text is
// valid UTF-8 (invalid bytes → U+FFFD), as `charset=utf-8` promises.
import { Utf8Chunker } from '../util/utf8.js';

const CR = 13;
const LF = 10;
const DATA = Buffer.from('\r\ndata: ');
const END = Buffer.from('\r\n\r\n');

/** The event stream of one label of raw output: keeps what spans two chunks (a cut character, a `\r` then `\n`). */
export class SseOutputEncoder {
  readonly #utf8 = new Utf8Chunker();
  #afterCr = false;

  /** The event for one chunk, or undefined when the chunk carries nothing to send yet. */
  encode(type: string, data: Buffer): Buffer | undefined {
    let body = this.#utf8.write(data);
    if (body.length === 0) return undefined;
    // `\r` at the end of the previous chunk and `\n` at the start of this one are one line break.
    if (this.#afterCr) {
      this.#afterCr = false;
      if (body[0] === LF) {
        body = body.subarray(1);
        if (body.length === 0) return undefined;
      }
    }
    // One trailing line break ends the event rather than starting an empty line.
    let end = body.length;
    if (body[end - 1] === LF) end -= end > 1 && body[end - 2] === CR ? 2 : 1;
    else if (body[end - 1] === CR) {
      end -= 1;
      this.#afterCr = true;
    }
    return frameEvent(type, body, end);
  }

  /** At the end of the output: a character left unfinished, as U+FFFD (undefined when none). */
  end(type: string): Buffer | undefined {
    const rest = this.#utf8.end();
    return rest.length > 0 ? frameEvent(type, rest, rest.length) : undefined;
  }
}

// Where each line break in body[0, end) starts and where the next line starts (`\r\n` is one
// break), as flat pairs. Each byte is scanned once per kind of break, whatever the number of lines.
function findBreaks(body: Buffer, end: number): number[] {
  const breaks: number[] = [];
  let lf = body.indexOf(LF);
  let cr = body.indexOf(CR);
  let from = 0;
  for (;;) {
    if (lf >= 0 && lf < from) lf = body.indexOf(LF, from);
    if (cr >= 0 && cr < from) cr = body.indexOf(CR, from);
    const at = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    if (at < 0 || at >= end) return breaks;
    from = at === cr && at + 1 < end && body[at + 1] === LF ? at + 2 : at + 1;
    breaks.push(at, from);
  }
}

/**
 * `event: <type>\r\ndata: ...` for body[0, end), each `\r\n`, `\n` or `\r` starting a new data line;
 * one allocation. The body is first copied whole to the end of the output, then each line is moved
 * down into place (copyWithin): copying each line from the body would allocate a view per line,
 * which costs more than the bytes for short lines.
 */
export function frameEvent(type: string, body: Buffer, end: number): Buffer {
  const breaks = findBreaks(body, end);
  const headLength = Buffer.byteLength(type) + 15; // `event: ` + type + `\r\ndata: `
  const size = headLength + end + (breaks.length / 2) * DATA.length + END.length;
  const out = Buffer.allocUnsafe(size);
  let pos = out.write('event: ', 0, 'latin1');
  pos += out.write(type, pos, 'utf8');
  pos += out.write('\r\ndata: ', pos, 'latin1');
  // A line never lands above where it is staged, and the `data: ` after it ends at or below where the
  // next line is staged (each line is staged DATA.length bytes per later line higher): nothing unread is overwritten.
  const staged = size - END.length - end;
  body.copy(out, staged, 0, end);
  let from = 0;
  for (let i = 0; i < breaks.length; i += 2) {
    const at = breaks[i]!;
    out.copyWithin(pos, staged + from, staged + at);
    pos += at - from;
    out.set(DATA, pos);
    pos += DATA.length;
    from = breaks[i + 1]!;
  }
  out.copyWithin(pos, staged + from, staged + end);
  pos += end - from;
  out.set(END, pos);
  return out.subarray(0, pos + END.length);
}
