// Browser origins and host names as gafferd compares them (docs/security.md):
// `Origin` headers, `allowed_origins` entries, `Host` headers and the
// loopback names a DNS-rebinding check accepts. Pure string work.
import { isIP } from 'node:net';

/**
 * The canonical form of an origin (`scheme://host[:port]`, lower case,
 * default port dropped), or undefined when `text` is not an origin (a path,
 * a query, no host...). `null` (opaque origins) stays `null`.
 */
export function normalizeOrigin(text: string): string | undefined {
  const value = text.trim();
  if (value === 'null') return 'null';
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s]+)\/?$/i.exec(value);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return `${scheme}://${match[2]!.toLowerCase()}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  return url.origin;
}

/** The host name of a `Host` header value (`name:port`, `[::1]:port`), lower case, without brackets or port. */
export function hostNameOf(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  // Two colons or more: a bare IPv6 address (no port can be told apart).
  if (colon !== -1 && value.indexOf(':', colon + 1) === -1) return value.slice(0, colon);
  return value.replace(/\.$/, '');
}

/** True for `localhost`, `*.localhost`, 127.0.0.0/8, ::1 and the IPv4-mapped loopback (`::ffff:127.x`). */
export function isLoopbackName(name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isLoopbackAddress(host);
}

/** True when `address` is a loopback IP address (127.0.0.0/8, ::1, ::ffff:127.x). */
export function isLoopbackAddress(address: string): boolean {
  const ip = address.toLowerCase();
  const kind = isIP(ip);
  if (kind === 4) return ip.startsWith('127.');
  if (kind === 6) return ip === '::1' || ip === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(ip);
  return false;
}
