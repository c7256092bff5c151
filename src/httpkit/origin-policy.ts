// Which browser requests a server accepts (docs/security.md): same-origin
// pages and origins allowed by name; anything else carrying a foreign
// `Origin` (or, without one, a cross-site `Sec-Fetch-Site`) is refused before
// it acts; on a loopback connection the `Host` must be a loopback name or a
// configured server name (DNS rebinding). Clients that send neither header
// (curl, the CLIs, the original Python clients) are not affected.
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { ForbiddenError } from '../errors.js';
import { hostNameOf, isLoopbackAddress, isLoopbackName, normalizeOrigin } from '../util/origins.js';
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS } from './respond.js';

/** How a server judges requests and which CORS headers it answers with. */
export interface RequestPolicy {
  /**
   * Throw a 403 GafferError when `req` must be refused. `guarded`: the
   * request may act whatever its method (upgrades, SockJS transports), so a
   * cross-site request without an Origin is refused even for GET.
   */
  check(req: IncomingMessage, guarded: boolean): void;
  /** The CORS headers of the response to `req` (none when the origin is not allowed). */
  corsHeaders(req: IncomingMessage): Record<string, string>;
}

export interface OriginPolicyOptions {
  /** Origins allowed cross-origin (`scheme://host[:port]`), or `*` for any. */
  allowedOrigins?: readonly string[];
  /** Extra `Host` names accepted on loopback connections. */
  serverNames?: readonly string[];
  /** This machine's name, also accepted (default os.hostname()): an attacker's page cannot be served under it. */
  machineName?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CORS_BASE = {
  'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
  'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
  'Access-Control-Max-Age': '86400',
};

/**
 * A read-only public directory's policy (lookupd): nothing refused, and
 * `Access-Control-Allow-Origin: *` without credentials on every response.
 */
export const PUBLIC_READ_POLICY: RequestPolicy = {
  check: () => {},
  corsHeaders: () => ({ 'Access-Control-Allow-Origin': '*', ...CORS_BASE }),
};

/** gafferd's policy: same-origin and named origins only; loopback Host check. Reconfigurable (reload). */
export class OriginPolicy implements RequestPolicy {
  #origins = new Set<string>();
  #anyOrigin = false;
  #serverNames = new Set<string>();

  constructor(options: OriginPolicyOptions = {}) {
    this.update(options);
  }

  /** Replace the allowed origins and server names; an entry that is not an origin is a TypeError naming it. */
  update(options: OriginPolicyOptions): void {
    const origins = new Set<string>();
    let any = false;
    for (const entry of options.allowedOrigins ?? []) {
      if (entry.trim() === '*') {
        any = true;
        continue;
      }
      const origin = normalizeOrigin(entry);
      if (origin === undefined) throw new TypeError(`allowed origin ${JSON.stringify(entry)} is not an origin: expected scheme://host[:port] or *`);
      origins.add(origin);
    }
    this.#origins = origins;
    this.#anyOrigin = any;
    const machine = options.machineName ?? hostname();
    this.#serverNames = new Set([...(options.serverNames ?? []), ...(machine === '' ? [] : [machine])].map((n) => hostNameOf(n)));
  }

  check(req: IncomingMessage, guarded: boolean): void {
    this.#checkHost(req);
    const origin = headerOf(req, 'origin');
    if (origin !== undefined) {
      if (this.#isSameOrigin(origin, req) || this.#isAllowed(origin)) return;
      throw new ForbiddenError('origin_not_allowed',
        `requests from origin ${JSON.stringify(origin)} are not allowed; list it in [gaffer] allowed_origins (or --allow-origin) to allow it`);
    }
    const site = headerOf(req, 'sec-fetch-site');
    const method = (req.method ?? 'GET').toUpperCase();
    if ((site === 'cross-site' || site === 'same-site') && (guarded || !SAFE_METHODS.has(method))) {
      throw new ForbiddenError('origin_not_allowed',
        `a ${site} browser request without an allowed Origin is not allowed (Sec-Fetch-Site: ${site})`);
    }
  }

  corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = headerOf(req, 'origin');
    if (origin === undefined) return {};
    const canonical = normalizeOrigin(origin);
    if (canonical !== undefined && canonical !== 'null' && this.#origins.has(canonical)) {
      return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin', ...CORS_BASE };
    }
    // `*` never goes with credentials: browsers then send no cookies or client certificates.
    if (this.#anyOrigin) return { 'Access-Control-Allow-Origin': '*', ...CORS_BASE };
    return {};
  }

  #isAllowed(origin: string): boolean {
    if (this.#anyOrigin) return true;
    const canonical = normalizeOrigin(origin);
    return canonical !== undefined && canonical !== 'null' && this.#origins.has(canonical);
  }

  // The page was served by this very server: its origin is the scheme of the connection and the Host it asked for.
  #isSameOrigin(origin: string, req: IncomingMessage): boolean {
    const host = headerOf(req, 'host');
    if (host === undefined) return false;
    const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const own = normalizeOrigin(`${scheme}://${host}`);
    return own !== undefined && own === normalizeOrigin(origin);
  }

  // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends `Host: evil.example`.
  #checkHost(req: IncomingMessage): void {
    const local = req.socket.localAddress;
    if (local === undefined || !isLoopbackAddress(local)) return;
    const host = headerOf(req, 'host');
    if (host === undefined) return;
    const name = hostNameOf(host);
    if (isLoopbackName(name) || this.#serverNames.has(name)) return;
    throw new ForbiddenError('host_not_allowed',
      `Host ${JSON.stringify(host)} is not a name of this server: on a loopback listener use localhost or a loopback address, or list the name in [gaffer] server_names`);
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
