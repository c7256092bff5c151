// gaffer_lookupd as a library: one node:http(s) server carrying the HTTP
// API, the `/ws` registration websocket and the `/lookup` SockJS feed,
// upgrades routed by path. close() is memoised and idempotent.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { silentLogger, type Logger } from '../util/logger.js';
import { isUnderPrefix } from '../httpkit/dispatcher.js';
import { abortHandshake, UpgradeRouter } from '../httpkit/upgrade.js';
import { LOOKUPD_DEFAULT_PORT, LOOKUPD_FEED_PREFIX, LOOKUPD_WS_PATH } from '../protocol/lookupd.js';
import { formatAddress, parseAddress, type ListenAddress } from '../util/address.js';
import { EventFeed } from './event-feed.js';
import { createLookupdRequestListener } from './http-api.js';
import { RegistrationEndpoint } from './registration-endpoint.js';
import { DEFAULT_LOOKUPD_LIMITS, type LookupdLimits } from './limits.js';
import { isLoopbackHost } from './exposure.js';
import { Registry } from './registry.js';

export interface LookupdTlsOptions {
  /** PEM certificate (enables HTTPS/WSS). */
  cert: string | Buffer;
  key: string | Buffer;
  /** CA that client certificates must be signed by; clients without a valid certificate are refused. */
  ca?: string | Buffer;
}

export interface LookupdServerOptions {
  /** Listen address (`host:port`, `[v6]:port`, `unix:/path`); default `0.0.0.0:5010`. */
  bind?: string | ListenAddress;
  /** Listen backlog (default 128). */
  backlog?: number;
  tls?: LookupdTlsOptions;
  /** A node silent (no pong, no message) for this long is dropped (default 30 s). */
  pingTimeoutMs?: number;
  /** SockJS timings of the `/lookup` feed. */
  feed?: { heartbeatMs?: number; disconnectDelayMs?: number };
  /** Message size, per-node registrations and client backlog bounds (docs/lookupd.md → Limits). */
  limits?: Partial<LookupdLimits>;
  logger?: Logger;
}

/** How long feed clients get to answer the close frame before their sockets are destroyed. */
const CLOSE_GRACE_MS = 1000;

type State = 'new' | 'listening' | 'closing' | 'closed';

/** A lookupd: `listen()`, `addresses()`, `close()`; the registry is exposed for embedding and tests. */
export class LookupdServer {
  readonly registry: Registry;
  readonly #options: LookupdServerOptions;
  readonly #logger: Logger;
  readonly #server: Server;
  readonly #onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #upgrades: UpgradeRouter;
  readonly #endpoint: RegistrationEndpoint;
  readonly #feed: EventFeed;
  readonly #bind: ListenAddress;
  /** Every open TCP socket, upgraded ones included, to end them on close. */
  readonly #sockets = new Set<Duplex>();
  #state: State = 'new';
  #closing: Promise<void> | undefined;

  constructor(options: LookupdServerOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#bind = typeof options.bind === 'object' ? options.bind : parseAddress(options.bind ?? `0.0.0.0:${LOOKUPD_DEFAULT_PORT}`, LOOKUPD_DEFAULT_PORT);
    const limits: LookupdLimits = { ...DEFAULT_LOOKUPD_LIMITS, ...options.limits };
    this.registry = new Registry({ logger: this.#logger, maxJobsPerNode: limits.maxJobsPerNode, maxPidsPerNode: limits.maxPidsPerNode });
    this.#endpoint = new RegistrationEndpoint(this.registry, { pingTimeoutMs: options.pingTimeoutMs, logger: this.#logger, maxBacklogBytes: limits.maxClientBacklogBytes });
    this.#feed = new EventFeed(this.registry, {
      logger: this.#logger, ...options.feed, maxBacklogBytes: limits.maxClientBacklogBytes, maxBacklogMessages: limits.maxClientBacklogMessages,
    });
    this.#onRequest = createLookupdRequestListener(this.registry, this.#feed, this.#logger);
    // Upgrades by path: the SockJS feed does its own handshakes, `/ws` is a registration websocket.
    this.#upgrades = new UpgradeRouter({ logger: this.#logger, maxPayload: limits.maxMessageBytes });
    this.#upgrades.addRaw((path) => isUnderPrefix(path, LOOKUPD_FEED_PREFIX), (req, socket, head) => {
      if (!this.#feed.handleUpgrade(req, socket, head)) abortHandshake(socket, 404, 'resource_not_found');
    });
    this.#upgrades.addWebSocket(LOOKUPD_WS_PATH, (ws, req) => this.#endpoint.accept(ws, req));
    this.#server = options.tls
      ? createHttpsServer({
        cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca,
        requestCert: options.tls.ca !== undefined, rejectUnauthorized: options.tls.ca !== undefined,
      }, this.#onRequest)
      : createHttpServer(this.#onRequest);
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#onUpgrade(req, socket, head));
    this.#server.on('connection', (socket: Duplex) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('clientError', (_err, socket: Duplex) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  get isTls(): boolean {
    return this.#options.tls !== undefined;
  }

  get state(): State {
    return this.#state;
  }

  /** Start listening; rejects with the OS error (EADDRINUSE...) named after the address. */
  listen(): Promise<void> {
    if (this.#state !== 'new') return Promise.reject(new Error(`lookupd cannot listen: it is ${this.#state}`));
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new Error(`lookupd cannot listen on ${formatAddress(this.#bind)}: ${err.message}`, { cause: err }));
      };
      this.#server.once('error', onError);
      const backlog = this.#options.backlog ?? 128;
      const ready = (): void => {
        this.#server.off('error', onError);
        this.#server.on('error', (err) => this.#logger.error(`lookupd server error: ${err.message}`));
        this.#state = 'listening';
        const scheme = this.isTls ? 'https' : 'http';
        const where = this.addresses().map((a) => (a.kind === 'unix' ? formatAddress(a) : `${scheme}://${formatAddress(a)}`));
        this.#logger.info(`gaffer_lookupd listening on ${where.join(', ')}`);
        this.#warnIfExposed();
        resolve();
      };
      if (this.#bind.kind === 'unix') this.#server.listen({ path: this.#bind.path, backlog }, ready);
      else this.#server.listen({ host: this.#bind.host, port: this.#bind.port, backlog }, ready);
    });
  }

  // Anyone who can reach a non-loopback listener can register nodes and read the directory unless
  // client certificates are required (--cacert): say so at start-up.
  #warnIfExposed(): void {
    if (this.#options.tls?.ca !== undefined) return;
    const exposed = this.addresses().filter((a) => a.kind === 'tcp' && !isLoopbackHost(a.host));
    if (exposed.length === 0) return;
    this.#logger.warn(`gaffer_lookupd listens on ${exposed.map(formatAddress).join(', ')}, beyond loopback, without client certificates: ` +
      'any host that can reach it can register nodes and read the directory. Bind to 127.0.0.1 (--bind) or require client ' +
      'certificates (--certfile, --keyfile and --cacert), or restrict access with a firewall');
  }

  /** Bound addresses (the real port when bound to port 0). */
  addresses(): ListenAddress[] {
    const address = this.#server.address();
    if (address === null) return [];
    if (typeof address === 'string') return [{ kind: 'unix', path: address }];
    return [{ kind: 'tcp', host: (address as AddressInfo).address, port: (address as AddressInfo).port }];
  }

  /** HTTP base URLs of the bound TCP addresses (`http://127.0.0.1:5010`); 0.0.0.0/:: shown as loopback. */
  urls(): string[] {
    const scheme = this.isTls ? 'https' : 'http';
    return this.addresses().flatMap((a) => {
      if (a.kind !== 'tcp') return [];
      const host = a.host === '0.0.0.0' ? '127.0.0.1' : a.host === '::' ? '::1' : a.host;
      return [`${scheme}://${formatAddress({ kind: 'tcp', host, port: a.port })}`];
    });
  }

  /** Stop accepting, drop every node and feed client, close the listener. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const wasListening = this.#state === 'listening';
    this.#state = 'closing';
    this.#endpoint.close();
    this.#feed.close();
    const sockets = this.#upgrades.closeAll();
    if (wasListening) {
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        this.#server.closeAllConnections();
        // Feed websockets got a close frame; whatever is still open after a grace period is cut.
        const grace = setTimeout(() => { for (const socket of this.#sockets) socket.destroy(); }, CLOSE_GRACE_MS);
        grace.unref();
      });
    }
    await sockets;
    this.registry.close();
    this.#state = 'closed';
    this.#logger.info('gaffer_lookupd stopped');
  }

  // Upgrades are refused while closing; the router answers unknown paths with 404.
  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#state !== 'listening') {
      socket.on('error', () => {});
      abortHandshake(socket, 503, 'lookupd_closing');
      return;
    }
    if (isUnderPrefix(new URL(req.url ?? '/', 'http://lookupd').pathname, LOOKUPD_WS_PATH) && !registrationOriginAllowed(req)) {
      socket.on('error', () => {});
      this.#logger.warn(`refused a registration websocket from ${req.socket.remoteAddress ?? '?'} with Origin ${String(req.headers.origin)}: ` +
        'nodes register without an Origin (or with the lookupd\'s own); a web page may not');
      abortHandshake(socket, 403, 'origin_not_allowed');
      return;
    }
    this.#upgrades.handle(req, socket, head);
  }
}

/**
 * Registration (`/ws`) is for gafferd nodes, which send no `Origin` (some websocket libraries send
 * the target's own origin). A browser page of another site always sends its origin: it may read
 * the directory (`/lookup`, the HTTP API) but not register or remove nodes.
 */
function registrationOriginAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return true;
  try {
    return new URL(origin).host.toLowerCase() === String(req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}
