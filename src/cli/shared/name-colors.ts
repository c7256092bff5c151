// Per-name colours of event lines (events.md → Console output): cyan,
// yellow, green, magenta, red, blue, then their bright versions, in
// first-seen order. Used by `gafferctl watch` and `gaffer logs`/`ps`.
import type { ChalkInstance } from 'chalk';

const ROTATION = ['cyan', 'yellow', 'green', 'magenta', 'red', 'blue',
  'cyanBright', 'yellowBright', 'greenBright', 'magentaBright', 'redBright', 'blueBright'] as const;

/** Gives each name the next colour of the rotation; identity when disabled. */
export class NameColors {
  readonly #chalk: ChalkInstance | undefined;
  readonly #byName = new Map<string, (typeof ROTATION)[number]>();

  private constructor(chalk: ChalkInstance | undefined) {
    this.#chalk = chalk;
  }

  /** chalk is loaded only when colours are on (it costs start-up time). */
  static async create(enabled: boolean): Promise<NameColors> {
    if (!enabled) return new NameColors(undefined);
    const { Chalk } = await import('chalk');
    return new NameColors(new Chalk({ level: 1 }));
  }

  /** `text` in the colour of `name`. */
  paint(name: string, text: string): string {
    if (!this.#chalk) return text;
    let style = this.#byName.get(name);
    if (!style) {
      style = ROTATION[this.#byName.size % ROTATION.length]!;
      this.#byName.set(name, style);
    }
    return this.#chalk[style](text);
  }

  /** Bold text (headers), when enabled. */
  bold(text: string): string {
    return this.#chalk ? this.#chalk.bold(text) : text;
  }
}
