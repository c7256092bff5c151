// gafferd's registration with gaffer_lookupd (lookupd.md "How gafferd
// registers"): one websocket per lookupd address, IDENTIFY, a full snapshot
// of jobs and pids on every (re)connect, then canonical events forwarded as
// registration messages. Each link retries on its own with jittered
// exponential backoff; a lookupd going away never affects the Manager.
import { lookup, lookupService } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { Application } from '../core/application.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { Manager } from '../core/manager.js';
import { ConfigError } from '../errors.js';
import type { EventPayload } from '../protocol/events.js';
import { redactCredentials } from '../util/redact.js';
import { LOOKUPD_PROTOCOL_VERSION, lookupdWebsocketUrl } from '../protocol/lookupd.js';
import type { MetricFamily } from '../util/prometheus-text.js';
import { LookupdLink, type Snapshot } from './lookupd-link.js';

export interface LookupRegistrationOptions {
  /** lookupd HTTP addresses (`http://host:5010`, `https://...`); duplicates are opened once. */
  addresses: string[];
  /** Origin announced in IDENTIFY (this gafferd's public URL, `http://` or `https://`). */
  broadcastAddress: string;
  /** Node name (default: the host's fully qualified name). */
  name?: string;
  /** PING period in ms (default 15000); a link that hears nothing for two periods reconnects. */
  pingInterval?: number;
  /** Reconnection backoff bounds in ms (default 1000 .. 30000). */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  logger?: Logger;
}

/** Connection state of one lookupd link. */
export type LinkState = 'connecting' | 'identifying' | 'registered' | 'waiting' | 'closed';

const REGISTRATION_EVENTS = ['load', 'unload', 'spawn', 'exit', 'stop_process'] as const;

/** Keeps every configured lookupd informed of this Manager's jobs and processes. */
export class LookupRegistration implements Application {
  readonly name = 'lookup-registration';
  readonly #options: LookupRegistrationOptions;
  readonly #urls: string[];
  readonly #logger: Logger;
  #links: LookupdLink[] = [];
  #manager: Manager | undefined;
  readonly #listener = (type: string, payload: EventPayload): void => {
    for (const link of this.#links) link.forward(type, payload);
  };

  constructor(options: LookupRegistrationOptions) {
    if (!/^https?:\/\//.test(options.broadcastAddress)) {
      throw new ConfigError(`invalid broadcast address ${JSON.stringify(options.broadcastAddress)}: it must start with http:// or https://`);
    }
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    try {
      this.#urls = [...new Set(options.addresses.map((a) => lookupdWebsocketUrl(a)))];
    } catch (err) {
      throw new ConfigError((err as Error).message, { cause: err });
    }
  }

  /** State of each link, by websocket URL. */
  links(): Array<{ url: string; state: LinkState }> {
    return this.#links.map((l) => ({ url: l.url, state: l.state }));
  }

  /** `/metrics` families: 1 for each lookupd this node is registered with. */
  collectMetrics(): MetricFamily[] {
    return [{
      name: 'gaffer_lookupd_link_up',
      help: '1 while this node is registered with the lookupd, 0 while it connects or waits to retry.',
      type: 'gauge',
      samples: this.#links.map((l) => ({ labels: { url: redactCredentials(l.url) }, value: l.state === 'registered' ? 1 : 0 })),
    }];
  }

  async start(manager: Manager): Promise<void> {
    this.#manager = manager;
    const identity = {
      name: this.#options.name ?? await resolveFqdn(),
      origin: this.#options.broadcastAddress,
      version: LOOKUPD_PROTOCOL_VERSION,
    };
    const snapshot = (): Snapshot => manager.allJobs().map((job) => ({ jobName: job.fullName, pids: job.processes.map((p) => p.pid) }));
    for (const event of REGISTRATION_EVENTS) manager.events.subscribe(event, this.#listener);
    this.#links = this.#urls.map((url) => new LookupdLink(url, identity, snapshot, this.#options, this.#logger));
    for (const link of this.#links) link.connect();
  }

  async stop(): Promise<void> {
    if (this.#manager) for (const event of REGISTRATION_EVENTS) this.#manager.events.unsubscribe(event, this.#listener);
    const links = this.#links;
    this.#links = [];
    await Promise.allSettled(links.map((l) => l.close()));
  }

  /** Close every link and open them again: all jobs are registered anew. */
  async restart(): Promise<void> {
    const manager = this.#manager;
    await this.stop();
    if (manager) await this.start(manager);
  }
}

/** The host's fully qualified name (a reverse lookup of its own address), else its plain hostname. */
export async function resolveFqdn(timeoutMs = 2000): Promise<string> {
  const host = hostname();
  if (host.includes('.')) return host;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), timeoutMs); });
  try {
    const resolved = await Promise.race([
      lookup(host).then(({ address }) => lookupService(address, 0)),
      timeout,
    ]);
    return resolved.hostname.startsWith(`${host}.`) ? resolved.hostname : host;
  } catch {
    return host;
  }
  finally {
    clearTimeout(timer);
  }
}
