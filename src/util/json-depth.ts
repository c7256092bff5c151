// How deeply a JSON text nests, measured before parsing: JSON.parse copes
// with deep nesting, but the recursive code that walks the value afterwards
// (copies, validation, JSON.stringify of a reply) overflows the stack.

/** Nesting depth accepted in request bodies and channel messages. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the arrays/objects of a JSON text nest deeper than `max`.
 * One linear scan; brackets inside strings are ignored. The text need not
 * be valid JSON (the parser judges that).
 */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
