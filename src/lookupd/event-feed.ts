// The `/lookup` event feed: a SockJS endpoint (all SockJS transports plus the
// raw websocket `/lookup/websocket`) that pushes one JSON message per
// registry event to every connected client. Clients send nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import sockjs, { type Connection } from 'sockjs';
import type { EventListener } from '../util/event-bus.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { LOOKUPD_FEED_PREFIX } from '../protocol/lookupd.js';
import { cutSockjsConnection, sockjsBacklog } from '../httpkit/sockjs-backlog.js';
import { DEFAULT_LOOKUPD_LIMITS } from './limits.js';
import type { Registry } from './registry.js';

/** SockJS close code sent to a feed client cut for not keeping up. */
export const FEED_TOO_SLOW_CODE = 4008;

export interface EventFeedOptions {
  logger?: Logger;
  /** SockJS heartbeat period (default 25 s). */
  heartbeatMs?: number;
  /** SockJS session expiry after its last connection (default 5 s). */
  disconnectDelayMs?: number;
  /** Unsent bytes / queued messages a client may hold before it is cut (default 8 MiB / 10000). */
  maxBacklogBytes?: number;
  maxBacklogMessages?: number;
}

/** `sockjs.Server#middleware`: handles a request or upgrade of its prefix and returns true, else false. */
type SockjsHandler = (req: IncomingMessage, res: ServerResponse | Duplex, head?: Buffer) => boolean;

/** Broadcasts registry events to SockJS clients. */
export class EventFeed {
  readonly #registry: Registry;
  readonly #logger: Logger;
  readonly #connections = new Set<Connection>();
  readonly #handler: SockjsHandler;
  readonly #listener: EventListener;
  readonly #maxBytes: number;
  readonly #maxMessages: number;
  #cut = 0;
  #closed = false;

  constructor(registry: Registry, options: EventFeedOptions = {}) {
    this.#registry = registry;
    this.#logger = options.logger ?? silentLogger;
    this.#maxBytes = options.maxBacklogBytes ?? DEFAULT_LOOKUPD_LIMITS.maxClientBacklogBytes;
    this.#maxMessages = options.maxBacklogMessages ?? DEFAULT_LOOKUPD_LIMITS.maxClientBacklogMessages;
    const server = sockjs.createServer({
      prefix: LOOKUPD_FEED_PREFIX,
      heartbeat_delay: options.heartbeatMs ?? 25_000,
      disconnect_delay: options.disconnectDelayMs ?? 5_000,
      log: (severity, message) => {
        if (severity === 'error') this.#logger.error(`lookupd feed: ${message}`);
      },
    });
    server.on('connection', (conn: Connection) => this.#accept(conn));
    // `middleware` is sockjs's documented alternative to installHandlers (absent from its typings).
    this.#handler = (server as unknown as { middleware(): SockjsHandler }).middleware();
    this.#listener = (_type, payload) => {
      if (this.#connections.size > 0) this.#broadcast(JSON.stringify(payload));
    };
    registry.events.subscribe('.', this.#listener);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Clients cut so far because they did not keep up. */
  get cutClients(): number {
    return this.#cut;
  }

  /** Serve a request under `/lookup`; false when the path is not the feed's. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    return !this.#closed && this.#handler(req, res);
  }

  /** Serve a websocket upgrade under `/lookup`; false when the path is not the feed's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return !this.#closed && this.#handler(req, socket, head);
  }

  /** Stop broadcasting and close every client connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#registry.events.unsubscribe('.', this.#listener);
    for (const conn of [...this.#connections]) conn.close('1001', 'lookupd is shutting down');
    this.#connections.clear();
  }

  #accept(conn: Connection): void {
    if (this.#closed) {
      conn.close('1001', 'lookupd is shutting down');
      return;
    }
    this.#connections.add(conn);
    this.#logger.debug(`lookupd feed: client connected (${conn.protocol}) from ${conn.remoteAddress}`);
    // Clients send nothing meaningful; reading keeps the transport flowing.
    conn.on('data', () => {});
    conn.on('close', () => this.#connections.delete(conn));
  }

  // Every client gets the message; one whose unsent backlog passes the limits is cut (as gafferd's feeds do).
  #broadcast(message: string): void {
    for (const conn of [...this.#connections]) {
      conn.write(message);
      const backlog = sockjsBacklog(conn);
      if (backlog.bytes > this.#maxBytes || backlog.messages > this.#maxMessages) {
        this.#connections.delete(conn);
        this.#cut += 1;
        this.#logger.warn(`lookupd feed: client ${conn.remoteAddress} is too slow (${backlog.bytes} bytes / ${backlog.messages} messages unsent, ` +
          `limits ${this.#maxBytes} / ${this.#maxMessages}); disconnecting it`);
        cutSockjsConnection(conn, FEED_TOO_SLOW_CODE, 'client too slow');
      }
    }
  }
}
