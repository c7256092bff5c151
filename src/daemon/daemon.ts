import { readFileSync } from 'node:fs';
import type { LookupRegistration } from '../apps/lookup-registration.js';
import { SockJsChannel } from '../apps/channel/sockjs-channel.js';
import { Webhooks } from '../apps/webhooks.js';
import { PluginHost } from '../apps/plugins/plugin-host.js';
import { diffJobs } from '../config/configured-job.js';
import { locateConfig, type ConfigLocation } from '../config/config-location.js';
import { loadGafferdConfig, type GafferdConfig } from '../config/gafferd-config.js';
import type { GafferdOverrides } from '../config/gafferd-overrides.js';
import type { Application } from '../core/application.js';
import { Manager } from '../core/manager.js';
import { findCycle } from '../core/dependencies.js';
import { parseJobPolicy } from '../core/job-policy.js';
import { parseJobName } from '../util/names.js';
import { ConfigError } from '../errors.js';
import { HttpServerApp } from '../http/server-app.js';
import { OriginPolicy } from '../httpkit/origin-policy.js';
import { Authenticator } from '../auth/authenticator.js';
import type { HttpListenerConfig } from '../http/listeners.js';
import { formatAddress, type ListenAddress } from '../util/address.js';
import { DaemonLogger } from './logger.js';
import { Pidfile } from './pidfile.js';
import { ChildRecord, recoverSurvivors } from './crash-recovery.js';
import { chooseStateDir } from './state-dir.js';
import { redactCredentials } from '../util/redact.js';

export interface DaemonOptions {
  /** `-c PATH` or the positional config (file or directory). */
  configPath?: string;
  overrides?: GafferdOverrides;
  /** 0, 1 (`-v`: every event) or 2 (`-vv`: events and process output). */
  verbose?: number;
  /** Console output destination and colour (verbose modes). */
  stdout?: NodeJS.WritableStream;
  color?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Log destination when no error_log is configured (default process.stderr). */
  stderr?: NodeJS.WritableStream;
  /** `--state-dir`: where the record of live children is kept for crash recovery (default: see chooseStateDir). */
  stateDir?: string;
}

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * gafferd's composition root: configuration → Manager → applications (HTTP,
 * console output), the pid file, the configured jobs, reload and shutdown.
 * Signals and process exit are left to the CLI (src/cli/gafferd).
 */
export class Daemon {
  readonly manager: Manager;
  #options: DaemonOptions;
  #location: ConfigLocation | undefined;
  #config: GafferdConfig | undefined;
  readonly #logger: DaemonLogger;
  #pidfile: Pidfile | undefined;
  #http: HttpServerApp | undefined;
  #originPolicy: OriginPolicy | undefined;
  #record: ChildRecord | undefined;
  #auth: Authenticator | undefined;
  #webhooks: Webhooks | undefined;
  #plugins: PluginHost | undefined;
  #state: State = 'new';
  #stopping: Promise<void> | undefined;
  #reloading: Promise<void> = Promise.resolve();
  #requestExit!: (code: number) => void;
  /**
   * Resolves with an exit status when gafferd itself decides to stop: a job with
   * `on_give_up = exit` flapped out (status 1, for containers and systemd).
   */
  readonly exitRequested: Promise<number> = new Promise((resolve) => { this.#requestExit = resolve; });

  constructor(options: DaemonOptions = {}) {
    this.#options = options;
    // A valid --log-format applies from the first line (a bad one is reported when the configuration is read).
    const format = options.overrides?.logFormat;
    this.#logger = new DaemonLogger({ stderr: options.stderr, format: format === 'json' || format === 'text' ? format : undefined });
    this.manager = new Manager({ logger: this.#logger });
  }

  get logger(): DaemonLogger {
    return this.#logger;
  }

  get config(): GafferdConfig | undefined {
    return this.#config;
  }

  /** The addresses the HTTP API listens on (after binding; port 0 resolved). */
  addresses(): ListenAddress[] {
    return this.#http?.addresses() ?? [];
  }

  /**
   * Read the configuration, write the pid file, start the Manager and its
   * applications, load the configured jobs. Throws on any startup error
   * (bad configuration, pid file, bind failure) after cleaning up.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new ConfigError(`gafferd cannot start: it is ${this.#state}`);
    this.#state = 'starting';
    try {
      const config = await this.#readConfig();
      this.#config = config;
      this.#logger.configure({ level: config.logLevel, file: config.errorLog, format: config.logFormat });
      for (const warning of config.warnings) this.#logger.warn(warning);
      if (config.pidfile) {
        this.#pidfile = new Pidfile(config.pidfile);
        this.#pidfile.create();
      }
      checkDependencies(config);
      await this.#recoverFromCrash(config);
      await this.manager.start();
      this.manager.events.subscribe('give_up', (_type, payload) => {
        if (payload.on_give_up !== 'exit') return;
        this.#logger.critical(`job '${String(payload.name)}' was given up and has on_give_up = exit: stopping gafferd with status 1`);
        this.#requestExit(1);
      });
      this.#auth = new Authenticator({
        required: config.requireKey,
        authDb: config.auth.authDb,
        keysDb: config.auth.keysDb,
        authBackend: config.auth.authBackend,
        keysBackend: config.auth.keysBackend,
        logger: this.#logger,
      });
      // With keys required, a broken key store fails the start instead of every request.
      if (config.requireKey) this.#auth.open();
      this.#originPolicy = new OriginPolicy({ allowedOrigins: config.allowedOrigins, serverNames: config.serverNames });
      this.#http = new HttpServerApp({
        listeners: toListeners(config), logger: this.#logger, authenticator: this.#auth, originPolicy: this.#originPolicy,
      });
      await this.manager.addApplication(this.#http, { critical: true });
      this.#record?.setBinds(this.#http.addresses().map(formatAddress));
      // Order: HTTP, SockJS channel, webhooks, plugins; they stop in reverse, so webhooks still
      // deliver the last stop/exit events.
      await this.manager.addApplication(new SockJsChannel({ host: this.#http, auth: this.#auth, logger: this.#logger }), { critical: true });
      this.#webhooks = new Webhooks({ hooks: config.webhooks, logger: this.#logger });
      await this.manager.addApplication(this.#webhooks);
      this.#plugins = new PluginHost({ dir: config.pluginsDir, config, host: this.#http, logger: this.#logger });
      await this.#plugins.load();
      await this.manager.addApplication(this.#plugins, { critical: true });
      for (const app of await this.#optionalApps()) await this.manager.addApplication(app);
      const lookup = await this.#lookupRegistration(config);
      if (lookup) await this.manager.addApplication(lookup);
      this.#loadJobs(config);
      this.#state = 'running';
      this.#logger.info(`gafferd started (pid ${process.pid}${config.configFile ? `, config ${config.configFile}` : ', no config file: defaults'})`);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stop every job (graceful), then the applications; remove the pid file. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      // After a failed start-up the error line is the only thing the operator should read.
      const quiet = this.#state === 'starting';
      this.#state = 'stopping';
      if (!quiet) this.#logger.info('gafferd stopping: stopping every job');
      await this.manager.stop();
      await this.#record?.close({ remove: true });
      this.#auth?.close();
      this.#pidfile?.unlink();
      this.#state = 'stopped';
      if (!quiet) this.#logger.info('gafferd stopped');
      await this.#logger.close();
    })();
    return this.#stopping;
  }

  /** SIGUSR1: reopen gafferd's log file and every job log file (after an external logrotate). */
  async reopenLogs(): Promise<void> {
    this.#logger.reopen();
    await this.manager.reopenLogs();
  }

  // If a previous gafferd with the same state directory was killed (SIGKILL, OOM), its children may
  // still run unsupervised: stop them (verified by start time, so a reused pid is never touched)
  // before any job starts, then record our own children for the next start.
  async #recoverFromCrash(config: GafferdConfig): Promise<void> {
    const binds = config.listeners.flatMap((l) => l.addresses);
    const stateDir = chooseStateDir({
      flag: this.#options.stateDir,
      env: this.#options.env ?? process.env,
      configFile: config.configFile,
      configDir: this.#location?.dirExists ? this.#location.configDir : undefined,
      binds,
    });
    const result = await recoverSurvivors(stateDir, { logger: this.#logger });
    if (result.error) throw result.error;
    this.#logger.debug(`state directory ${stateDir}`);
    this.#record = new ChildRecord({
      stateDir, logger: this.#logger,
      owner: { ...(config.configFile ? { config: config.configFile } : {}), binds: binds.map(formatAddress) },
    });
    this.#record.attach(this.manager);
  }

  /**
   * SIGHUP: re-read the configuration and apply only the difference: removed
   * jobs are unloaded, new jobs loaded, changed jobs updated; untouched jobs
   * keep their processes. A configuration that does not parse changes nothing.
   */
  reload(): Promise<void> {
    this.#reloading = this.#reloading.then(() => this.#reload());
    return this.#reloading;
  }

  async #reload(): Promise<void> {
    if (this.#state !== 'running' || !this.#config) return;
    let next: GafferdConfig;
    try {
      next = await this.#readConfig();
    } catch (err) {
      this.#logger.error(`reload failed, keeping the running configuration: ${(err as Error).message}`);
      return;
    }
    const before = this.#config;
    this.#logger.configure({ level: next.logLevel, file: next.errorLog, format: next.logFormat });
    const diff = diffJobs(before.jobs, next.jobs);
    this.#logger.info(`reloading the configuration: ${diff.added.length} new, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged.length} unchanged job(s)`);
    for (const job of before.jobs.filter((j) => diff.removed.includes(j.fullName))) {
      this.manager.unload(job.config.name, job.sessionid)
        .catch((err: unknown) => this.#logger.error(`unloading '${job.fullName}' failed: ${(err as Error).message}`));
    }
    for (const job of next.jobs) {
      try {
        if (diff.added.includes(job.fullName)) {
          this.manager.load(job.config, { sessionid: job.sessionid, start: job.start });
        } else if (diff.changed.includes(job.fullName)) {
          await this.#applyChange(job);
        }
      } catch (err) {
        this.#logger.error(`reload of job '${job.fullName}' failed: ${(err as Error).message}`);
      }
    }
    if (next.pidfile && this.#pidfile && next.pidfile !== this.#pidfile.path) this.#pidfile.rename(next.pidfile);
    this.#webhooks?.reload(next.webhooks);
    try {
      await this.#plugins?.reload({ dir: next.pluginsDir, config: next });
    } catch (err) {
      this.#logger.error(`reloading the plugins failed: ${(err as Error).message}`);
    }
    if (next.requireKey !== before.requireKey) {
      this.#auth?.setRequired(next.requireKey);
      this.#logger.info(`API keys are now ${next.requireKey ? 'required' : 'not required'}`);
    }
    if (JSON.stringify([next.allowedOrigins, next.serverNames]) !== JSON.stringify([before.allowedOrigins, before.serverNames])) {
      this.#originPolicy?.update({ allowedOrigins: next.allowedOrigins, serverNames: next.serverNames });
      this.#logger.info(`allowed origins: ${next.allowedOrigins.join(', ') || '(same-origin only)'}; server names: ${next.serverNames.join(', ') || '(loopback names only)'}`);
    }
    if (JSON.stringify(next.lookupdAddresses) !== JSON.stringify(before.lookupdAddresses)) {
      this.#logger.warn('the lookupd addresses changed in the configuration; restart gafferd to register with the new ones');
    }
    if (JSON.stringify(toListeners(next)) !== JSON.stringify(toListeners(before))) {
      this.#logger.warn('the listen addresses changed in the configuration; restart gafferd to rebind them');
    }
    this.#config = { ...next, listeners: before.listeners };
  }

  // A changed job: the new config replaces the old (processes restart only if a process setting
  // changed) and its target becomes the configured numprocesses. The job is addressed by session
  // AND short name: `[process:app:web]` and `[process:web]` are two jobs named `web`.
  async #applyChange(configured: GafferdConfig['jobs'][number]): Promise<void> {
    const { sessionid, config } = configured;
    const job = this.manager.getJob(config.name, sessionid);
    // A failed rolling update is logged by the Manager; the old processes keep running.
    this.manager.update({ ...config }, { sessionid }).catch(() => {});
    if (!job.stopped && !job.idle && job.numprocesses !== config.numprocesses) this.manager.scale(config.name, { op: 'set', n: config.numprocesses }, sessionid);
  }

  async #readConfig(): Promise<GafferdConfig> {
    const env = this.#options.env ?? process.env;
    this.#location ??= locateConfig(this.#options.configPath, env);
    return loadGafferdConfig(this.#location.configFile, {
      configDir: this.#location.configDir,
      env,
      overrides: this.#options.overrides,
    });
  }

  // Applications only some configurations use are imported when used (chalk, ws client, dns):
  // a gafferd that does not need them does not hold them in memory.
  async #optionalApps(): Promise<Application[]> {
    const apps: Application[] = [];
    const verbose = this.#options.verbose ?? 0;
    if (verbose > 0) {
      const { ConsoleOutput } = await import('../apps/console-output.js');
      apps.push(new ConsoleOutput({
        output: this.#options.stdout, color: this.#options.color, events: ['.'], streams: verbose > 1,
      }));
    }
    return apps;
  }

  // Registration with every configured lookupd; the broadcast address defaults to
  // <scheme>://<fqdn>:<port of the first TCP listener>.
  async #lookupRegistration(config: GafferdConfig): Promise<LookupRegistration | undefined> {
    if (config.lookupdAddresses.length === 0) return undefined;
    const { LookupRegistration, resolveFqdn } = await import('../apps/lookup-registration.js');
    let broadcast = config.broadcastAddress;
    if (!broadcast) {
      const tcp = this.addresses().find((a) => a.kind === 'tcp');
      const tls = config.listeners.some((l) => l.certfile);
      broadcast = `${tls ? 'https' : 'http'}://${await resolveFqdn()}:${tcp?.kind === 'tcp' ? tcp.port : 5000}`;
    }
    const ssl = config.lookupSsl;
    const tls = ssl.caCerts || ssl.certfile || ssl.keyfile ? {
      ca: ssl.caCerts ? readTlsFile(ssl.caCerts, 'lookup_ssl') : undefined,
      cert: ssl.certfile ? readTlsFile(ssl.certfile, 'lookup_ssl') : undefined,
      key: ssl.keyfile ? readTlsFile(ssl.keyfile, 'lookup_ssl') : undefined,
    } : undefined;
    this.#logger.info(`registering with lookupd ${redactCredentials(config.lookupdAddresses.join(', '))} as ${broadcast}`);
    return new LookupRegistration({ addresses: config.lookupdAddresses, broadcastAddress: broadcast, tls, logger: this.#logger });
  }

  #loadJobs(config: GafferdConfig): void {
    for (const job of config.jobs) {
      try {
        this.manager.load(job.config, { sessionid: job.sessionid, start: job.start });
      } catch (err) {
        this.#logger.error(`job '${job.fullName}' could not be loaded: ${(err as Error).message}`);
      }
    }
  }
}

// A dependency cycle in the configuration is a start-up error naming the cycle.
function checkDependencies(config: GafferdConfig): void {
  const graph = new Map<string, string[]>();
  for (const job of config.jobs) {
    const deps = parseJobPolicy(job.config).dependsOn.map((d) => {
      const parsed = parseJobName(d, job.sessionid);
      return `${parsed.sessionid}.${parsed.name}`;
    });
    graph.set(job.fullName, deps);
  }
  const cycle = findCycle(graph);
  if (cycle) throw new ConfigError(`${config.configFile ?? 'configuration'}: depends_on forms a cycle: ${cycle.join(' -> ')}`);
}

/** The HTTP listeners of a configuration (TLS files are read here; an unreadable file is a ConfigError). */
export function toListeners(config: GafferdConfig): HttpListenerConfig[] {
  const listeners: HttpListenerConfig[] = [];
  for (const endpoint of config.listeners) {
    let tls: HttpListenerConfig['tls'];
    if (endpoint.certfile && endpoint.keyfile) {
      tls = { cert: readTlsFile(endpoint.certfile, `endpoint:${endpoint.name}`), key: readTlsFile(endpoint.keyfile, `endpoint:${endpoint.name}`) };
      // The default listener (no [endpoint:*] in use) also takes [ssl] ca_certs / cert_reqs: client certificates.
      if (config.endpoints.length === 0 && config.ssl.caCerts) {
        tls.ca = readTlsFile(config.ssl.caCerts, 'ssl');
        tls.requestCert = (config.ssl.certReqs ?? 'none') !== 'none';
        tls.rejectUnauthorized = config.ssl.certReqs === 'required';
      }
    }
    for (const address of endpoint.addresses) listeners.push({ address, backlog: endpoint.backlog, tls });
  }
  return listeners;
}

function readTlsFile(path: string, endpoint: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`[${endpoint}]: cannot read TLS file '${path}': ${(err as Error).message}`, { cause: err });
  }
}

