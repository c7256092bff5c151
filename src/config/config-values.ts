// Small parsers for configuration values written as text (INI values,
// command-line options). Each returns a typed value or throws an
// ExpectedValue carrying the human description of the accepted form; the
// caller turns it into a ConfigError that names the file, section and key.
import { parseSignal } from '../util/signals.js';
import { parseJobName } from '../util/names.js';
import { parseAddress, type ListenAddress } from '../util/address.js';
import { isGafferError } from '../errors.js';
import { formatFileMode, parseFileMode } from '../util/file-mode.js';

/** Port of a listen address written without one (config.md). */
export const DEFAULT_ADDRESS_PORT = 8000;
export const LOG_LEVELS = ['critical', 'error', 'warning', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Thrown by the value parsers: `expected` completes "expected <...>". */
export class ExpectedValue extends Error {
  readonly expected: string;

  constructor(expected: string) {
    super(`expected ${expected}`);
    this.name = 'ExpectedValue';
    this.expected = expected;
  }
}

const TRUE_WORDS = new Set(['1', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'false', 'off']);

/** `1/yes/true/on` or `0/no/false/off`, case-insensitive. */
export function parseBooleanValue(text: string): boolean {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ExpectedValue('a boolean (1/yes/true/on or 0/no/false/off)');
}

/** A decimal integer (optional sign) no smaller than `min`. */
export function parseIntegerValue(text: string, min = Number.MIN_SAFE_INTEGER): number {
  const word = text.trim();
  const n = /^[+-]?\d+$/.test(word) ? Number(word) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ExpectedValue(min === Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer >= ${min}`);
  }
  return n;
}

/** A non-negative number of seconds; fractions allowed (`0.5`, `30`). */
export function parseSecondsValue(text: string): number {
  const word = text.trim();
  const n = /^\d+(\.\d*)?$|^\.\d+$/.test(word) ? Number(word) : Number.NaN;
  if (!Number.isFinite(n)) throw new ExpectedValue('a number of seconds >= 0');
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** A byte count: an integer with an optional 1024-based unit (`1048576`, `512K`, `10MB`, `1G`). */
export function parseByteSizeValue(text: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new ExpectedValue('a size in bytes such as 1048576, 512K, 10MB or 1G');
  return Number(m[1]) * unit;
}

/** An octal permission mode such as 0640 or 600 (kept as text, `0640`). */
export function parseFileModeValue(text: string): string {
  const mode = parseFileMode(text);
  if (mode === undefined) throw new ExpectedValue('an octal file mode such as 0640 or 0600');
  return formatFileMode(mode);
}

/** A non-empty string (trimmed). */
export function parseTextValue(text: string, what = 'a non-empty value'): string {
  const value = text.trim();
  if (value === '') throw new ExpectedValue(what);
  return value;
}

/** Comma-separated labels, trimmed, empty entries dropped, at most `max`. */
export function parseLabelList(text: string, max = Number.POSITIVE_INFINITY): string[] {
  const labels = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (labels.length > max) throw new ExpectedValue(`at most ${max} comma-separated labels`);
  return labels;
}

/** Words separated by commas and/or whitespace. */
export function splitWords(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}

/** A list of integers in [0, 255] separated by commas and/or spaces (exit codes). */
export function parseExitCodeList(text: string): number[] {
  const words = splitWords(text);
  const codes = words.map((w) => (/^\d+$/.test(w) ? Number(w) : Number.NaN));
  if (words.length === 0 || codes.some((c) => !Number.isInteger(c) || c > 255)) {
    throw new ExpectedValue('exit codes 0-255 separated by commas or spaces, e.g. "0, 2"');
  }
  return codes;
}

/** Job designations (`web`, `app.web`, `app:web`) separated by commas and/or spaces. */
export function parseDesignationList(text: string): string[] {
  const words = splitWords(text);
  for (const word of words) {
    const { sessionid, name } = parseJobName(word);
    if (!isValidId(sessionid) || !isValidId(name) || /^\d+$/.test(name)) {
      throw new ExpectedValue('job names (name or session.name) separated by commas or spaces');
    }
  }
  return words;
}

/** One word out of a closed set (case-insensitive); returns the canonical lower-case word. */
export function parseChoiceValue<T extends string>(text: string, choices: readonly T[]): T {
  const word = text.trim().toLowerCase();
  const found = choices.find((c) => c === word);
  if (found === undefined) throw new ExpectedValue(`one of ${choices.join(', ')}`);
  return found;
}

/** A signal name or number (`TERM`, `SIGINT`, `9`); kept as written. */
export function parseSignalValue(text: string): string {
  const value = text.trim();
  try {
    parseSignal(value);
  } catch {
    throw new ExpectedValue('a signal name or number such as TERM, SIGINT or 9');
  }
  return value;
}

/** An absolute http:// or https:// URL. */
export function parseHttpUrlValue(text: string): string {
  const value = text.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !/^https?:\/\//i.test(value)) {
    throw new ExpectedValue('an http:// or https:// URL');
  }
  return value;
}

/** A listen address (`host:port`, `[v6]:port`, `unix:/path`; a missing port means 8000). */
export function parseListenAddressValue(text: string): ListenAddress {
  try {
    return parseAddress(text, DEFAULT_ADDRESS_PORT);
  } catch (err) {
    if (isGafferError(err)) throw new ExpectedValue('host:port, [ipv6]:port or unix:/path/to/socket');
    throw err;
  }
}

/** A listen backlog: an integer >= 1. */
export function parseBacklogValue(text: string): number {
  return parseIntegerValue(text, 1);
}

// Session ids and short names share the same forbidden characters.
function isValidId(text: string): boolean {
  return text.length > 0 && !/[./:]/.test(text);
}
