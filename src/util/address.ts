import { isIPv6 } from 'node:net';
import { BadRequestError } from '../errors.js';

export type ListenAddress =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string };

/**
 * Parse a listen address: `unix:/path`, `[v6]:port`, `host:port`, `host`
 * (port defaults to `defaultPort`), `:port` (host `0.0.0.0`).
 */
export function parseAddress(text: string, defaultPort = 8000): ListenAddress {
  const value = text.trim();
  if (value.startsWith('unix:')) {
    const path = value.slice(5);
    if (!path) throw badAddress(text);
    return { kind: 'unix', path };
  }
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (v6) {
    host = v6[1] ?? '';
    portText = v6[2];
  } else if (isIPv6(value)) {
    host = value;
  } else {
    const at = value.lastIndexOf(':');
    host = at >= 0 ? value.slice(0, at) : value;
    portText = at >= 0 ? value.slice(at + 1) : undefined;
  }
  if (host === '') host = '0.0.0.0';
  let port = defaultPort;
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw badAddress(text);
    port = Number(portText);
  }
  return { kind: 'tcp', host, port };
}

/** Display form of an address (`127.0.0.1:5000`, `[::1]:5000`, `unix:/tmp/g.sock`). */
export function formatAddress(address: ListenAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

function badAddress(text: string): BadRequestError {
  return new BadRequestError('bad_value',
    `invalid address ${JSON.stringify(text)}: expected host:port, [ipv6]:port or unix:/path/to/socket`);
}
