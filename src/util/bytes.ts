const UNITS = ['B', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** Human form of a byte count, 1024-based and truncated: 1023 -> `1023B`, 12345 -> `12K`. */
export function bytes2human(n: number): string {
  let value = Math.max(0, Math.trunc(n));
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value = Math.trunc(value / 1024);
    unit += 1;
  }
  return `${value}${UNITS[unit]}`;
}
