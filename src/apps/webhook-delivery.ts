// Delivery of webhook POSTs to one URL: a bounded queue sent in order, each
// POST with a timeout and retried with exponential backoff. Each URL has its
// own queue, so a dead or slow receiver only delays its own events.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Logger } from '../util/logger.js';
import { VERSION } from '../protocol/version.js';
import { redactCredentials } from '../util/redact.js';

export interface DeliveryOptions {
  /** Whole exchange (connect, send, response) of one POST (default 5 s). */
  timeoutMs: number;
  /** Further attempts after a failed one (default 3). */
  retries: number;
  /** Delay before the first retry, doubled for each next one (default 500 ms) ... */
  backoffMs: number;
  /** ... up to this (default 30 s). */
  maxBackoffMs: number;
  /** Events waiting for one URL; beyond it the oldest are dropped (default 1000). */
  queueLimit: number;
}

export const DEFAULT_DELIVERY_OPTIONS: Readonly<DeliveryOptions> = {
  timeoutMs: 5000, retries: 3, backoffMs: 500, maxBackoffMs: 30_000, queueLimit: 1000,
};

interface Delivery {
  event: string;
  body: string;
}

/** The outcome of one POST: delivered, or why not and whether trying again may help. */
type Attempt = { ok: true } | { ok: false; retryable: boolean; reason: string };

/** Keep-alive agents shared by every target of one Webhooks application. */
export class WebhookAgents {
  readonly http = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  #https: HttpsAgent | undefined;

  // node:https (and TLS) is loaded with the first https:// hook, not by every gafferd.
  get https(): HttpsAgent {
    this.#https ??= new (process.getBuiltinModule('node:https').Agent)({ keepAlive: true, maxSockets: 4 });
    return this.#https;
  }

  destroy(): void {
    this.http.destroy();
    this.#https?.destroy();
  }
}

/**
 * One receiver URL: events are POSTed one at a time, in order. A failed
 * POST (network error, timeout, 5xx, 408, 429) is retried after 0.5 s, 1 s,
 * 2 s...; other 4xx answers are final. A failure is logged with the URL
 * and the event once the retries are exhausted.
 */
export class WebhookTarget {
  readonly url: URL;
  /** The URL as logged: credentials masked. */
  readonly #shownUrl: string;
  readonly #options: DeliveryOptions;
  readonly #logger: Logger;
  readonly #agents: WebhookAgents;
  readonly #queue: Delivery[] = [];
  readonly #idleWaiters = new Set<() => void>();
  #busy = false;
  #closed = false;
  #dropped = 0;
  #droppedTotal = 0;
  #failedTotal = 0;
  #abort: (() => void) | undefined;

  constructor(url: URL, options: DeliveryOptions, logger: Logger, agents: WebhookAgents) {
    this.url = url;
    this.#shownUrl = redactCredentials(url.href);
    this.#options = options;
    this.#logger = logger;
    this.#agents = agents;
  }

  /** Events queued or being delivered. */
  get pending(): number {
    return this.#queue.length + (this.#busy ? 1 : 0);
  }

  /** Events dropped because the queue was full, since the target was created. */
  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  /** Events given up on after their retries, since the target was created. */
  get failedTotal(): number {
    return this.#failedTotal;
  }

  /** Queue one event; never blocks and never throws. */
  enqueue(event: string, payload: unknown): void {
    if (this.#closed) return;
    this.#queue.push({ event, body: JSON.stringify(payload) });
    if (this.#queue.length > this.#options.queueLimit) {
      this.#queue.shift();
      this.#droppedTotal += 1;
      if (this.#dropped++ === 0) {
        this.#logger.warn(`webhook ${this.#shownUrl}: ${this.#options.queueLimit} events are waiting; dropping the oldest until it answers again`);
      }
    }
    if (!this.#busy) void this.#pump();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.add(resolve));
  }

  /** Drop what is queued and abort the POST or the backoff in progress. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#abort?.();
    this.#settleIdle();
  }

  async #pump(): Promise<void> {
    this.#busy = true;
    while (this.#queue.length > 0 && !this.#closed) {
      await this.#deliver(this.#queue.shift()!);
    }
    this.#busy = false;
    this.#settleIdle();
  }

  async #deliver(delivery: Delivery): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.#post(delivery.body);
      if (this.#closed) return;
      if (result.ok) {
        if (this.#dropped > 0) this.#logger.info(`webhook ${this.#shownUrl} answers again; ${this.#dropped} event(s) were dropped meanwhile`);
        this.#dropped = 0;
        return;
      }
      if (!result.retryable || attempt >= this.#options.retries) {
        this.#failedTotal += 1;
        this.#logger.warn(`webhook POST ${this.#shownUrl} for event '${delivery.event}' failed (${result.reason})` +
          `${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}; event dropped`);
        return;
      }
      const delay = Math.min(this.#options.maxBackoffMs, this.#options.backoffMs * 2 ** attempt);
      this.#logger.debug(`webhook POST ${this.#shownUrl} for event '${delivery.event}' failed (${result.reason}); retrying in ${delay} ms`);
      await this.#sleep(delay);
      if (this.#closed) return;
    }
  }

  // One POST; settles on the response's end, an error, or the timeout (never rejects).
  #post(body: string): Promise<Attempt> {
    return new Promise((resolve) => {
      const isHttps = this.url.protocol === 'https:';
      const req = (isHttps ? process.getBuiltinModule('node:https').request : httpRequest)(this.url, {
        method: 'POST',
        agent: isHttps ? this.#agents.https : this.#agents.http,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'User-Agent': `gaffer/${VERSION}`,
        },
      });
      let settled = false;
      const finish = (attempt: Attempt): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#abort = undefined;
        resolve(attempt);
      };
      const timer = setTimeout(() => {
        finish({ ok: false, retryable: true, reason: `no answer within ${this.#options.timeoutMs} ms` });
        req.destroy();
      }, this.#options.timeoutMs);
      this.#abort = () => {
        finish({ ok: false, retryable: false, reason: 'webhooks stopped' });
        req.destroy();
      };
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => finish(statusAttempt(status)));
        res.on('error', (err) => finish({ ok: false, retryable: true, reason: err.message }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, retryable: true, reason: err.code ?? err.message }));
      req.end(body);
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#abort = () => {
        this.#abort = undefined;
        done();
      };
    });
  }

  #settleIdle(): void {
    if (this.pending > 0) return;
    for (const resolve of this.#idleWaiters) resolve();
    this.#idleWaiters.clear();
  }
}

function statusAttempt(status: number): Attempt {
  if (status >= 200 && status < 300) return { ok: true };
  return { ok: false, retryable: status >= 500 || status === 408 || status === 429, reason: `HTTP ${status}` };
}
