// Shared by the route modules: their dependencies, permission targets,
// reason renaming between API generations and small request-value parsers.
import type { Logger } from '../util/logger.js';
import type { Manager } from '../core/manager.js';
import { BadRequestError, GafferError, NotFoundError, isGafferError } from '../errors.js';
import type { RequestContext, RouteHandler } from '../httpkit/dispatcher.js';
import { parseHeartbeat, type Feed, type FeedKind, type FeedRegistry } from '../httpkit/feeds.js';
import type { Router } from '../httpkit/router.js';
import type { ChannelAuth } from '../protocol/auth.js';
import { fullName, parseJobName } from '../util/names.js';
import type { RouteAuth } from './permissions.js';

export type HttpRouter = Router<RouteHandler, RouteAuth>;

/** Size bounds of the HTTP application (bytes). */
export interface HttpLimits {
  /** JSON request bodies (default 1 MiB). */
  jsonBody: number;
  /** Raw stdin writes, `POST /streams/<pid>/stdin` (default 8 MiB). */
  stdinBody: number;
  /** Unsent bytes a feed client may accumulate before it is cut (default 1 MiB). */
  feedBuffer: number;
  /** Unsent bytes a websocket client may accumulate before it is terminated (default 1 MiB). */
  wsBuffer: number;
  /** Largest websocket message accepted (default 16 MiB). */
  wsMessage: number;
}

/** What every route module gets from the application. */
export interface RouteDeps {
  /** The running Manager (503 `manager_stopped` when the application is not started). */
  manager(): Manager;
  readonly feeds: FeedRegistry;
  readonly logger: Logger;
  readonly limits: HttpLimits;
  /** Authentication of the websocket endpoints (`AUTH:<key>` first message); undefined = full rights. */
  readonly auth?: ChannelAuth;
}

/** Start a feed on the request's response, with the heartbeat of its query and the app's buffer bound. */
export function startFeed(deps: RouteDeps, ctx: RequestContext, kind: FeedKind, contentType: string): Feed {
  return deps.feeds.open(ctx.res, {
    kind,
    contentType,
    heartbeatMs: parseHeartbeat(ctx.query.get('heartbeat')),
    bufferLimit: deps.limits.feedBuffer,
    description: `${ctx.req.method} ${ctx.url.pathname}`,
  });
}

/** Don't make the client wait for a graceful stop: run it and log a failure. */
export function runInBackground(logger: Logger, work: Promise<unknown>, what: string): void {
  work.catch((err: unknown) => logger.error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`));
}

/** Full name designated by a job designation (`web` → `default.web`), for permission targets. */
export function jobTarget(designation: string | undefined): string | undefined {
  if (designation === undefined) return undefined;
  const d = parseJobName(designation);
  return fullName(d.sessionid, d.name);
}

/** Full name of the job owning a pid, or undefined when the pid is not live. */
export function pidTarget(manager: Manager, pid: string | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    return manager.jobOf(pid).fullName;
  } catch {
    return undefined;
  }
}

/** Route metadata helpers: a permission on the job, the session or the job owning a pid in the path. */
export function onJob(permission: RouteAuth['permission'], param = 'name'): RouteAuth {
  return { permission, target: (ctx: RequestContext) => jobTarget(ctx.params[param]) };
}

export function onPid(deps: RouteDeps, permission: RouteAuth['permission'], param = 'pid'): RouteAuth {
  return { permission, target: (ctx: RequestContext) => pidTarget(deps.manager(), ctx.params[param]) };
}

/**
 * Re-issue a GafferError under another wire reason (same status, message and
 * code) when `rename` returns one: the Manager speaks one vocabulary, each
 * API generation answers with its own reasons.
 */
export function renameReason(err: unknown, rename: (e: GafferError) => string | undefined): unknown {
  if (!isGafferError(err)) return err;
  const reason = rename(err);
  if (reason === undefined || reason === err.reason) return err;
  return new GafferError(err.code, err.status, reason, err.message, { cause: err, ...(err.details ? { details: err.details } : {}) });
}

/** Run `fn`, renaming the reasons of the errors it throws (sync or async). */
export async function withReasons<T>(fn: () => T | Promise<T>, rename: (e: GafferError) => string | undefined): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw renameReason(err, rename);
  }
}

/** A boolean request member: true/false, 1/0, "true"/"false", "yes"/"no"; absent → fallback. */
export function parseFlag(value: unknown, fallback: boolean, member: string, reason: string): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
  }
  throw new BadRequestError(reason, `invalid "${member}" ${JSON.stringify(value)}: expected true or false`);
}

/** A non-negative integer path segment (`_add/<n>`), 400 `bad_value` otherwise. */
export function parseCount(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new BadRequestError('bad_value', `invalid count ${JSON.stringify(text)}: expected a non-negative integer`);
  return Number(text);
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error for an unknown route below a known prefix. */
export function noSuchRoute(ctx: RequestContext): NotFoundError {
  return new NotFoundError('resource_not_found', `no route for ${ctx.req.method} ${ctx.url.pathname}`);
}
