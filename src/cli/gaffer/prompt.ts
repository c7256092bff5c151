// Confirmation prompts (cli.md → Conventions): `<question> [y]|n: `; empty
// answer or end of input = yes; y/n in any case; anything else asks again.
import { LineSplitter } from '../../util/lines.js';
import type { CliIo } from '../gafferctl/io.js';

export class Prompter {
  readonly #io: CliIo;
  readonly #skip: boolean;
  readonly #lines: string[] = [];
  readonly #waiting: Array<() => void> = [];
  #listening = false;
  #eof = false;

  /** `skip` (`--no-input`): every question is answered yes without asking. */
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
      if (answer === undefined || !(this.#io.stdin as { isTTY?: boolean }).isTTY) this.#io.stdout.write('\n');
      const text = (answer ?? '').trim().toLowerCase();
      if (text === '' || text === 'y' || text === 'yes') return true;
      if (text === 'n' || text === 'no') return false;
      this.#io.stdout.write('please enter y or n.\n');
    }
  }

  /** The next line of stdin, or undefined at end of input. */
  async #readLine(): Promise<string | undefined> {
    this.#listen();
    while (this.#lines.length === 0 && !this.#eof) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    const line = this.#lines.shift();
    if (this.#lines.length === 0) this.#io.stdin.pause();
    return line;
  }

  #listen(): void {
    this.#io.stdin.resume();
    if (this.#listening) return;
    this.#listening = true;
    const splitter = new LineSplitter();
    const wake = (): void => { for (const w of this.#waiting.splice(0)) w(); };
    this.#io.stdin.on('data', (chunk: Buffer | string) => {
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
