// The `/ws` registration endpoint: one RemoteNode per websocket, one reply
// per frame, and liveness by websocket ping/pong (a node whose socket stops
// answering is terminated, which removes it and its jobs).
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { silentLogger, type Logger } from '../util/logger.js';
import type { LookupdMessage, LookupdReply, MessageId } from '../protocol/lookupd.js';
import { toWireError } from '../errors.js';
import { parseMessage } from './parse-message.js';
import type { Registry } from './registry.js';
import type { RemoteNode } from './remote-node.js';
import { DEFAULT_LOOKUPD_LIMITS } from './limits.js';

/** Default time a node may stay silent (no pong, no message) before it is dropped. */
export const DEFAULT_PING_TIMEOUT_MS = 30_000;

/** Largest accepted frame by default; registration messages are tiny (ws closes bigger ones with 1009). */
export const REGISTRATION_MAX_PAYLOAD = DEFAULT_LOOKUPD_LIMITS.maxMessageBytes;

export interface RegistrationEndpointOptions {
  pingTimeoutMs?: number;
  /** Unsent reply bytes a node may hold before it is disconnected (default 8 MiB). */
  maxBacklogBytes?: number;
  logger?: Logger;
}

interface Connection {
  node: RemoteNode;
  /** Last pong or message (ms since epoch). */
  lastSeen: number;
}

/** Serves registration websockets accepted by the HTTP server's upgrade router. */
export class RegistrationEndpoint {
  readonly #registry: Registry;
  readonly #logger: Logger;
  readonly #pingTimeoutMs: number;
  readonly #maxBacklog: number;
  readonly #connections = new Map<WebSocket, Connection>();
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(registry: Registry, options: RegistrationEndpointOptions = {}) {
    this.#registry = registry;
    this.#logger = options.logger ?? silentLogger;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    this.#maxBacklog = options.maxBacklogBytes ?? DEFAULT_LOOKUPD_LIMITS.maxClientBacklogBytes;
  }

  /** Number of open registration websockets. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Terminate every connection (their nodes are removed) and stop the liveness sweep. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    for (const ws of [...this.#connections.keys()]) ws.terminate();
  }

  /** Take over an open `/ws` websocket: it becomes a node until it closes. */
  accept(ws: WebSocket, req: IncomingMessage): void {
    if (this.#closed) {
      ws.terminate();
      return;
    }
    const node = this.#registry.addNode();
    const connection: Connection = { node, lastSeen: Date.now() };
    this.#connections.set(ws, connection);
    this.#logger.debug(`lookupd: node connection #${node.id} from ${req.socket.remoteAddress ?? 'unknown'}`);
    this.#startSweeper();
    ws.on('pong', () => { connection.lastSeen = Date.now(); });
    ws.on('message', (data) => this.#onFrame(ws, connection, data));
    ws.on('error', (err) => this.#logger.warn(`lookupd: websocket of node ${node.label} failed: ${err.message}`));
    ws.on('close', () => {
      this.#connections.delete(ws);
      this.#registry.removeNode(node);
      this.#logger.info(`lookupd: node ${node.label} disconnected`);
      if (this.#connections.size === 0 && this.#sweeper) {
        clearInterval(this.#sweeper);
        this.#sweeper = undefined;
      }
    });
  }

  // Binary frames are decoded as UTF-8 too: lenient with clients that send JSON as bytes.
  #onFrame(ws: WebSocket, connection: Connection, data: RawData): void {
    connection.lastSeen = Date.now();
    const parsed = parseMessage(rawToString(data));
    if (!parsed.ok) {
      this.#logger.debug(`lookupd: node ${connection.node.label}: ${parsed.error.message}`);
      this.#reply(ws, { errno: parsed.error.status, reason: parsed.error.reason, msgid: parsed.msgid });
      return;
    }
    this.#reply(ws, this.#apply(connection.node, parsed.message));
  }

  // Apply one valid message to the registry; refused messages become error replies.
  #apply(node: RemoteNode, message: LookupdMessage): LookupdReply {
    const msgid: MessageId = message.msgid;
    try {
      this.#registry.touch(node);
      switch (message.type) {
        case 'IDENTIFY':
          this.#registry.identify(node, message.name, message.origin, message.version);
          this.#logger.info(`lookupd: node ${node.label} identified (protocol ${typeof message.version === 'string' ? message.version : JSON.stringify(message.version)})`);
          break;
        case 'REGISTER_JOB': this.#registry.registerJob(node, message.job_name); break;
        case 'UNREGISTER_JOB': this.#registry.unregisterJob(node, message.job_name); break;
        case 'REGISTER_PROCESS': this.#registry.registerProcess(node, message.job_name, message.pid); break;
        case 'UNREGISTER_PROCESS': this.#registry.unregisterProcess(node, message.job_name, message.pid); break;
        case 'PING': break;
      }
      return { ok: true, msgid };
    } catch (err) {
      const wire = toWireError(err);
      if (wire.isInternal) this.#logger.error(`lookupd: ${message.type} from node ${node.label} failed: ${(err as Error)?.stack ?? String(err)}`);
      else this.#logger.debug(`lookupd: ${wire.message}`);
      return { errno: wire.status, reason: wire.reason, msgid };
    }
  }

  #reply(ws: WebSocket, reply: LookupdReply): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(reply));
    // A node that sends without reading its replies would grow lookupd without bound: cut it.
    if (ws.bufferedAmount > this.#maxBacklog) {
      const label = this.#connections.get(ws)?.node.label ?? 'a node';
      this.#logger.warn(`lookupd: node ${label} does not read its replies (${ws.bufferedAmount} bytes unsent, limit ${this.#maxBacklog}); disconnecting it`);
      ws.terminate();
    }
  }

  // One timer for all connections: ping each, terminate those silent for longer than the timeout.
  #startSweeper(): void {
    if (this.#sweeper) return;
    const every = Math.max(10, Math.floor(this.#pingTimeoutMs / 3));
    this.#sweeper = setInterval(() => this.#sweep(), every);
    this.#sweeper.unref();
  }

  #sweep(): void {
    const now = Date.now();
    for (const [ws, connection] of this.#connections) {
      if (now - connection.lastSeen > this.#pingTimeoutMs) {
        this.#logger.warn(`lookupd: node ${connection.node.label} did not answer pings for ${this.#pingTimeoutMs} ms; dropping it`);
        ws.terminate();
        continue;
      }
      if (ws.readyState === ws.OPEN) ws.ping();
    }
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
