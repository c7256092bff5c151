// One websocket from gafferd to one lookupd (apps/lookup-registration.ts): IDENTIFY,
// a full snapshot on every (re)connect, then registration messages for the events
// that change what this lookupd knows; pings, and jittered exponential backoff.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Logger } from '../util/logger.js';
import type { EventPayload } from '../protocol/events.js';
import { redactCredentials } from '../util/redact.js';
import type { LookupdMessage } from '../protocol/lookupd.js';
import type { LinkState, LookupRegistrationOptions } from './lookup-registration.js';

export type Snapshot = Array<{ jobName: string; pids: number[] }>;
export type Identity = { name: string; origin: string; version: string };
/** A message before its msgid is chosen (Omit distributed over the union). */
type WithoutMsgid<M> = M extends LookupdMessage ? Omit<M, 'msgid'> : never;
type Outgoing = WithoutMsgid<LookupdMessage>;

/** One websocket to one lookupd, with its own mirror of what it registered and its own retry timer. */
export class LookupdLink {
  readonly url: string;
  readonly #identity: Identity;
  readonly #snapshot: () => Snapshot;
  readonly #options: LookupRegistrationOptions;
  readonly #logger: Logger;
  /** Jobs and pids registered on this connection: events are forwarded only when they change it. */
  readonly #mirror = new Map<string, Set<number>>();
  /** msgid -> what was asked, to log refusals with context. */
  readonly #pending = new Map<string, string>();
  #ws: WebSocket | undefined;
  #state: LinkState = 'waiting';
  #lastError: string | undefined;
  #failures = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #lastHeard = 0;

  constructor(url: string, identity: Identity, snapshot: () => Snapshot, options: LookupRegistrationOptions, logger: Logger) {
    this.url = url;
    this.#identity = identity;
    this.#snapshot = snapshot;
    this.#options = options;
    this.#logger = logger;
  }

  get state(): LinkState {
    return this.#state;
  }

  connect(): void {
    if (this.#state === 'closed') return;
    this.#state = 'connecting';
    const { ca, cert, key } = this.#options.tls ?? {};
    const ws = new WebSocket(this.url, { ca, cert, key, handshakeTimeout: 10_000 });
    this.#ws = ws;
    ws.on('open', () => this.#onOpen(ws));
    ws.on('message', (data) => this.#onReply(String(data)));
    ws.on('pong', () => { this.#lastHeard = Date.now(); });
    ws.on('error', (err) => {
      // OpenSSL messages span lines and carry source paths: keep the first line.
      this.#lastError = err.message.split('\n')[0]!.trim();
      this.#logger.debug(`lookupd ${redactCredentials(this.url)}: ${err.message}`);
    });
    ws.on('close', () => this.#onClose(ws));
  }

  /** Translate a canonical Manager event into a registration message, if it changes what lookupd knows. */
  forward(type: string, payload: EventPayload): void {
    if (this.#state !== 'registered') return;
    const jobName = payload.name as string;
    const pids = this.#mirror.get(jobName);
    const pid = payload.pid as number;
    if (type === 'load' && !pids) {
      this.#mirror.set(jobName, new Set());
      this.#send({ type: 'REGISTER_JOB', job_name: jobName });
    } else if (type === 'unload' && pids) {
      this.#mirror.delete(jobName);
      this.#send({ type: 'UNREGISTER_JOB', job_name: jobName });
    } else if (type === 'spawn' && pids && !pids.has(pid)) {
      pids.add(pid);
      this.#send({ type: 'REGISTER_PROCESS', job_name: jobName, pid });
    } else if ((type === 'exit' || type === 'stop_process') && pids?.delete(pid)) {
      this.#send({ type: 'UNREGISTER_PROCESS', job_name: jobName, pid });
    }
  }

  /** Close for good (no retry); resolves once the socket is closed. */
  close(): Promise<void> {
    this.#state = 'closed';
    this.#clearTimers();
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const cut = setTimeout(() => ws.terminate(), 1000);
      ws.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'gafferd is leaving');
    });
  }

  #onOpen(ws: WebSocket): void {
    if (ws !== this.#ws || this.#state === 'closed') return;
    this.#state = 'identifying';
    this.#lastHeard = Date.now();
    this.#send({ type: 'IDENTIFY', ...this.#identity });
    const every = this.#options.pingInterval ?? 15_000;
    this.#pingTimer = setInterval(() => this.#ping(ws, every), every);
    this.#pingTimer.unref();
  }

  // Register the whole current state: lookupd forgot everything when the previous connection ended.
  #registerAll(): void {
    this.#mirror.clear();
    for (const { jobName, pids } of this.#snapshot()) {
      this.#mirror.set(jobName, new Set(pids));
      this.#send({ type: 'REGISTER_JOB', job_name: jobName });
      for (const pid of pids) this.#send({ type: 'REGISTER_PROCESS', job_name: jobName, pid });
    }
  }

  #onReply(text: string): void {
    this.#lastHeard = Date.now();
    let reply: { msgid?: unknown; ok?: unknown; errno?: unknown; reason?: unknown };
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      this.#logger.warn(`lookupd ${redactCredentials(this.url)} sent a reply that is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const asked = typeof reply.msgid === 'string' ? this.#pending.get(reply.msgid) : undefined;
    if (typeof reply.msgid === 'string') this.#pending.delete(reply.msgid);
    const refused = reply.ok !== true;
    if (refused) this.#logger.warn(`lookupd ${redactCredentials(this.url)} refused ${asked ?? 'a message'}: ${String(reply.reason)} (errno ${String(reply.errno)})`);
    if (asked?.startsWith('IDENTIFY') && this.#state === 'identifying') {
      if (refused) {
        // Typically our previous connection is still known there; retry after a backoff.
        this.#ws?.terminate();
        return;
      }
      this.#state = 'registered';
      this.#failures = 0;
      this.#logger.info(`registered with lookupd ${redactCredentials(this.url)} as '${this.#identity.name}' (${this.#identity.origin})`);
      this.#registerAll();
    }
  }

  #onClose(ws: WebSocket): void {
    if (ws !== this.#ws) return;
    this.#ws = undefined;
    this.#clearTimers();
    this.#pending.clear();
    this.#mirror.clear();
    if (this.#state === 'closed') return;
    const wasRegistered = this.#state === 'registered';
    const min = this.#options.reconnect?.minDelayMs ?? 1000;
    const max = this.#options.reconnect?.maxDelayMs ?? 30_000;
    const ceiling = Math.min(max, min * 2 ** Math.min(this.#failures, 30));
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    this.#failures += 1;
    this.#state = 'waiting';
    const log = wasRegistered || this.#failures === 1 ? this.#logger.warn : this.#logger.debug;
    const why = this.#lastError ? ` (${this.#lastError})` : '';
    this.#lastError = undefined;
    log.call(this.#logger, `lookupd ${redactCredentials(this.url)} is unreachable or went away${why}; retrying in ${(delay / 1000).toFixed(1)}s`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.connect();
    }, delay);
    this.#retryTimer.unref();
  }

  // Send PING; a lookupd silent for two periods is presumed dead (half-open TCP) and the link restarts.
  #ping(ws: WebSocket, every: number): void {
    if (Date.now() - this.#lastHeard > 2 * every) {
      this.#logger.warn(`lookupd ${redactCredentials(this.url)} did not answer for ${2 * every} ms; reconnecting`);
      ws.terminate();
      return;
    }
    this.#send({ type: 'PING' });
  }

  #send(message: Outgoing): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const msgid = randomUUID().replace(/-/g, '');
    const jobName = 'job_name' in message ? ` '${message.job_name}'` : '';
    const pid = 'pid' in message ? ` pid ${message.pid}` : '';
    this.#pending.set(msgid, `${message.type}${jobName}${pid}`);
    ws.send(JSON.stringify({ ...message, msgid }));
  }

  #clearTimers(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#retryTimer = undefined;
    this.#pingTimer = undefined;
  }
}
