// The operator's terminal for `gafferd --create-admin-user`: questions on
// stdout, answers read line by line from stdin (piped input works too);
// hidden answers are not echoed on a terminal. End of input, Ctrl-D and
// Ctrl-C end the conversation (the answer is undefined).
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Prompter } from '../../auth/admin-user.js';

export interface TerminalStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { columns?: number };
}

/** A Prompter over a readline interface; `close()` it when done. */
export class TerminalPrompter implements Prompter {
  readonly #output: TerminalStreams['output'];
  readonly #rl: Interface;
  readonly #lines: string[] = [];
  readonly #waiting: Array<(line: string | undefined) => void> = [];
  #ended = false;
  #muted = false;

  constructor(streams: TerminalStreams) {
    this.#output = streams.output;
    // readline echoes what is typed through this stream: muting it hides passwords.
    const echo = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (!this.#muted) this.#output.write(chunk);
        done();
      },
    });
    Object.defineProperty(echo, 'columns', { get: () => this.#output.columns ?? 80 });
    this.#rl = createInterface({ input: streams.input, output: echo, terminal: streams.input.isTTY === true });
    this.#rl.on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
    });
    this.#rl.on('SIGINT', () => this.#rl.close());
    this.#rl.on('close', () => {
      this.#ended = true;
      for (const waiter of this.#waiting.splice(0)) waiter(undefined);
    });
  }

  async ask(question: string, options: { hidden?: boolean } = {}): Promise<string | undefined> {
    this.#output.write(question);
    const answer = await this.#nextLine(options.hidden === true);
    // A hidden answer left the cursor after the question; an ended input left no newline either.
    if (options.hidden || answer === undefined) this.#output.write('\n');
    return answer;
  }

  async #nextLine(hidden: boolean): Promise<string | undefined> {
    const queued = this.#lines.shift();
    if (queued !== undefined || this.#ended) return queued;
    this.#muted = hidden;
    try {
      return await new Promise<string | undefined>((resolve) => this.#waiting.push(resolve));
    } finally {
      this.#muted = false;
    }
  }

  say(line: string): void {
    this.#output.write(`${line}\n`);
  }

  close(): void {
    this.#rl.close();
  }
}
