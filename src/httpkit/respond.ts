import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, isGafferError, toWireError } from '../errors.js';
import type { Logger } from '../util/logger.js';


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
export function sendError(res: ServerResponse, err: unknown, logger: Logger, context = ''): void {
  const where = context ? ` (${context})` : '';
  const wire = toWireError(err);
  if (wire.isInternal) {
    logger.error(`internal error${where}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  } else if (wire.status >= 500 && wire.reason !== 'manager_stopped') {
    logger.error(`${wire.reason}${where}: ${wire.message}`);
  } else {
    logger.debug(`${wire.status} ${wire.reason}${where}: ${wire.message}`);
  }
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (wire.status === 413) closeAfterBody(res);
  // Errors may carry response headers (`Allow` for a 405, `Upgrade` for a 426).
  const extra = isGafferError(err) ? err.details?.headers : undefined;
  if (typeof extra === 'object' && extra !== null) Object.assign(headers, extra);
  sendJson(res, wire.status, errorBody(wire), headers);
}

/**
 * A 413 is answered while the client may still be sending the body. Node
 * would close the connection right after the answer (always for clients that
 * sent `Connection: close`), and closing a socket with unread data resets it:
 * the client would lose the answer. So the connection is kept open while the
 * rest of the body is discarded (body.ts, up to DISCARD_LIMIT), then ended.
 */
function closeAfterBody(res: ServerResponse): void {
  const req = res.req;
  res.shouldKeepAlive = true;
  res.removeHeader('Connection');
  let pending = req.complete ? 1 : 2;
  const done = (): void => {
    if (--pending === 0) req.socket.end();
  };
  res.once('finish', done);
  if (!req.complete) {
    req.once('end', done);
    // Nothing reads a body that was refused before its first byte was read: discard it here.
    if (req.listenerCount('data') === 0) req.resume();
  }
}
