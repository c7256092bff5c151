// Questions on the operator's terminal (cli.md → Conventions). Confirmations:
// `<question> [y]|n: `; empty answer or end of input = yes; y/n in any case;
// anything else asks again. Values (`username: `, `password: `): one line,
// undefined at end of input; hidden answers are not echoed on a terminal.
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from '../../util/lines.js';
import type { CliIo } from '../shared/io.js';

/** stdin as a terminal: raw mode turns the echo (and line editing) off. */
interface TerminalInput {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

// Keys handled while a hidden answer is typed in raw mode.
const ENTER = new Set(['\r', '\n']);
const ABORT = new Set(['\u0003', '\u0004']); // Ctrl-C, Ctrl-D
const ERASE = new Set(['\u007f', '\b']);
const KILL_LINE = '\u0015'; // Ctrl-U

export class Prompter {
  readonly #io: CliIo;
  readonly #skip: boolean;
  readonly #lines: string[] = [];
  readonly #waiting: Array<() => void> = [];
  #listening = false;
  #eof = false;
  // While a hidden answer is typed on a terminal, raw input goes here instead of the line splitter.
  #raw: ((text: string) => void) | undefined;

  /** `skip` (`--no-input`): every confirmation is answered yes without asking. */
  constructor(io: CliIo, skip: boolean) {
    this.#io = io;
    this.#skip = skip;
  }

  /** Ask until the answer is yes or no. */
  async confirm(question: string): Promise<boolean> {
    if (this.#skip) return true;
    for (;;) {
      this.#io.stdout.write(`${question} [y]|n: `);
      const answer = await this.#readLine();
      // Without a terminal the answer is not echoed: end the prompt line ourselves.
      if (answer === undefined || !this.#isTerminal) this.#io.stdout.write('\n');
      const text = (answer ?? '').trim().toLowerCase();
      if (text === '' || text === 'y' || text === 'yes') return true;
      if (text === 'n' || text === 'no') return false;
      this.#io.stdout.write('please enter y or n.\n');
    }
  }

  /**
   * Ask for a value; resolves with the line typed (without its newline), or
   * undefined when the input ended (EOF; Ctrl-C/Ctrl-D while a hidden answer
   * is typed). `hidden`: the answer is not echoed on a terminal (passwords).
   */
  async ask(question: string, options: { hidden?: boolean } = {}): Promise<string | undefined> {
    this.#io.stdout.write(question);
    const hidden = options.hidden === true;
    const answer = hidden && this.#isTerminal && this.#lines.length === 0 && !this.#eof
      ? await this.#readHidden()
      : await this.#readLine();
    // A terminal echoed the newline of a visible answer; nothing else did.
    if (answer === undefined || hidden || !this.#isTerminal) this.#io.stdout.write('\n');
    return answer;
  }

  get #isTerminal(): boolean {
    return (this.#io.stdin as TerminalInput).isTTY === true;
  }

  /** The next line of stdin, or undefined at end of input. */
  async #readLine(): Promise<string | undefined> {
    this.#listen();
    while (this.#lines.length === 0 && !this.#eof) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    const line = this.#lines.shift();
    if (this.#lines.length === 0) this.#io.stdin.pause();
    return line;
  }

  // A line typed on a terminal in raw mode, so nothing is echoed; Enter ends it, Ctrl-C/Ctrl-D abort it.
  async #readHidden(): Promise<string | undefined> {
    const input = this.#io.stdin as TerminalInput;
    if (typeof input.setRawMode !== 'function') return this.#readLine();
    this.#listen();
    input.setRawMode(true);
    let typed = '';
    try {
      return await new Promise<string | undefined>((resolve) => {
        this.#raw = (text) => {
          for (const ch of text) {
            if (ENTER.has(ch)) return resolve(typed);
            if (ABORT.has(ch)) return resolve(undefined);
            if (ERASE.has(ch)) typed = [...typed].slice(0, -1).join('');
            else if (ch === KILL_LINE) typed = '';
            else if (ch >= ' ') typed += ch;
          }
        };
        this.#waiting.push(() => { if (this.#eof) resolve(undefined); });
      });
    } finally {
      this.#raw = undefined;
      input.setRawMode(false);
      this.#io.stdin.pause();
    }
  }

  #listen(): void {
    this.#io.stdin.resume();
    if (this.#listening) return;
    this.#listening = true;
    const splitter = new LineSplitter();
    const decoder = new StringDecoder('utf8');
    const wake = (): void => { for (const w of this.#waiting.splice(0)) w(); };
    this.#io.stdin.on('data', (chunk: Buffer | string) => {
      if (this.#raw) {
        this.#raw(typeof chunk === 'string' ? chunk : decoder.write(chunk));
        return;
      }
      this.#lines.push(...splitter.push(chunk));
      wake();
    });
    this.#io.stdin.once('end', () => {
      this.#lines.push(...splitter.end());
      this.#eof = true;
      wake();
    });
    this.#io.stdin.once('error', () => {
      this.#eof = true;
      wake();
    });
  }
}
