import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, isGafferError } from '../errors.js';

/** The logging surface httpkit needs (structurally the core Logger). */
export interface HttpLogger {
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a route handler returns; `undefined` means the handler took over the response (feeds). */
export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string; contentType: string }
  | { kind: 'empty'; status: number };

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { kind: 'json', status, body, headers };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): Reply {
  return { kind: 'text', status, body, contentType };
}

export function empty(status: number): Reply {
  return { kind: 'empty', status };
}

export const CORS_ALLOW_METHODS = 'POST, GET, PUT, DELETE, OPTIONS';
export const CORS_ALLOW_HEADERS = 'X-Requested-With, X-HTTP-Method-Override, Content-Type, Accept, Authorization, X-Api-Key';

/** The CORS headers every response carries (http-api.md → Conventions). */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin === undefined || origin === '' || origin === 'null' ? '*' : origin,
    'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
    'Access-Control-Max-Age': '86400',
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Allow-Credentials': 'true',
  };
}

/** Set the CORS headers on a response before anything else is written. */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  for (const [name, value] of Object.entries(corsHeaders(Array.isArray(origin) ? origin[0] : origin))) res.setHeader(name, value);
}

/** Write a JSON response (`Content-Type: application/json`). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Write a handler's reply. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  switch (reply.kind) {
    case 'json':
      sendJson(res, reply.status, reply.body, reply.headers);
      return;
    case 'text':
      res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Content-Length': Buffer.byteLength(reply.body) });
      res.end(reply.body);
      return;
    case 'empty':
      res.writeHead(reply.status, { 'Content-Length': 0 });
      res.end();
  }
}

/**
 * The one place an error becomes a response. A GafferError gets its status
 * and `{error, errno, reason}` (+ `field`, `message`); anything else is a 500 `internal_error` and a
 * log line with the stack (never sent to the client). When the response has
 * already started (a feed), the connection is closed instead.
 */
export function sendError(res: ServerResponse, err: unknown, logger: HttpLogger, context = ''): void {
  const where = context ? ` (${context})` : '';
  if (!isGafferError(err)) {
    logger.error(`internal error${where}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  } else if (err.status >= 500 && err.reason !== 'manager_stopped') {
    logger.error(`${err.reason}${where}: ${err.message}`);
  } else {
    logger.debug(`${err.status} ${err.reason}${where}: ${err.message}`);
  }
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  if (!isGafferError(err)) {
    sendJson(res, 500, { error: 'internal_error', errno: 500, reason: 'internal_error' });
    return;
  }
  // A 413 may leave part of the body unread: don't reuse the connection.
  const headers: Record<string, string> = err.status === 413 ? { Connection: 'close' } : {};
  // Errors may carry response headers (`Allow` for a 405, `Upgrade` for a 426).
  const extra = err.details?.headers;
  if (typeof extra === 'object' && extra !== null) Object.assign(headers, extra);
  sendJson(res, err.status, errorBody(err), headers);
}
