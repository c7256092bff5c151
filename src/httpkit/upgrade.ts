import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { toWireError } from '../errors.js';
import type { RequestPolicy } from './origin-policy.js';
import { compilePattern, matchPattern, splitPath, type PathMatch, type PathPattern } from './path-pattern.js';
import type { Logger } from '../util/logger.js';

/** Handles an accepted websocket; `match` holds the path parameters of its endpoint. */
export type WebSocketHandler = (ws: WebSocket, req: IncomingMessage, match: PathMatch & { url: URL }) => void;

/** Handles a raw upgrade request (e.g. a SockJS server that does its own handshake). */
export type RawUpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Decides whether a raw upgrade handler takes a request, from its pathname. */
export type UpgradePredicate = (pathname: string, req: IncomingMessage) => boolean;

/** How long a closing websocket may take to answer the close frame before it is terminated. */
export const WS_CLOSE_TIMEOUT_MS = 1000;

const NO_CLIENTS: ReadonlySet<WebSocket> = new Set();

// `ws` is loaded on the first websocket upgrade, not at start-up: a gafferd nobody opens a
// websocket to never pays for it (memory; docs/benchmarks.md). It is CommonJS, so a synchronous
// require keeps the upgrade handler synchronous (no window where the socket waits unowned).
function createWebSocketServer(maxPayload: number): WebSocketServer {
  const ws = createRequire(import.meta.url)('ws') as typeof import('ws');
  return new ws.WebSocketServer({ noServer: true, clientTracking: true, maxPayload });
}

/**
 * Answer an upgrade request with a plain HTTP status and close the socket:
 * the client sees a failed handshake with a meaningful status line.
 */
export function abortHandshake(socket: Duplex, status: number, reason?: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: reason ?? 'resource_not_found', errno: status, reason: reason ?? 'resource_not_found' });
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Connection: close\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * One HTTP server, several websocket endpoints: every `upgrade` request is
 * routed by path to a raw handler (first) or to a websocket endpoint served
 * by a shared `WebSocketServer({noServer: true})`; anything else gets a 404
 * status line. Tracks every socket it accepted so `closeAll` can end them.
 */
export class UpgradeRouter {
  #wss: WebSocketServer | undefined;
  readonly #maxPayload: number;
  readonly #endpoints: Array<{ pattern: PathPattern; handler: WebSocketHandler }> = [];
  readonly #raw: Array<{ predicate: UpgradePredicate; handler: RawUpgradeHandler }> = [];
  readonly #rawSockets = new Set<Duplex>();
  readonly #logger: Logger;
  readonly #policy: RequestPolicy | undefined;

  /** `policy`: every upgrade is checked (guarded) before any handler sees it; refusals get the error's status. */
  constructor(options: { logger: Logger; maxPayload?: number; policy?: RequestPolicy }) {
    this.#logger = options.logger;
    this.#policy = options.policy;
    this.#maxPayload = options.maxPayload ?? 16 * 1024 * 1024;
  }

  /** Serve a websocket endpoint at `pattern` (path-pattern syntax). */
  addWebSocket(pattern: string, handler: WebSocketHandler): void {
    this.#endpoints.push({ pattern: compilePattern(pattern), handler });
  }

  /** Give upgrade requests whose path satisfies `predicate` to `handler` (checked before the endpoints). */
  addRaw(predicate: UpgradePredicate, handler: RawUpgradeHandler): void {
    this.#raw.push({ predicate, handler });
  }

  /** The `upgrade` listener of the HTTP server(s). */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => { /* a reset during the handshake is the client's business */ });
    let url: URL;
    let segments: string[];
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      segments = splitPath(url.pathname);
    } catch {
      abortHandshake(socket, 400, 'bad_request');
      return;
    }
    try {
      this.#policy?.check(req, true);
    } catch (err) {
      const wire = toWireError(err);
      if (wire.isInternal) throw err;
      this.#logger.debug(`upgrade ${url.pathname} refused: ${wire.message}`);
      abortHandshake(socket, wire.status, wire.reason);
      return;
    }
    try {
      const raw = this.#raw.find((r) => r.predicate(url.pathname, req));
      if (raw) {
        this.#rawSockets.add(socket);
        socket.once('close', () => this.#rawSockets.delete(socket));
        raw.handler(req, socket, head);
        return;
      }
      for (const endpoint of this.#endpoints) {
        const match = matchPattern(endpoint.pattern, segments);
        if (!match) continue;
        this.#wss ??= createWebSocketServer(this.#maxPayload);
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on('error', (err) => this.#logger.debug(`websocket ${url.pathname}: ${err.message}`));
          try {
            endpoint.handler(ws, req, { ...match, url });
          } catch (err) {
            this.#logger.error(`websocket ${url.pathname} handler failed: ${(err as Error)?.stack ?? String(err)}`);
            ws.terminate();
          }
        });
        return;
      }
      abortHandshake(socket, 404, 'resource_not_found');
    } catch (err) {
      this.#logger.error(`upgrade ${url.pathname} failed: ${(err as Error)?.stack ?? String(err)}`);
      abortHandshake(socket, 500, 'internal_error');
    }
  }

  /** Open websockets accepted by the endpoints. */
  get clients(): ReadonlySet<WebSocket> {
    return this.#wss?.clients ?? NO_CLIENTS;
  }

  /** Close every websocket (close frame `code`, terminated if it doesn't answer) and raw upgraded socket. */
  async closeAll(code = 1001, reason = 'server shutting down'): Promise<void> {
    const closing = [...this.clients].map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) {
        resolve();
        return;
      }
      const timer = setTimeout(() => ws.terminate(), WS_CLOSE_TIMEOUT_MS);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(code, reason);
    }));
    for (const socket of this.#rawSockets) socket.destroy();
    this.#rawSockets.clear();
    await Promise.all(closing);
  }
}
