// One client of the SockJS channel: its rights, its reference-counted
// subscriptions and its commands. Independent of the transport, so the
// protocol is the same over websocket, polling and the raw websocket.
import type { Logger } from '../../util/logger.js';
import type { Manager } from '../../core/manager.js';
import type { ChannelAuth } from '../../protocol/auth.js';
import { ChannelAccess } from './channel-auth.js';
import { commandFailure, prepareCommand } from './channel-commands.js';
import {
  authRequired, commandError, commandSuccess, invalidMessage, parseClientMessage, subscriptionError, subscriptionSuccess, topicEvent,
  type ClientMessage, type CommandIdentity,
} from './channel-messages.js';
import { TopicError, resolveTopic, topicKey } from './channel-topics.js';

/** What the connection needs from its transport. */
export interface ChannelSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** True when the client is not keeping up (too much unsent data): it is then closed. */
  isBacklogged(): boolean;
}

export interface ChannelConnectionOptions {
  manager: Manager;
  logger: Logger;
  socket: ChannelSocket;
  auth?: ChannelAuth;
  /** How the connection is named in log lines. */
  label?: string;
  /** When keys are required: how long a client may stay without a valid `AUTH:` (default 30 s). */
  authTimeoutMs?: number;
}

/** Close codes sent to clients (SockJS and browsers allow only 1000 and 3000-4999). */
export const CLOSE_SHUTDOWN = 3001;
export const CLOSE_UNAUTHORIZED = 3401;
export const CLOSE_FORBIDDEN = 3403;
export const CLOSE_TOO_SLOW = 3008;

/** Messages kept while a key is being verified; more is a misbehaving client. */
const MAX_WAITING = 1000;

export const DEFAULT_AUTH_TIMEOUT_MS = 30_000;

export class ChannelConnection {
  readonly #manager: Manager;
  readonly #logger: Logger;
  readonly #socket: ChannelSocket;
  readonly #access: ChannelAccess;
  readonly #label: string;
  readonly #subscriptions = new Map<string, { count: number; stop: () => void }>();
  // Set while an AUTH: key is being verified: later messages wait so they run with its rights.
  #waiting: string[] | undefined;
  #closed = false;
  #authTimer: NodeJS.Timeout | undefined;

  constructor(options: ChannelConnectionOptions) {
    this.#manager = options.manager;
    this.#logger = options.logger;
    this.#socket = options.socket;
    this.#access = new ChannelAccess(options.auth);
    this.#label = options.label ?? 'channel client';
    // A client that never authenticates must not hold a connection forever.
    if (this.#access.isRequired) {
      this.#authTimer = setTimeout(() => { if (this.#access.isPending) this.#refuse(401); }, options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS);
    }
  }

  /** Topics currently subscribed (reference-count keys). */
  get topics(): string[] {
    return [...this.#subscriptions.keys()];
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Handle one client message (text). Never throws: bad input gets a `gaffer:error` message. */
  receive(text: string): void {
    if (this.#closed) return;
    if (this.#waiting) {
      if (this.#waiting.length >= MAX_WAITING) this.#shut(CLOSE_TOO_SLOW, 'too many messages before authentication');
      else this.#waiting.push(text);
      return;
    }
    try {
      this.#dispatch(parseClientMessage(text));
    } catch (err) {
      this.#logger.error(`${this.#label}: message failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }

  /** The transport closed: drop every subscription. Idempotent. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiting = undefined;
    clearTimeout(this.#authTimer);
    for (const { stop } of this.#subscriptions.values()) stop();
    this.#subscriptions.clear();
  }

  /** Close from the server side (shutdown). */
  close(code: number, reason: string): void {
    this.#shut(code, reason);
  }

  #dispatch(message: ClientMessage): void {
    if (message.kind === 'auth') {
      this.#authenticate(message.key);
      return;
    }
    if (this.#access.isPending) {
      this.#refuse(401);
      return;
    }
    switch (message.kind) {
      case 'nop': return;
      case 'invalid': this.#send(invalidMessage(message.reason)); return;
      case 'sub': this.#subscribe(message.topic); return;
      case 'unsub': this.#unsubscribe(message.topic); return;
      case 'cmd': this.#command(message.identity, message.name, message.args, message.kwargs);
    }
  }

  // A successful AUTH: has no reply; a bad key closes the connection. Ignored when keys are not required.
  #authenticate(key: string): void {
    if (!this.#access.isRequired) return;
    this.#waiting = [];
    this.#access.authenticate(key).catch((err: unknown) => {
      this.#logger.error(`${this.#label}: checking an API key failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }).then((ok) => {
      const waiting = this.#waiting ?? [];
      this.#waiting = undefined;
      if (this.#closed) return;
      if (!ok) {
        this.#refuse(403);
        return;
      }
      clearTimeout(this.#authTimer);
      while (waiting.length > 0 && !this.#closed) {
        this.receive(waiting.shift()!);
        // Another AUTH: among them: what follows it waits for that one.
        const again = this.#waiting as string[] | undefined;
        if (again) {
          again.push(...waiting);
          return;
        }
      }
    }, () => {});
  }

  #refuse(status: 401 | 403): void {
    this.#logger.debug(`${this.#label}: ${status === 401 ? 'no API key given' : 'unknown API key'}; closing the channel`);
    this.#send(authRequired(status));
    this.#shut(status === 401 ? CLOSE_UNAUTHORIZED : CLOSE_FORBIDDEN, status === 401 ? 'unauthorized' : 'forbidden');
  }

  #subscribe(text: string): void {
    let topic;
    try {
      topic = resolveTopic(this.#manager, text);
    } catch (err) {
      if (!(err instanceof TopicError)) throw err;
      this.#logger.debug(`${this.#label}: subscription to '${text}' refused: ${err.message}`);
      this.#send(subscriptionError(text, err.reason));
      return;
    }
    if (!this.#access.allows(topic.requirement)) {
      this.#send(subscriptionError(text, 'forbidden'));
      return;
    }
    const existing = this.#subscriptions.get(topic.key);
    if (existing) existing.count += 1;
    else this.#subscriptions.set(topic.key, { count: 1, stop: topic.open((data) => this.#send(topicEvent(data))) });
    this.#send(subscriptionSuccess(text));
  }

  // UNSUB of a topic that is not subscribed is a no-op, still answered with success.
  #unsubscribe(text: string): void {
    const key = topicKey(text);
    const entry = this.#subscriptions.get(key);
    if (entry) {
      entry.count -= 1;
      if (entry.count === 0) {
        this.#subscriptions.delete(key);
        entry.stop();
      }
    }
    this.#send(subscriptionSuccess(text));
  }

  // The permission is checked and the command started in the same turn, so the target cannot change between.
  #command(id: CommandIdentity, name: string, args: unknown, kwargs: unknown): void {
    let result: unknown;
    try {
      const prepared = prepareCommand(this.#manager, this.#logger, name, args, kwargs);
      if (!this.#access.allows(prepared.requirement)) {
        this.#send(commandError(id, 403, 'forbidden'));
        return;
      }
      result = prepared.run();
    } catch (err) {
      this.#commandFailed(id, name, err);
      return;
    }
    Promise.resolve(result).then((value) => this.#send(commandSuccess(id, value)), (err: unknown) => this.#commandFailed(id, name, err));
  }

  #commandFailed(id: CommandIdentity, name: string, err: unknown): void {
    const failure = commandFailure(err);
    if (failure.errno >= 500) this.#logger.error(`${this.#label}: command '${name}' failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    this.#send(commandError(id, failure.errno, failure.reason));
  }

  #send(text: string): void {
    if (this.#closed) return;
    this.#socket.send(text);
    if (this.#socket.isBacklogged()) {
      this.#logger.warn(`${this.#label}: client too slow (too much unsent data); closing it`);
      this.#shut(CLOSE_TOO_SLOW, 'client too slow');
    }
  }

  #shut(code: number, reason: string): void {
    if (this.#closed) return;
    this.closed();
    this.#socket.close(code, reason);
  }
}
