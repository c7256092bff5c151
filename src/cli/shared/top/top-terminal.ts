// The terminal under `gafferctl top`: alternate screen, hidden cursor, raw
// keys (decoded by top-keys), resize events, whole-frame redraws with
// raw ANSI escapes, and an idempotent restore that also runs on process exit
// so an error never leaves the terminal in raw mode.
import { StringDecoder } from 'node:string_decoder';
import type { CliIo, OutputStream } from '../io.js';
import { decodeKeys, type Keypress } from './top-keys.js';
import type { ScreenSize } from './top-render.js';

interface TtyIn extends NodeJS.ReadableStream { isTTY?: boolean; setRawMode?(mode: boolean): unknown; isRaw?: boolean }
interface TtyOut extends OutputStream { columns?: number; rows?: number; on?(event: 'resize', listener: () => void): unknown; off?(event: 'resize', listener: () => void): unknown }

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[0m\x1b[?1049l\x1b[?25h';

export class TopTerminal {
  readonly #stdin: TtyIn;
  readonly #stdout: TtyOut;
  #entered = false;
  #wasRaw = false;
  #onData: ((chunk: Buffer | string) => void) | undefined;
  #onResize: (() => void) | undefined;
  readonly #restoreOnExit = (): void => this.restore();

  constructor(io: CliIo) {
    this.#stdin = io.stdin as TtyIn;
    this.#stdout = io.stdout as TtyOut;
  }

  /** Both ends are terminals and keys can be read one by one. */
  static isInteractive(io: CliIo): boolean {
    const stdin = io.stdin as TtyIn;
    return io.stdout.isTTY === true && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  }

  size(): ScreenSize {
    return { columns: this.#stdout.columns ?? 80, rows: this.#stdout.rows ?? 24 };
  }

  /** Switch to the full-screen mode and start delivering keys and resizes. */
  enter(onKey: (text: string | undefined, key: Keypress | undefined) => void, onResize: () => void): void {
    if (this.#entered) return;
    this.#entered = true;
    process.once('exit', this.#restoreOnExit);
    this.#wasRaw = this.#stdin.isRaw === true;
    this.#stdin.setRawMode?.(true);
    const decoder = new StringDecoder('utf8');
    this.#onData = (chunk) => {
      for (const { text, key } of decodeKeys(typeof chunk === 'string' ? chunk : decoder.write(chunk))) onKey(text, key);
    };
    this.#onResize = onResize;
    this.#stdin.on('data', this.#onData);
    this.#stdout.on?.('resize', onResize);
    this.#stdin.resume();
    this.#stdout.write(ENTER);
  }

  /** Draw a whole frame: each line from the top-left corner, the rest of the screen cleared. */
  draw(lines: string[]): void {
    if (!this.#entered) return;
    this.#stdout.write(`\x1b[H${lines.map((line) => `${line}\x1b[K`).join('\r\n')}\x1b[J`);
  }

  /** Leave the full-screen mode and give the terminal back as it was (idempotent). */
  restore(): void {
    if (!this.#entered) return;
    this.#entered = false;
    process.off('exit', this.#restoreOnExit);
    if (this.#onData) this.#stdin.off('data', this.#onData);
    if (this.#onResize) this.#stdout.off?.('resize', this.#onResize);
    this.#stdin.setRawMode?.(this.#wasRaw);
    this.#stdin.pause();
    this.#stdout.write(LEAVE);
  }
}
