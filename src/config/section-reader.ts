// Typed access to one INI section: folds keys (later definitions win),
// rejects unknown keys, and turns value-parser failures into one-line
// ConfigErrors of the form
//   gaffer.ini [process:web] numprocesses = "abc": expected an integer >= 0
import { ConfigError } from '../errors.js';
import { closestWord } from '../util/closest-word.js';
import { ExpectedValue } from './config-values.js';
import type { IniEntry, IniSection } from './ini-document.js';

export class SectionReader {
  readonly #section: IniSection;
  readonly #entries = new Map<string, IniEntry>();

  /** `fold` maps a written key to its identity (lower-case by default; INI keys are case-insensitive). */
  constructor(section: IniSection, fold: (key: string) => string = (key) => key.toLowerCase()) {
    this.#section = section;
    for (const entry of section.entries) {
      const key = fold(entry.key);
      this.#entries.delete(key); // re-insert so iteration follows the winning definition
      this.#entries.set(key, entry);
    }
  }

  get name(): string {
    return this.#section.name;
  }

  get file(): string {
    return this.#section.file;
  }

  /** Folded keys, in order of their winning definition. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The file holding the winning definition of a key, if present. */
  fileOf(key: string): string | undefined {
    return this.#entries.get(key)?.file;
  }

  /** The raw text of a key, if present. */
  text(key: string): string | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Parse a key's value; a parser failure becomes a ConfigError naming file, section, key and value. */
  read<T>(key: string, parse: (text: string) => T): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    try {
      return parse(entry.value);
    } catch (err) {
      if (err instanceof ExpectedValue) throw this.valueError(key, err.expected);
      throw err;
    }
  }

  /** `file [section] key = "value": expected ...` for the winning definition of `key`. */
  valueError(key: string, expected: string): ConfigError {
    const entry = this.#entries.get(key);
    const written = entry?.key ?? key;
    return new ConfigError(`${entry?.file ?? this.file} [${this.name}] ${written} = ${JSON.stringify(entry?.value ?? '')}: expected ${expected}`,
      { details: { file: entry?.file ?? this.file, section: this.name, key: written } });
  }

  /** `file [section] message` */
  error(message: string, cause?: unknown): ConfigError {
    return new ConfigError(`${this.file} [${this.name}] ${message}`, { cause, details: { file: this.file, section: this.name } });
  }

  /** Throw on the first key that `isKnown` rejects, suggesting the closest known key. */
  rejectUnknownKeys(isKnown: (key: string) => boolean, known: readonly string[]): void {
    for (const key of this.#entries.keys()) {
      if (isKnown(key)) continue;
      const entry = this.#entries.get(key)!;
      const guess = closestWord(key, known);
      const hint = guess ? `did you mean "${guess}"?` : `expected one of ${known.join(', ')}`;
      throw new ConfigError(`${entry.file} [${this.name}] unknown key "${entry.key}": ${hint}`,
        { details: { file: entry.file, section: this.name, key: entry.key } });
    }
  }
}
