import { normalizePattern } from './event-pattern.js';
import { silentLogger, type Logger } from './logger.js';

/**
 * What the bus carries: a record naming its event type. The wire payloads of
 * protocol/events.ts (`EventPayload`) have this shape; util/ does not import protocol/.
 */
export interface EventPayload {
  event: string;
  [key: string]: unknown;
}

export type EventListener = (eventType: string, payload: EventPayload) => void;

interface Subscription {
  listener: EventListener;
  once: boolean;
}

/**
 * Default bound of the pending queue; on overflow the oldest pending events are
 * dropped, counted (`dropped`) and reported in one warning per delivery round.
 */
export const DEFAULT_MAX_QUEUE = 10_000;

/**
 * Publish/subscribe with dot-pattern matching (`.` = everything, `a.b`
 * receives `a.b` and `a.b.c`). Delivery is asynchronous (a microtask after
 * publish), in publication order; a throwing listener is logged and skipped.
 */
export class EventBus {
  readonly #subscriptions = new Map<string, Subscription[]>();
  readonly #queue: Array<[string, EventPayload]> = [];
  readonly #maxQueue: number;
  readonly #logger: Logger;
  #flushScheduled = false;
  #closed = false;
  #dropped = 0;
  #unreported = 0;

  constructor(options: { maxQueue?: number; logger?: Logger } = {}) {
    this.#maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Events dropped because the pending queue overflowed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Events published and not delivered yet. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queue an event; `payload.event` is set to `eventType`. */
  publish(eventType: string, payload: Omit<EventPayload, 'event'> = {}): void {
    if (this.#closed) return;
    if (this.#subscriptions.size === 0) return;
    this.#queue.push([eventType, { event: eventType, ...payload }]);
    if (this.#queue.length > this.#maxQueue) {
      this.#queue.shift();
      this.#dropped += 1;
      this.#unreported += 1;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  subscribe(pattern: string, listener: EventListener): void {
    this.#add(pattern, { listener, once: false });
  }

  subscribeOnce(pattern: string, listener: EventListener): void {
    this.#add(pattern, { listener, once: true });
  }

  /** Remove one subscription of `listener` made with `pattern`. */
  unsubscribe(pattern: string, listener: EventListener): void {
    const key = normalizePattern(pattern);
    const list = this.#subscriptions.get(key);
    if (!list) return;
    const at = list.findIndex((s) => s.listener === listener);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.#subscriptions.delete(key);
  }

  /** Remove every listener of the given patterns. */
  unsubscribeAll(patterns: string[]): void {
    for (const p of patterns) this.#subscriptions.delete(normalizePattern(p));
  }

  /** Number of subscriptions (all patterns). */
  get listenerCount(): number {
    let n = 0;
    for (const list of this.#subscriptions.values()) n += list.length;
    return n;
  }

  /** Drop every listener and pending event; later publishes are ignored. */
  close(): void {
    this.#closed = true;
    this.#subscriptions.clear();
    this.#queue.length = 0;
  }

  #add(pattern: string, subscription: Subscription): void {
    if (this.#closed) return;
    const key = normalizePattern(pattern);
    const list = this.#subscriptions.get(key);
    if (list) list.push(subscription);
    else this.#subscriptions.set(key, [subscription]);
  }

  #flush(): void {
    this.#flushScheduled = false;
    // Events published by listeners during this flush are delivered in the same loop, in order.
    while (this.#queue.length > 0) {
      const [eventType, payload] = this.#queue.shift()!;
      this.#deliver(eventType, payload);
    }
    if (this.#unreported > 0) {
      this.#logger.warn(`event queue overflow: ${this.#unreported} oldest pending event(s) dropped (more than ${this.#maxQueue} pending; ${this.#dropped} dropped in all); slow subscribers may have missed them`);
      this.#unreported = 0;
    }
  }

  #deliver(eventType: string, payload: EventPayload): void {
    for (const key of candidatePatterns(eventType)) {
      const list = this.#subscriptions.get(key);
      if (!list) continue;
      for (const subscription of [...list]) {
        if (subscription.once) this.unsubscribe(key, subscription.listener);
        try {
          subscription.listener(eventType, payload);
        } catch (err) {
          this.#logger.error(`event listener for '${key}' failed on '${eventType}': ${(err as Error)?.stack ?? String(err)}`);
        }
      }
    }
  }
}

// Every pattern that selects eventType: the wildcard and each whole-segment prefix.
function candidatePatterns(eventType: string): string[] {
  const result = ['.'];
  let at = eventType.indexOf('.');
  while (at >= 0) {
    result.push(eventType.slice(0, at));
    at = eventType.indexOf('.', at + 1);
  }
  result.push(eventType);
  return result;
}
