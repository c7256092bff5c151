import { constants } from 'node:os';
import { BadRequestError } from '../errors.js';

const SIGNALS = constants.signals as Record<string, number>;
const NAMES_BY_NUMBER = new Map<number, string>();
for (const [name, num] of Object.entries(SIGNALS)) {
  if (!NAMES_BY_NUMBER.has(num)) NAMES_BY_NUMBER.set(num, name);
}

/**
 * Parse a signal given as a number, a digit string or a name with or without
 * `SIG` (case-insensitive) into its number. Unknown signals throw a
 * BadRequestError (reason `bad_signal` unless another reason is given).
 */
export function parseSignal(value: unknown, reason = 'bad_signal'): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && NAMES_BY_NUMBER.has(value)) return value;
    throw badSignal(value, reason);
  }
  if (typeof value !== 'string') throw badSignal(value, reason);
  const text = value.trim();
  if (/^\d+$/.test(text)) return parseSignal(Number(text), reason);
  let name = text.toUpperCase();
  if (!name.startsWith('SIG')) name = `SIG${name}`;
  const num = SIGNALS[name];
  if (num === undefined) throw badSignal(value, reason);
  return num;
}

/** The canonical name of a signal number (`15` -> `SIGTERM`), or `SIG<n>` when unknown. */
export function signalName(num: number): string {
  return NAMES_BY_NUMBER.get(num) ?? `SIG${num}`;
}

/** The number of a signal name known to be valid (`SIGTERM` -> 15). */
export function signalNumber(name: NodeJS.Signals): number {
  return SIGNALS[name] ?? 15;
}

function badSignal(value: unknown, reason: string): BadRequestError {
  return new BadRequestError(reason,
    `unknown signal ${JSON.stringify(value)}: expected a signal number or a name such as TERM, SIGHUP or 9`);
}
