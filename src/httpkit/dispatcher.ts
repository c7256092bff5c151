import type { IncomingMessage, ServerResponse } from 'node:http';
import { NotFoundError, gafferError } from '../errors.js';
import { splitPath } from './path-pattern.js';
import { PUBLIC_READ_POLICY, type RequestPolicy } from './origin-policy.js';
import { sendError, sendReply, type Reply } from './respond.js';
import type { Logger } from '../util/logger.js';
import type { Router } from './router.js';

/** What a route handler receives. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  /** Segments captured by a trailing `*name` pattern item. */
  readonly rest: readonly string[];
  readonly query: URLSearchParams;
}

/** A route handler: returns a reply, or `undefined` when it wrote the response itself (feeds). */
export type RouteHandler = (ctx: RequestContext) => Reply | undefined | Promise<Reply | undefined>;

/** A handler for every request under a path prefix (plugin sites, SockJS). */
export type MountHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** A mounted prefix; `guarded`: its GETs may act too (SockJS transports), so cross-site ones are refused. */
export interface Mount {
  prefix: string;
  handler: MountHandler;
  guarded?: boolean;
}

export interface DispatcherOptions<M> {
  router: Router<RouteHandler, M>;
  logger: Logger;
  /** Mounted prefixes, checked before the router (in order). */
  mounts?: ReadonlyArray<Mount>;
  /** Which browser requests are refused and which CORS headers are sent (default: PUBLIC_READ_POLICY). */
  policy?: RequestPolicy;
  /** Runs before a route's handler with its metadata (permission checks); throwing refuses the request. */
  before?: (ctx: RequestContext, meta: M) => void | Promise<void>;
}

/** True when `pathname` is `prefix` or below it (segment boundary). */
export function isUnderPrefix(pathname: string, prefix: string): boolean {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return pathname === p || pathname.startsWith(`${p}/`);
}

/**
 * Build the `request` listener: the policy's check (403 before anything
 * acts), its CORS headers, `OPTIONS` → 204, mounted prefixes, then the router (404 `resource_not_found`, 405
 * `method_not_allowed` with `Allow`). Every error thrown by a handler goes
 * through `sendError`, the one place errors become responses.
 */
export function createRequestListener<M>(options: DispatcherOptions<M>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void dispatch(options, req, res).catch((err: unknown) => sendError(res, err, options.logger, `${req.method} ${req.url}`));
  };
}

async function dispatch<M>(options: DispatcherOptions<M>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw gafferError('GAFFER_ERR_BAD_REQUEST', `invalid request target ${JSON.stringify(req.url)}`);
  }
  const mount = options.mounts?.find((m) => isUnderPrefix(url.pathname, m.prefix));
  const policy = options.policy ?? PUBLIC_READ_POLICY;
  policy.check(req, mount?.guarded === true);
  for (const [name, value] of Object.entries(policy.corsHeaders(req))) res.setHeader(name, value);
  if (method === 'OPTIONS') {
    res.writeHead(204);
    res.end();
    return;
  }
  if (mount) {
    await mount.handler(req, res, url);
    return;
  }
  const found = options.router.lookup(method, splitPath(url.pathname));
  if (!found.found) {
    if (found.status === 405) {
      res.setHeader('Allow', found.allow.join(', '));
      throw gafferError('GAFFER_ERR_METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}; allowed: ${found.allow.join(', ')}`);
    }
    throw new NotFoundError('resource_not_found', `no route for ${method} ${url.pathname}`);
  }
  const ctx: RequestContext = { req, res, url, params: found.params, rest: found.rest, query: url.searchParams };
  if (options.before) await options.before(ctx, found.meta);
  const reply = await found.handler(ctx);
  if (reply) sendReply(res, reply);
  else if (!res.headersSent) {
    throw new Error(`handler of ${found.pattern} returned no reply and wrote no response`);
  }
}
