// Printing results: `ok` for a true result, strings and numbers as is, lists
// of scalars as `[1, 2]` / `["a", "b"]` (the seed's look), objects as
// indented JSON with sorted keys; and aligned tables for the port's extras.

/** The human form of an API result. */
export function formatResult(value: unknown): string {
  if (value === true || isOk(value)) return 'ok';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  }
  return JSON.stringify(sortKeys(value), null, 2);
}

function isOk(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.keys(value).length === 1 && (value as { ok?: unknown }).ok === true;
}

/** A deep copy with object keys sorted (stable output for diffs and scripts). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** Left-aligned columns separated by two spaces; the header row first. Trailing spaces trimmed. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
