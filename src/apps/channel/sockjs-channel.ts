// The SockJS endpoint `/channel` (http-api.md → SockJS channel) on gafferd's
// HTTP server: every SockJS transport plus the raw `/channel/websocket`,
// attached through the server's `mount`/`addUpgradeHandler` extension points.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { Connection } from 'sockjs';
import type { Application } from '../../core/application.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import type { Manager } from '../../core/manager.js';
import { isUnderPrefix, type MountHandler } from '../../httpkit/dispatcher.js';
import { sendJson } from '../../httpkit/respond.js';
import { abortHandshake, type RawUpgradeHandler, type UpgradePredicate } from '../../httpkit/upgrade.js';
import type { ChannelAuth } from '../../protocol/auth.js';
import { CLOSE_SHUTDOWN, ChannelConnection } from './channel-connection.js';
import { DEFAULT_BACKLOG_LIMITS, isBacklogged, releaseSessionTimer, type BacklogLimits } from './sockjs-session.js';

/** The part of the HTTP server application the channel plugs into (structurally HttpServerApp). */
export interface ChannelHost {
  mount(prefix: string, handler: MountHandler, options?: { guarded?: boolean }): void;
  addUpgradeHandler(predicate: UpgradePredicate, handler: RawUpgradeHandler): void;
}

export interface SockJsChannelOptions {
  host: ChannelHost;
  /** Default `/channel`. */
  prefix?: string;
  /** API keys; without it (or with `required: false`) every client has full rights. */
  auth?: ChannelAuth;
  /** When keys are required: how long a client may stay without a valid `AUTH:` (default 30 s). */
  authTimeoutMs?: number;
  logger?: Logger;
  /** SockJS heartbeat (default 25 s), session expiry after the last request (default 5 s). */
  heartbeatMs?: number;
  disconnectMs?: number;
  /** Bytes after which a streaming response is recycled (default 128 KiB). */
  responseLimit?: number;
  /** sockjs-client URL loaded by the iframe transports (default: the copy the dashboard serves). */
  sockjsUrl?: string;
  backlog?: Partial<BacklogLimits>;
}

/** Where the dashboard plugin serves the sockjs-client browser bundle. */
export const DEFAULT_SOCKJS_URL = '/_plugin/dashboard/vendor/sockjs.min.js';

// The subset of sockjs's Server used here (`middleware` is missing from @types/sockjs).
type SockJsHandler = (req: IncomingMessage, resOrSocket: ServerResponse | Duplex, head?: Buffer) => boolean;
interface SockJsServer {
  on(event: 'connection', listener: (conn: Connection | null) => void): void;
  middleware(): SockJsHandler;
}

type State = 'new' | 'running' | 'stopped';

/**
 * gafferd's SockJS channel as an Application: events, stats, output
 * streams and commands for browsers and other clients.
 */
export class SockJsChannel implements Application {
  readonly name = 'channel';
  readonly #options: SockJsChannelOptions;
  readonly #prefix: string;
  readonly #connections = new Map<Connection, ChannelConnection>();
  readonly #backlog: BacklogLimits;
  #logger: Logger;
  #handler: SockJsHandler | undefined;
  #manager: Manager | undefined;
  #state: State = 'new';
  #attached = false;

  constructor(options: SockJsChannelOptions) {
    this.#options = options;
    this.#prefix = (options.prefix ?? '/channel').replace(/\/+$/, '');
    this.#logger = options.logger ?? silentLogger;
    this.#backlog = { ...DEFAULT_BACKLOG_LIMITS, ...options.backlog };
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  start(manager: Manager): void {
    this.#manager = manager;
    if (!this.#options.logger) this.#logger = manager.logger;
    this.#state = 'running';
    if (!this.#attached) {
      this.#attached = true;
      // Guarded: SockJS's jsonp/htmlfile/eventsource transports open sessions with GETs.
      this.#options.host.mount(this.#prefix, (req, res) => this.#onRequest(req, res), { guarded: true });
      this.#options.host.addUpgradeHandler((pathname) => isUnderPrefix(pathname, this.#prefix), (req, socket, head) => this.#onUpgrade(req, socket, head));
    }
  }

  /** Close every client connection (close code 3001); later requests get 503. */
  stop(): void {
    this.#state = 'stopped';
    for (const [conn, client] of this.#connections) {
      client.closed();
      closeConnection(conn, CLOSE_SHUTDOWN, 'server shutting down');
      releaseSessionTimer(conn);
    }
    this.#connections.clear();
  }

  /** Nothing to re-read: connections and subscriptions are kept across a reload. */
  restart(): void {}

  // sockjs (with faye-websocket and its parsers) is loaded by the first `/channel` request, not at
  // start-up: most gafferds never see one, and it is the heaviest module gafferd has (memory,
  // docs/benchmarks.md). CommonJS, so loading it keeps the request handler synchronous.
  #sockJsHandler(): SockJsHandler {
    this.#handler ??= this.#createServer();
    return this.#handler;
  }

  #createServer(): SockJsHandler {
    const sockjs = createRequire(import.meta.url)('sockjs') as typeof import('sockjs');
    const server = sockjs.createServer({
      prefix: this.#prefix,
      heartbeat_delay: this.#options.heartbeatMs ?? 25_000,
      disconnect_delay: this.#options.disconnectMs ?? 5_000,
      response_limit: this.#options.responseLimit ?? 128 * 1024,
      jsessionid: true,
      sockjs_url: this.#options.sockjsUrl ?? DEFAULT_SOCKJS_URL,
      log: (severity, message) => {
        if (severity === 'error') this.#logger.error(`channel: ${message}`);
        else this.#logger.debug(`channel: ${message}`);
      },
    }) as unknown as SockJsServer;
    server.on('connection', (conn) => {
      if (conn) this.#onConnection(conn);
    });
    return server.middleware();
  }

  #onConnection(conn: Connection): void {
    if (this.#state !== 'running' || !this.#manager) {
      closeConnection(conn, CLOSE_SHUTDOWN, 'server shutting down');
      return;
    }
    const client = new ChannelConnection({
      manager: this.#manager,
      logger: this.#logger,
      auth: this.#options.auth,
      authTimeoutMs: this.#options.authTimeoutMs,
      label: `channel client ${conn.remoteAddress ?? ''}:${conn.remotePort ?? ''} (${conn.protocol})`,
      socket: {
        send: (text) => { conn.write(text); },
        close: (code, reason) => closeConnection(conn, code, reason),
        isBacklogged: () => isBacklogged(conn, this.#backlog),
      },
    });
    this.#connections.set(conn, client);
    conn.on('data', (data: unknown) => client.receive(typeof data === 'string' ? data : String(data)));
    conn.on('close', () => {
      client.closed();
      this.#connections.delete(conn);
    });
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (this.#state !== 'running') {
      sendJson(res, 503, { error: 'channel_stopped', errno: 503, reason: 'channel_stopped' });
      return;
    }
    if (!this.#sockJsHandler()(req, res)) sendJson(res, 404, { error: 'resource_not_found', errno: 404, reason: 'resource_not_found' });
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#state !== 'running') {
      abortHandshake(socket, 503, 'channel_stopped');
      return;
    }
    if (!this.#sockJsHandler()(req, socket, head)) abortHandshake(socket, 404, 'resource_not_found');
  }
}

// sockjs types the code as a string but writes it into the close frame as given: pass the number.
// The raw websocket transport throws on codes a browser could not send; that must not escape.
function closeConnection(conn: Connection, code: number, reason: string): void {
  try {
    conn.close(code as unknown as string, reason);
  } catch {
    conn.destroy();
  }
}
