import type { Server } from 'node:http';
import type { Authenticator } from '../auth/authenticator.js';
import type { Application } from '../core/application.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { Manager } from '../core/manager.js';
import { gafferError } from '../errors.js';
import { DEFAULT_JSON_LIMIT, DEFAULT_STDIN_LIMIT } from '../httpkit/body.js';
import { createRequestListener, type Mount, type MountHandler } from '../httpkit/dispatcher.js';
import { DEFAULT_FEED_BUFFER_LIMIT, FeedRegistry } from '../httpkit/feeds.js';
import { OriginPolicy } from '../httpkit/origin-policy.js';
import { Router } from '../httpkit/router.js';
import { UpgradeRouter, type RawUpgradeHandler, type UpgradePredicate } from '../httpkit/upgrade.js';
import { formatAddress, type ListenAddress } from '../util/address.js';
import { isMetricsSource, type MetricFamily } from '../util/prometheus-text.js';
import { ManagerMetrics } from '../core/manager-metrics.js';
import { legacyEventsOf } from '../legacy/legacy-events.js';
import { ConnectionTracker, bindListener, boundAddress, closeServer, type HttpListenerConfig } from './listeners.js';
import { registerPidChannel } from './pid-channel.js';
import { authorizeWith, checkPermission, type AuthorizeHook } from './permissions.js';
import type { HttpLimits, HttpRouter, RouteDeps } from './route-support.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerCommonRoutes } from './routes-common.js';
import { registerMetricsRoute } from './routes-metrics.js';
import { registerV04GroupRoutes } from './v04/groups-routes.js';
import { registerV04ProcessRoutes } from './v04/processes-routes.js';
import { registerV04StreamRoutes } from './v04/streams-routes.js';
import { registerV04WatchStatsRoutes } from './v04/watch-stats-routes.js';
import { registerV05JobActionRoutes } from './routes-v05-job-actions.js';
import { registerV05JobRoutes } from './routes-v05-jobs.js';
import { registerV05LogfileRoutes } from './routes-v05-logfile.js';
import { registerV05OutputRoutes } from './routes-v05-output.js';
import { registerV05ProcessRoutes } from './routes-v05-processes.js';
import { registerWstreams } from './wstreams.js';

export interface HttpServerAppOptions {
  /** Where to listen; every listener serves the same application. */
  listeners: HttpListenerConfig[];
  logger?: Logger;
  /** Permission hook called before every route that needs a permission (default: allow all). */
  authorize?: AuthorizeHook;
  /**
   * API keys and users (auth.md): serves `/auth`, `/keys`, `/users`, checks
   * every route's permission (instead of `authorize`) and authenticates the
   * websocket endpoints. Owned by the caller, which closes it.
   */
  authenticator?: Authenticator;
  limits?: Partial<HttpLimits>;
  /**
   * Which browser origins and Host names are accepted (docs/security.md);
   * default: same-origin pages only, loopback names only. Owned by the
   * caller, which may `update` it (reload).
   */
  originPolicy?: OriginPolicy;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = {
  jsonBody: DEFAULT_JSON_LIMIT,
  stdinBody: DEFAULT_STDIN_LIMIT,
  feedBuffer: DEFAULT_FEED_BUFFER_LIMIT,
  wsBuffer: 8 * 1024 * 1024,
  wsMessage: 16 * 1024 * 1024,
};

/** After this long, a stop closes connections that are still busy (long requests, slow clients). */
export const FORCE_CLOSE_MS = 2000;

type State = 'new' | 'starting' | 'listening' | 'stopping' | 'stopped';

/**
 * gafferd's HTTP application: the 0.4 and 0.5 routes and websocket endpoints
 * over one Manager, on every listener. Later work plugs in with `mount`
 * (SockJS `/channel`, `/_plugin/<name>/` sites) and `addUpgradeHandler`.
 */
export class HttpServerApp implements Application {
  readonly name = 'http';
  readonly #listeners: HttpListenerConfig[];
  readonly #logger: Logger;
  readonly #feeds: FeedRegistry;
  readonly #upgrades: UpgradeRouter;
  readonly #mounts: Mount[] = [];
  readonly #onRequest: ReturnType<typeof createRequestListener>;
  readonly #connections = new ConnectionTracker();
  #manager: Manager | undefined;
  #metrics: ManagerMetrics | undefined;
  #servers: Server[] = [];
  #state: State = 'new';
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: HttpServerAppOptions) {
    this.#listeners = [...options.listeners];
    this.#logger = options.logger ?? silentLogger;
    const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
    this.#feeds = new FeedRegistry(this.#logger);
    const auth = options.authenticator;
    const deps: RouteDeps = { manager: () => this.#requireManager(), feeds: this.#feeds, logger: this.#logger, limits, auth };
    const router: HttpRouter = new Router();
    registerCommonRoutes(router);
    registerMetricsRoute(router, () => this.#collectMetrics());
    registerRoutes(router, deps);
    if (auth) registerAuthRoutes(router, deps, auth);
    const policy = options.originPolicy ?? new OriginPolicy();
    this.#upgrades = new UpgradeRouter({ logger: this.#logger, maxPayload: limits.wsMessage, policy });
    registerWstreams(this.#upgrades, deps);
    registerPidChannel(this.#upgrades, deps);
    const authorize = auth ? authorizeWith(auth) : options.authorize;
    this.#onRequest = createRequestListener({
      router,
      logger: this.#logger,
      mounts: this.#mounts,
      policy,
      before: (ctx, auth) => checkPermission(authorize, ctx, auth),
    });
  }

  /** Bind every listener; if one fails, the others are closed and the error names the address. */
  start(manager: Manager): Promise<void> {
    if (this.#state === 'starting' || this.#state === 'listening') return Promise.reject(new Error('the HTTP application is already started'));
    this.#manager = manager;
    if (this.#metrics === undefined) {
      this.#metrics = new ManagerMetrics(manager, { queues: { legacy: legacyEventsOf(manager) } });
      this.#metrics.start();
    }
    this.#state = 'starting';
    this.#stopping = undefined;
    this.#starting = this.#bindAll();
    return this.#starting;
  }

  async #bindAll(): Promise<void> {
    this.#connections.reset();
    const bound: Server[] = [];
    try {
      for (const listener of this.#listeners) {
        const server = await bindListener(listener, { request: this.#onRequest, upgrade: (req, socket, head) => this.#upgrades.handle(req, socket, head) });
        this.#connections.watch(server);
        bound.push(server);
      }
    } catch (err) {
      await Promise.allSettled(bound.map(closeServer));
      this.#state = 'stopped';
      throw err;
    }
    this.#servers = bound;
    this.#state = 'listening';
    for (const server of bound) {
      const address = boundAddress(server);
      if (address) this.#logger.info(`HTTP API listening on ${formatAddress(address)}`);
    }
  }

  /** Stop listening, end every feed and websocket, close connections. Idempotent (memoised). */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /** Close and bind the listeners again (same Manager). */
  async restart(): Promise<void> {
    await this.stop();
    if (this.#manager) await this.start(this.#manager);
  }

  /** The addresses actually bound (real ports when 0 was asked), in listener order. */
  addresses(): ListenAddress[] {
    return this.#servers.map(boundAddress).filter((a): a is ListenAddress => a !== undefined);
  }

  /** The underlying servers (for integrations that must attach to a node:http server directly). */
  get servers(): readonly Server[] {
    return this.#servers;
  }

  /**
   * Requests whose path is `prefix` or below go to `handler` before the
   * routes (origin checked, CORS headers already set). `guarded`: its GETs
   * may act too, so cross-site ones are refused as well.
   */
  mount(prefix: string, handler: MountHandler, options: { guarded?: boolean } = {}): void {
    this.#mounts.push({ prefix, handler, guarded: options.guarded === true });
  }

  /** Upgrade requests whose path satisfies `predicate` go to `handler` before the websocket endpoints. */
  addUpgradeHandler(predicate: UpgradePredicate, handler: RawUpgradeHandler): void {
    this.#upgrades.addRaw(predicate, handler);
  }

  async #shutdown(): Promise<void> {
    // A stop during start waits for the binding, so no listener is left open behind it.
    await this.#starting?.catch(() => {});
    this.#state = 'stopping';
    const servers = this.#servers;
    this.#servers = [];
    const closing = servers.map(closeServer);
    this.#connections.drain();
    // Ending a feed finishes its response; the tracker then ends its connection.
    this.#feeds.endAll();
    const sockets = this.#upgrades.closeAll();
    const force = setTimeout(() => {
      this.#connections.destroyAll();
      servers.forEach((s) => s.closeAllConnections());
    }, FORCE_CLOSE_MS);
    const results = await Promise.allSettled([...closing, sockets]);
    clearTimeout(force);
    for (const r of results) if (r.status === 'rejected') this.#logger.error(`HTTP shutdown: ${String(r.reason)}`);
    this.#state = 'stopped';
  }

  /** Every `/metrics` family: the Manager's, this server's, gafferd's own process, then each application's. */
  async #collectMetrics(): Promise<MetricFamily[]> {
    const manager = this.#requireManager();
    const families = await (this.#metrics ??= new ManagerMetrics(manager, { queues: { legacy: legacyEventsOf(manager) } })).collect();
    families.push(
      { name: 'gaffer_feed_clients', help: 'HTTP feed clients connected (longpoll, continuous, eventsource).', type: 'gauge', samples: [{ value: this.#feeds.size }] },
      { name: 'gaffer_websocket_clients', help: 'Websocket clients connected (/wstreams, PID channel).', type: 'gauge', samples: [{ value: this.#upgrades.clients.size }] },
      ...daemonProcessFamilies(),
    );
    for (const app of manager.applications) {
      if (app !== this && isMetricsSource(app)) families.push(...await app.collectMetrics());
    }
    return families;
  }

  #requireManager(): Manager {
    if (!this.#manager) throw gafferError('GAFFER_ERR_NOT_STARTED', 'the HTTP application has not been started');
    return this.#manager;
  }
}

// Order matters: specific routes before catch-alls, literal first segments before `/<pid>`.
function registerRoutes(router: HttpRouter, deps: RouteDeps): void {
  // Before the 0.4 process routes: their catch-all for unknown actions would take /processes/<name>/output.
  registerV05OutputRoutes(router, deps);
  registerV04ProcessRoutes(router, deps);
  registerV04GroupRoutes(router, deps);
  registerV04WatchStatsRoutes(router, deps);
  registerV04StreamRoutes(router, deps);
  registerV05JobRoutes(router, deps);
  registerV05JobActionRoutes(router, deps);
  registerV05LogfileRoutes(router, deps);
  registerV05ProcessRoutes(router, deps);
}

/** The standard `process_*` families of gafferd itself. */
function daemonProcessFamilies(): MetricFamily[] {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return [
    { name: 'process_cpu_seconds_total', help: 'User and system CPU time of gafferd.', type: 'counter', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory of gafferd.', type: 'gauge', samples: [{ value: memory.rss }] },
    { name: 'process_start_time_seconds', help: 'When gafferd started (Unix time).', type: 'gauge', samples: [{ value: Math.round((Date.now() / 1000 - process.uptime()) * 1000) / 1000 }] },
    { name: 'nodejs_heap_used_bytes', help: 'V8 heap used by gafferd.', type: 'gauge', samples: [{ value: memory.heapUsed }] },
  ];
}
