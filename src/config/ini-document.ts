// Reads INI text into ordered sections of (key, value, file) entries.
//
// The `ini` package (v5) decodes the values, but on its own it departs from
// the configparser dialect gaffer files are written in: it has no `key:
// value` lines nor indented continuation lines, it cuts values at `;`/`#`
// (so `cmd = echo a#b` would lose text), it nests section names at dots
// (`[process:app.web]` would become `{'process:app': {web: ...}}`), turns
// `true`/`false` into booleans and silently drops `__proto__`. So each line is
// first recognised here (with its line number for syntax errors), re-emitted
// in a canonical form that `ini` decodes verbatim (escaped section names,
// JSON-quoted keys and values), and read back in file order.
import { readFile } from 'node:fs/promises';
import * as ini from 'ini';
import { ConfigError } from '../errors.js';

/** One `key = value` line, after continuation lines have been joined. */
export interface IniEntry {
  /** The key as written (case preserved; callers fold it per section kind). */
  key: string;
  value: string;
  /** The file the line was read from. */
  file: string;
}

/** A section: its name (case-sensitive) and its entries in file order. */
export interface IniSection {
  name: string;
  /** The file that declared the section first. */
  file: string;
  entries: IniEntry[];
}

const HEADER = /^\[([^\]]+)\]$/;
// A key is a word without spaces, `=` or `:`, optionally followed by one
// `:word` (so `env:PORT = 80` keeps `env:PORT` as its key); the delimiter is
// the next `=` or `:`.
const KEY_LINE = /^([^\s=:]+(?::[^\s=:]+)?)\s*[=:]\s*(.*)$/;

/**
 * Parse INI text. Malformed lines throw a ConfigError naming the file and
 * line. Continuation lines are joined to the value with one space.
 */
export function parseIniText(text: string, file: string): IniSection[] {
  const order: Array<{ name: string; keys: string[] }> = [];
  const canonical: string[] = [];
  let current: { name: string; keys: string[] } | undefined;
  let lastKey: { index: number } | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    const where = `${file} line ${i + 1}`;
    const stripped = line.trim();
    if (stripped === '') {
      lastKey = undefined;
      return;
    }
    if (stripped.startsWith(';') || stripped.startsWith('#')) return;
    if (/^\s/.test(line) && lastKey) {
      const previous = canonical[lastKey.index]!;
      const [head, value] = splitCanonical(previous);
      canonical[lastKey.index] = `${head}=${JSON.stringify(value === '' ? stripped : `${value} ${stripped}`)}`;
      return;
    }
    const header = HEADER.exec(stripped);
    if (header) {
      const name = header[1]!.trim();
      if (name === '' || name === '__proto__') throw new ConfigError(`${where}: invalid section name ${JSON.stringify(header[1])}`);
      current = order.find((s) => s.name === name);
      if (!current) {
        current = { name, keys: [] };
        order.push(current);
      }
      canonical.push(`[${escapeSection(name)}]`);
      lastKey = undefined;
      return;
    }
    const kv = KEY_LINE.exec(stripped);
    if (!kv) {
      throw new ConfigError(`${where}: cannot parse ${JSON.stringify(stripped)}: expected "[section]", "key = value" or a comment starting with ; or #`);
    }
    const key = kv[1]!;
    if (!current) throw new ConfigError(`${where}: key ${JSON.stringify(key)} appears before any [section] header`);
    if (key === '__proto__' || key.endsWith('[]')) throw new ConfigError(`${where} [${current.name}]: unsupported key ${JSON.stringify(key)}`);
    if (!current.keys.includes(key)) current.keys.push(key);
    canonical.push(`${JSON.stringify(key)}=${JSON.stringify(kv[2] ?? '')}`);
    lastKey = { index: canonical.length - 1 };
  });

  const decoded = ini.parse(canonical.join('\n')) as Record<string, Record<string, unknown>>;
  return order.map(({ name, keys }) => {
    const values = decoded[name] ?? {};
    return { name, file, entries: keys.map((key) => ({ key, value: asText(values[key]), file })) };
  });
}

/** Read and parse one INI file; an unreadable file is a ConfigError naming it and the OS reason. */
export async function readIniFile(file: string): Promise<IniSection[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file '${file}': ${osReason(err)}`, { cause: err });
  }
  return parseIniText(text, file);
}

/**
 * Merge sections of several files: a section keeps the position of its first
 * appearance; entries are appended in reading order, so a later definition of
 * a key (after folding) wins when the caller interprets them.
 */
export function mergeSections(sections: Iterable<IniSection>): IniSection[] {
  const merged = new Map<string, IniSection>();
  for (const section of sections) {
    const existing = merged.get(section.name);
    if (existing) existing.entries.push(...section.entries);
    else merged.set(section.name, { name: section.name, file: section.file, entries: [...section.entries] });
  }
  return [...merged.values()];
}

/** "permission denied (EACCES)" from a Node fs error, for one-line operator messages. */
export function osReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const m = /^[A-Z]+: ([^,]+)/.exec(text);
  if (m && e.code) return `${m[1]} (${e.code})`;
  return text;
}

// Escape what `ini` would otherwise interpret in a section name.
function escapeSection(name: string): string {
  return name.replace(/[\\;#.]/g, (c) => `\\${c}`);
}

// Split a canonical `"key"="value"` line back into its key part and value.
function splitCanonical(line: string): [string, string] {
  const at = line.indexOf('=');
  return [line.slice(0, at), JSON.parse(line.slice(at + 1)) as string];
}

// `ini` turns the words true/false/null into JSON values even when quoted.
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return String(value);
}
