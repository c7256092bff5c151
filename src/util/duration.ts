import { BadRequestError } from '../errors.js';

/** Parse a non-negative number of seconds (number or numeric string). */
export function parseSeconds(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new BadRequestError('bad_value', `invalid ${what} ${JSON.stringify(value)}: expected a number of seconds >= 0`);
  }
  return n;
}

/** CPU time in ms as `M:SS.cc` (minutes modulo 60, hundredths). */
export function formatCpuTime(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const seconds = totalSeconds % 60;
  const hundredths = Math.floor((ms % 1000) / 10);
  return `${minutes}:${String(seconds).padStart(2, '0')}.${String(hundredths).padStart(2, '0')}`;
}

/** Local wall time as `HH:MM:SS`. */
export function formatClock(date = new Date()): string {
  const pad = (v: number): string => String(v).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
