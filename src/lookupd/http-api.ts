// The lookupd HTTP API (lookupd.md "HTTP API"): directory queries as JSON,
// on httpkit's router and dispatcher (CORS, OPTIONS, 404/405, errors).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, GafferError, NotFoundError, gafferError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { createRequestListener, type MountHandler, type RequestContext, type RouteHandler } from '../httpkit/dispatcher.js';
import { json, text } from '../httpkit/respond.js';
import { Router } from '../httpkit/router.js';
import { VERSION } from '../protocol/version.js';
import { LOOKUPD_FEED_PREFIX, type LookupdVersion, type LookupdWelcome } from '../protocol/lookupd.js';
import type { EventFeed } from './event-feed.js';
import type { Registry } from './registry.js';

const READ = ['GET', 'HEAD'] as const;

/** The `request` listener of a lookupd: the `/lookup` SockJS feed first, then the JSON routes. */
export function createLookupdRequestListener(registry: Registry, feed: EventFeed, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const router = new Router<RouteHandler, undefined>();
  router
    .add(READ, '/', () => json(200, { welcome: 'gaffer-lookupd', version: VERSION } satisfies LookupdWelcome), undefined)
    .add(READ, '/ping', () => text(200, 'OK'), undefined)
    .add(READ, '/version', () => json(200, { version: VERSION } satisfies LookupdVersion), undefined)
    .add(READ, '/nodes', () => json(200, registry.nodesReply()), undefined)
    .add(READ, '/sessions', () => json(200, registry.sessionsReply()), undefined)
    .add(READ, '/sessions/:node', (ctx) => json(200, registry.sessionsReply(ctx.params.node)), undefined)
    .add(READ, '/jobs', () => json(200, registry.jobsReply()), undefined)
    .add(READ, '/findJob', (ctx) => json(200, registry.findJobReply(requireParam(ctx, 'name'))), undefined)
    .add(READ, '/findSession', (ctx) => json(200, registry.findSessionReply(requireParam(ctx, 'sessionid'))), undefined)
    .add(READ, '/ws', () => { throw upgradeRequired(); }, undefined);
  const serveFeed: MountHandler = (req, res, url) => {
    if (!feed.handleRequest(req, res)) throw new NotFoundError('resource_not_found', `no feed resource at ${url.pathname}`);
  };
  return createRequestListener({ router, logger, mounts: [{ prefix: LOOKUPD_FEED_PREFIX, handler: serveFeed }] });
}

function upgradeRequired(): GafferError {
  return gafferError('GAFFER_ERR_UPGRADE_REQUIRED', '/ws is the node registration websocket: connect to it with a websocket client (ws://host:port/ws)');
}

function requireParam(ctx: RequestContext, name: string): string {
  const value = ctx.query.get(name);
  if (value === null || value === '') {
    const example = name === 'name' ? 'myapp.web' : 'myapp';
    throw new BadRequestError(`missing_${name}`, `${ctx.url.pathname} needs the query parameter "${name}", e.g. ${ctx.url.pathname}?${name}=${example}`);
  }
  return value;
}
