// Values of the browser-facing settings (docs/security.md): `[gaffer]
// allowed_origins` / `--allow-origin` and `[gaffer] server_names`.
import { isIP } from 'node:net';
import { hostNameOf, normalizeOrigin } from '../util/origins.js';
import { ExpectedValue } from './config-values.js';

/** Comma- and/or space-separated items, empties dropped. */
function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}

/** One allowed origin: `*`, or `scheme://host[:port]` (canonical form returned). */
export function parseOriginValue(text: string): string {
  const value = text.trim();
  if (value === '*') return '*';
  const origin = normalizeOrigin(value);
  if (origin === undefined || origin === 'null') {
    throw new ExpectedValue(`an origin such as https://ops.example.com or http://localhost:8080 (scheme://host[:port], no path), or *; got ${JSON.stringify(value)}`);
  }
  return origin;
}

/** `allowed_origins`: a comma/space-separated list of origins (or `*`). */
export function parseOriginListValue(text: string): string[] {
  return [...new Set(splitList(text).map(parseOriginValue))];
}

/** `server_names`: a comma/space-separated list of host names or IP addresses (no scheme, port or path). */
export function parseServerNameListValue(text: string): string[] {
  const names = splitList(text).map((item) => {
    const bare = item.startsWith('[') && item.endsWith(']') ? item.slice(1, -1) : item;
    const name = hostNameOf(bare === item ? item : `[${bare}]`);
    const isName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name);
    if ((!isName && isIP(name) === 0) || name !== bare.toLowerCase().replace(/\.$/, '')) {
      throw new ExpectedValue(`host names or IP addresses such as gaffer.example.com, 192.168.1.10 (no scheme, port or path); got ${JSON.stringify(item)}`);
    }
    return name;
  });
  return [...new Set(names)];
}
