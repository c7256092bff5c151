import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; longer runs are emitted in pieces of this size. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Split a byte stream into text lines across reads without breaking UTF-8
 * sequences or lines at chunk boundaries. Memory is bounded by maxLine.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #maxLine: number;
  #partial = '';

  constructor(maxLine = MAX_LINE_LENGTH) {
    this.#maxLine = maxLine;
  }

  /** Feed a chunk; returns the complete lines it finished (without `\n`/`\r\n`). */
  push(chunk: Buffer | string): string[] {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    const lines = parts.map(stripCr);
    while (this.#partial.length > this.#maxLine) {
      lines.push(this.#partial.slice(0, this.#maxLine));
      this.#partial = this.#partial.slice(this.#maxLine);
    }
    return lines;
  }

  /** Flush what is left at end of stream (a last line without newline). */
  end(): string[] {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    return rest.length > 0 ? [stripCr(rest)] : [];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
