// Webhooks (plugins-webhooks.md → Webhooks): `event = url` hooks POST every
// matching event as JSON. Keys match the legacy stream exactly (`.` = every
// legacy event); keys naming canonical-only types match canonical events.
import { PORT_EVENTS } from '../protocol/events.js';
import { fullNameOfLegacy } from '../util/names.js';
import type { Application } from '../core/application.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { Manager } from '../core/manager.js';
import type { EventPayload } from '../protocol/events.js';
import { redactCredentials } from '../util/redact.js';
import type { MetricFamily, Sample } from '../util/prometheus-text.js';
import { DEFAULT_DELIVERY_OPTIONS, WebhookAgents, WebhookTarget, type DeliveryOptions } from './webhook-delivery.js';
import { legacyEventsOf } from '../legacy/legacy-events.js';

/** One hook: an event type (or `.`) and the URL its events are POSTed to. */
export interface WebhookHook {
  event: string;
  url: string;
}

export interface WebhooksOptions extends Partial<DeliveryOptions> {
  /** Initial hooks: `{event, url}` objects or `[event, url]` pairs. */
  hooks?: Iterable<WebhookHook | readonly [string, string]>;
  /** Default: the Manager's logger. */
  logger?: Logger;
  /** How long `stop()` waits for queued events to be delivered (default 2 s). */
  drainMs?: number;
}

/**
 * Legacy event types that gaffer 0.5 also emitted under the same name: their hooks get the full
 * job name (`default.web`), as 0.5's webhooks sent it; the 0.4-only types keep the legacy name.
 */
const FULL_NAME_TYPES = new Set<string>(['start', 'stop', 'update', 'spawn', 'reap', 'exit', 'flap']);

/** Canonical event types with no legacy equivalent: hooks on them get the canonical event. */
const CANONICAL_ONLY = new Set<string>(['load', 'unload', 'stop_process', ...PORT_EVENTS]);

/** Does `type` exist only in the canonical stream (`load`, `job.<F>.<action>`, `proc.<pid>.<action>`...)? */
export function isCanonicalOnly(type: string): boolean {
  return CANONICAL_ONLY.has(type) || type.startsWith('job.') || /^proc\.\d+\.[^.]+$/.test(type);
}

/**
 * The webhooks application. Listens to events only while hooks exist; the
 * Manager never waits for a POST (see WebhookTarget for the delivery rules).
 */
export class Webhooks implements Application {
  readonly name = 'webhooks';
  readonly #delivery: DeliveryOptions;
  readonly #drainMs: number;
  readonly #hooks = new Map<string, Set<string>>();
  readonly #targets = new Map<string, WebhookTarget>();
  #agents = new WebhookAgents();
  #logger: Logger;
  readonly #ownLogger: boolean;
  #manager: Manager | undefined;
  #listening = false;

  constructor(options: WebhooksOptions = {}) {
    const { hooks, logger, drainMs, ...delivery } = options;
    this.#delivery = { ...DEFAULT_DELIVERY_OPTIONS, ...definedOnly(delivery) };
    this.#drainMs = drainMs ?? 2000;
    this.#logger = logger ?? silentLogger;
    this.#ownLogger = logger !== undefined;
    for (const hook of hooks ?? []) {
      const [event, url] = Array.isArray(hook) ? hook : [(hook as WebhookHook).event, (hook as WebhookHook).url];
      this.registerHook(event, url);
    }
  }

  /** The registered hooks, in registration order. */
  get hooks(): WebhookHook[] {
    return [...this.#hooks].flatMap(([event, urls]) => [...urls].map((url) => ({ event, url })));
  }

  /** Events queued or being delivered, every URL together. */
  get pending(): number {
    let n = 0;
    for (const target of this.#targets.values()) n += target.pending;
    return n;
  }

  /** `/metrics` families: queue depth, failed and dropped deliveries per URL (credentials hidden). */
  collectMetrics(): MetricFamily[] {
    const per = (pick: (t: WebhookTarget) => number): Sample[] =>
      [...this.#targets.values()].map((t) => ({ labels: { url: redactCredentials(t.url.href) }, value: pick(t) }));
    return [
      { name: 'gaffer_webhook_queue_depth', help: 'Events queued or being delivered to the webhook.', type: 'gauge', samples: per((t) => t.pending) },
      { name: 'gaffer_webhook_failures_total', help: 'Events the webhook did not accept after every retry.', type: 'counter', samples: per((t) => t.failedTotal) },
      { name: 'gaffer_webhook_dropped_total', help: 'Events dropped because the webhook queue was full.', type: 'counter', samples: per((t) => t.droppedTotal) },
    ];
  }

  /**
   * POST the events of type `event` (or every legacy event for `.`) to
   * `url`. A malformed or non-HTTP URL is logged and ignored (false).
   */
  registerHook(event: string, url: string): boolean {
    const parsed = parseHookUrl(url);
    if (!parsed) {
      this.#logger.warn(`webhook for '${event}': invalid URL '${redactCredentials(url)}' (expected http://... or https://...); ignored`);
      return false;
    }
    const key = event.trim();
    let urls = this.#hooks.get(key);
    if (!urls) this.#hooks.set(key, (urls = new Set()));
    urls.add(parsed.href);
    this.#updateListening();
    return true;
  }

  /** Remove one hook; true when it existed. Events already queued for it are still delivered. */
  unregisterHook(event: string, url: string): boolean {
    const key = event.trim();
    const urls = this.#hooks.get(key);
    const href = parseHookUrl(url)?.href ?? url;
    if (!urls?.delete(href)) return false;
    if (urls.size === 0) this.#hooks.delete(key);
    this.#updateListening();
    return true;
  }

  /** Replace every hook (SIGHUP): removed ones are unregistered, new ones registered, kept ones untouched. */
  reload(hooks: Iterable<WebhookHook>): void {
    const next = [...hooks].map((h) => ({ event: h.event.trim(), url: parseHookUrl(h.url)?.href ?? h.url }));
    const wanted = new Set(next.map((h) => `${h.event}\u0000${h.url}`));
    for (const hook of this.hooks) if (!wanted.has(`${hook.event}\u0000${hook.url}`)) this.unregisterHook(hook.event, hook.url);
    for (const hook of next) if (!this.#hooks.get(hook.event)?.has(hook.url)) this.registerHook(hook.event, hook.url);
  }

  /** Resolves once every queued event was delivered or given up. */
  async idle(): Promise<void> {
    await Promise.all([...this.#targets.values()].map((t) => t.idle()));
  }

  start(manager: Manager): void {
    this.#manager = manager;
    if (!this.#ownLogger) this.#logger = manager.logger;
    this.#updateListening();
  }

  /** Stop listening, give queued events `drainMs` to go out, then abort the rest. */
  async stop(): Promise<void> {
    this.#setListening(false);
    this.#manager = undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.#drainMs); });
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
    const lost = this.pending;
    if (lost > 0) this.#logger.warn(`webhooks stopping: ${lost} event(s) not delivered`);
    for (const target of this.#targets.values()) target.close();
    this.#targets.clear();
    this.#agents.destroy();
    this.#agents = new WebhookAgents();
  }

  /** Hooks are kept across a reload; `reload(hooks)` replaces them. */
  restart(): void {}

  readonly #onLegacy = (type: string, legacy: EventPayload): void => {
    const payload = FULL_NAME_TYPES.has(type) && typeof legacy.name === 'string' ? { ...legacy, name: fullNameOfLegacy(legacy.name) } : legacy;
    this.#post(this.#hooks.get(type), type, payload);
    this.#post(this.#hooks.get('.'), type, payload);
  };

  readonly #onCanonical = (type: string, payload: EventPayload): void => {
    if (isCanonicalOnly(type)) this.#post(this.#hooks.get(type), type, payload);
  };

  #post(urls: Set<string> | undefined, type: string, payload: EventPayload): void {
    if (!urls) return;
    for (const url of urls) this.#target(url).enqueue(type, payload);
  }

  #target(href: string): WebhookTarget {
    let target = this.#targets.get(href);
    if (!target) {
      target = new WebhookTarget(new URL(href), this.#delivery, this.#logger, this.#agents);
      this.#targets.set(href, target);
    }
    return target;
  }

  #updateListening(): void {
    this.#setListening(this.#manager !== undefined && this.#hooks.size > 0);
  }

  // Subscribed only while hooks exist, so an idle bus costs nothing.
  #setListening(on: boolean): void {
    const manager = this.#manager;
    if (on === this.#listening || !manager) return;
    this.#listening = on;
    if (on) {
      legacyEventsOf(manager).subscribe('.', this.#onLegacy);
      manager.events.subscribe('.', this.#onCanonical);
    } else {
      legacyEventsOf(manager).unsubscribe('.', this.#onLegacy);
      manager.events.unsubscribe('.', this.#onCanonical);
    }
  }
}

function parseHookUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
