// Dot patterns of event subscriptions, shared by the in-process bus and the clients that filter streams.

/**
 * Does `pattern` select `eventType`? `.` is the wildcard, a trailing `.` is
 * ignored, otherwise the pattern equals the type or is a prefix made of
 * whole dot-separated segments.
 */
export function matchesPattern(pattern: string, eventType: string): boolean {
  const p = normalizePattern(pattern);
  if (p === '.') return true;
  return eventType === p || eventType.startsWith(`${p}.`);
}

/** Strip the trailing `.` of a pattern (`proc.a.` -> `proc.a`); `.` and `` stay the wildcard. */
export function normalizePattern(pattern: string): string {
  if (pattern === '' || pattern === '.') return '.';
  return pattern.endsWith('.') ? pattern.slice(0, -1) : pattern;
}
