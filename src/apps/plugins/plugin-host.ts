// gafferd's plugins as one Application (plugins-webhooks.md → Lifecycle): it
// loads the plugin directory, starts and stops the plugin applications with
// the Manager, rescans on reload, and serves `/_plugin/<name>/` sites.
import type { Application } from '../../core/application.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import type { Manager } from '../../core/manager.js';
import { ConfigError } from '../../errors.js';
import type { MountHandler } from '../../httpkit/dispatcher.js';
import { defaultBuiltinSites } from './builtin-sites.js';
import { isDirectory } from './plugin-folders.js';
import { loadPlugins, requiredNames, type LoadedPlugin, type PluginSet } from './plugin-loader.js';
import { PLUGIN_SITE_PREFIX, PluginSites, type BuiltinSite } from './plugin-sites.js';

/** Where sites are mounted (structurally the HTTP server application). */
export interface SiteHost {
  mount(prefix: string, handler: MountHandler): void;
}

export interface PluginHostOptions {
  /** The plugin directory (`-p`, `[gaffer] plugins_dir`...); missing = no plugins. */
  dir: string | undefined;
  /** Given to every plugin's `app(cfg)`: the parsed gafferd configuration. */
  config?: unknown;
  /** Serve `/_plugin/<name>/` on this server (no sites without it). */
  host?: SiteHost;
  /** Default: the Manager's logger. */
  logger?: Logger;
  /** Sites shipped with gaffer (default: the dashboard); `false` for none. */
  builtinSites?: ReadonlyMap<string, BuiltinSite> | false;
}

/** What is known about one loaded plugin. */
export interface PluginInfo {
  folder: string;
  name: string;
  version: string;
  description: string;
  mandatory: string[];
  hasApp: boolean;
}

export class PluginHost implements Application {
  readonly name = 'plugins';
  readonly #options: PluginHostOptions;
  readonly #sites: PluginSites;
  readonly #builtins: ReadonlyMap<string, BuiltinSite>;
  #dir: string | undefined;
  #config: unknown;
  #logger: Logger;
  #set: PluginSet | undefined;
  #started: LoadedPlugin[] = [];
  #manager: Manager | undefined;
  #mounted = false;

  constructor(options: PluginHostOptions) {
    this.#options = options;
    this.#dir = options.dir;
    this.#config = options.config;
    this.#logger = options.logger ?? silentLogger;
    this.#builtins = options.builtinSites === false ? new Map() : options.builtinSites ?? defaultBuiltinSites();
    // The logger is read on each use: it becomes the Manager's at start.
    const logger: Logger = {
      debug: (m) => this.#logger.debug(m), info: (m) => this.#logger.info(m), warn: (m) => this.#logger.warn(m), error: (m) => this.#logger.error(m),
    };
    this.#sites = new PluginSites({ pluginDir: () => this.#dir, builtins: this.#builtins, logger });
  }

  /** The loaded plugins (after `load()`). */
  get plugins(): PluginInfo[] {
    return (this.#set?.plugins ?? []).map((p) => ({
      folder: p.folder, name: p.name, version: p.version, description: p.description, mandatory: [...p.mandatory], hasApp: p.app !== undefined,
    }));
  }

  get sites(): PluginSites {
    return this.#sites;
  }

  get dir(): string | undefined {
    return this.#dir;
  }

  /**
   * Scan the plugin directory and instantiate every plugin. Throws a
   * ConfigError gafferd reports before starting anything: a plugin without
   * a name, or a mandatory plugin that is missing or failed to load.
   */
  async load(): Promise<void> {
    if (this.#options.logger === undefined && this.#manager) this.#logger = this.#manager.logger;
    this.#set = await this.#scan(this.#dir, undefined) ?? emptySet();
    if (this.#set.plugins.length > 0) {
      this.#logger.info(`plugins loaded from ${this.#dir}: ${this.#set.plugins.map((p) => `${p.name} ${p.version} (${p.folder})`).join(', ')}`);
    }
  }

  /** Start the plugin applications; a required plugin that fails to start fails the start (the others are logged). */
  async start(manager: Manager): Promise<void> {
    this.#manager = manager;
    if (this.#options.logger === undefined) this.#logger = manager.logger;
    if (!this.#set) await this.load();
    this.#mount();
    const required = requiredNames(this.#set!.plugins);
    for (const plugin of this.#set!.plugins) {
      const error = await this.#startOne(plugin);
      if (error !== undefined && required.has(plugin.name)) {
        await this.stop();
        throw new ConfigError(`plugin '${plugin.name}' (${plugin.folder}) is required by another plugin but failed to start: ${error}`);
      }
    }
  }

  /** Stop the plugin applications in reverse order (failures are logged). */
  async stop(): Promise<void> {
    for (const plugin of this.#started.splice(0).reverse()) await this.#call(plugin, 'stop');
  }

  /** Restart every running plugin application (failures are logged). */
  async restart(): Promise<void> {
    for (const plugin of this.#started) await this.#call(plugin, 'restart');
  }

  /**
   * SIGHUP: rescan `dir` (possibly changed). A missing directory or a
   * missing mandatory plugin is logged and keeps the previous plugins
   * (stopped if the directory changed). Otherwise plugins that disappeared
   * are stopped, those still present restarted, new ones started.
   */
  async reload(options: { dir: string | undefined; config?: unknown }): Promise<void> {
    const dirChanged = options.dir !== this.#dir;
    if (options.config !== undefined) this.#config = options.config;
    const keep = new Map<string, LoadedPlugin[]>();
    if (!dirChanged) for (const p of this.#set?.plugins ?? []) keep.set(p.folder, [...(keep.get(p.folder) ?? []), p]);
    let next: PluginSet | undefined;
    try {
      next = await this.#scan(options.dir, keep);
    } catch (err) {
      this.#logger.error(`plugins not reloaded: ${(err as Error).message}`);
    }
    if (!next) {
      if (dirChanged) {
        await this.stop();
        this.#set = emptySet();
        this.#dir = options.dir;
      }
      return;
    }
    this.#dir = options.dir;
    const present = new Set(next.plugins);
    for (const plugin of [...this.#started].reverse()) {
      if (present.has(plugin)) continue;
      this.#started.splice(this.#started.indexOf(plugin), 1);
      await this.#call(plugin, 'stop');
    }
    const running = [...this.#started];
    for (const plugin of running) await this.#call(plugin, 'restart');
    if (this.#manager) for (const plugin of next.plugins) if (!running.includes(plugin)) await this.#startOne(plugin);
    this.#set = next;
  }

  // undefined when the directory does not exist (logged); throws ConfigError for the spec's startup errors.
  async #scan(dir: string | undefined, reuse: ReadonlyMap<string, LoadedPlugin[]> | undefined): Promise<PluginSet | undefined> {
    if (dir === undefined || dir === '') return undefined;
    if (!(await isDirectory(dir))) {
      this.#logger.info(`plugin directory ${dir} does not exist; no plugins loaded`);
      return undefined;
    }
    return loadPlugins(dir, { config: this.#config, logger: this.#logger, reuse, builtinNames: this.#builtins.keys() });
  }

  async #startOne(plugin: LoadedPlugin): Promise<string | undefined> {
    if (!plugin.app || !this.#manager) return undefined;
    try {
      await plugin.app.start(this.#manager);
      this.#started.push(plugin);
      return undefined;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.#logger.error(`plugin '${plugin.name}' (${plugin.folder}) failed to start: ${message}`);
      return message;
    }
  }

  async #call(plugin: LoadedPlugin, method: 'stop' | 'restart'): Promise<void> {
    const app = plugin.app;
    try {
      if (app && typeof app[method] === 'function') await app[method]();
    } catch (err) {
      this.#logger.error(`plugin '${plugin.name}' (${plugin.folder}) failed to ${method}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #mount(): void {
    if (this.#mounted || !this.#options.host) return;
    this.#mounted = true;
    this.#options.host.mount(PLUGIN_SITE_PREFIX, (req, res, url) => this.#sites.handle(req, res, url));
  }
}

function emptySet(): PluginSet {
  return { plugins: [], failures: [], installed: new Set() };
}
