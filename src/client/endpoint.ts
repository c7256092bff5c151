// Where a client finds gafferd: an `http(s)://host:port[/prefix]` URL or a
// `unix:/path/to/socket` (optionally `https+unix:` for TLS over a socket).
import { BadRequestError } from '../errors.js';

/** The default gafferd address of every tool. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:5000';

export interface Endpoint {
  /** As shown to operators: `http://127.0.0.1:5000`, `unix:/run/gafferd.sock`. */
  display: string;
  protocol: 'http:' | 'https:';
  /** Host and port of a TCP endpoint (ignored with a socket path). */
  host: string;
  port: number;
  /** Unix socket path, when the endpoint is a socket. */
  socketPath?: string;
  /** Path prefix without trailing slash (`''` for the root). */
  basePath: string;
}

/**
 * Parse an endpoint: `http://host:port`, `https://host:port`, `unix:/path`,
 * `https+unix:/path`, or the shorthands `host:port`, `:port` and `port`
 * (plain HTTP; host 127.0.0.1 when omitted).
 */
export function parseEndpoint(text: string): Endpoint {
  const value = text.trim();
  if (/^(https\+)?unix:$/.test(value)) throw badEndpoint(text);
  const socket = /^(https\+)?unix:(.+)$/.exec(value);
  if (socket) {
    const path = socket[2]!.replace(/^\/\/(?=\/)/, '');
    if (!path.startsWith('/') && !path.startsWith('.')) throw badEndpoint(text);
    return { display: value, protocol: socket[1] ? 'https:' : 'http:', host: 'localhost', port: 0, socketPath: path, basePath: '' };
  }
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${shorthand(value)}`);
  } catch {
    throw badEndpoint(text);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badEndpoint(text);
  if (url.hostname === '') throw badEndpoint(text);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const basePath = url.pathname.replace(/\/+$/, '');
  return { display: `${url.protocol}//${url.host}${basePath}`, protocol: url.protocol, host, port, basePath };
}

// `5000` -> `127.0.0.1:5000`, `:5000` -> `127.0.0.1:5000`, `host:port` as is.
function shorthand(value: string): string {
  if (/^\d+$/.test(value)) return `127.0.0.1:${value}`;
  if (value.startsWith(':')) return `127.0.0.1${value}`;
  return value;
}

function badEndpoint(text: string): BadRequestError {
  return new BadRequestError('bad_value',
    `invalid gafferd address ${JSON.stringify(text)}: expected http://host:port, https://host:port or unix:/path/to/socket`);
}

/** The websocket URL of a path on an endpoint (sockets use a placeholder host; the agent connects to the socket). */
export function websocketUrl(endpoint: Endpoint, path: string): string {
  const scheme = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  if (endpoint.socketPath) return `${scheme === 'wss:' ? 'wss+unix' : 'ws+unix'}:${endpoint.socketPath}:${path}`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${scheme}//${host}:${endpoint.port}${endpoint.basePath}${path}`;
}
