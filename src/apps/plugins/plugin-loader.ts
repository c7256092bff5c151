// Discovery and loading of plugins (plugins-webhooks.md → Plugins): import
// the modules of every code package, instantiate the exported plugin
// classes, check the mandatory plugins. Startup errors are ConfigErrors
// with the spec's messages; a plugin that fails to load is otherwise
// logged and skipped.
import { pathToFileURL } from 'node:url';
import type { Application } from '../../core/application.js';
import type { Logger } from '../../util/logger.js';
import { ConfigError } from '../../errors.js';
import { isApplication, isApplicationClass, isPluginClass } from './plugin.js';
import { listPluginFolders, type PluginFolder } from './plugin-folders.js';

/** One instantiated plugin. Identified by (folder, name). */
export interface LoadedPlugin {
  folder: string;
  /** The module that exported it. */
  module: string;
  name: string;
  version: string;
  description: string;
  mandatory: string[];
  app: Application | undefined;
}

/** A plugin folder whose code could not be loaded. */
export interface PluginFailure {
  folder: string;
  module: string;
  message: string;
}

export interface PluginSet {
  plugins: LoadedPlugin[];
  failures: PluginFailure[];
  /** Names that count as installed: plugin names and the folders that loaded without error. */
  installed: Set<string>;
}

export interface LoadPluginsOptions {
  /** Passed to `app(cfg)` / application constructors: the gafferd configuration. */
  config: unknown;
  logger: Logger;
  /** Plugins already loaded, by folder name: reused instead of importing again (reload). */
  reuse?: ReadonlyMap<string, LoadedPlugin[]>;
  /** Names installed besides the plugin directory (built-in sites). */
  builtinNames?: Iterable<string>;
}

/**
 * Load every plugin of `dir` (which must exist). Throws a ConfigError for
 * a plugin without a name (`invalid plugin: <folder> [<path>]`) and for a
 * missing mandatory plugin (`<folder> requires <names> to be used`).
 */
export async function loadPlugins(dir: string, options: LoadPluginsOptions): Promise<PluginSet> {
  const folders = await listPluginFolders(dir);
  const set: PluginSet = { plugins: [], failures: [], installed: new Set(options.builtinNames) };
  for (const folder of folders) {
    const reused = options.reuse?.get(folder.name);
    const loaded = reused ?? await loadFolder(folder, options, set.failures);
    set.plugins.push(...loaded);
    for (const p of loaded) set.installed.add(p.name);
    if (!set.failures.some((f) => f.folder === folder.name)) set.installed.add(folder.name);
  }
  checkMandatory(set);
  return set;
}

// Plugin classes come from every module of every package; exported Application classes are
// used only when the folder has no plugin class, and only from package entries.
async function loadFolder(folder: PluginFolder, options: LoadPluginsOptions, failures: PluginFailure[]): Promise<LoadedPlugin[]> {
  const seen = new Set<unknown>();
  const pluginClasses: Array<{ value: unknown; module: string }> = [];
  const appClasses: Array<{ value: unknown; module: string }> = [];
  for (const pkg of folder.packages) {
    for (const [index, module] of pkg.modules.entries()) {
      let exports: Record<string, unknown>;
      try {
        exports = await import(pathToFileURL(module).href) as Record<string, unknown>;
      } catch (err) {
        fail(failures, options.logger, folder, module, `cannot be imported: ${describe(err)}`);
        continue;
      }
      for (const value of exportedValues(exports)) {
        if (seen.has(value)) continue;
        seen.add(value);
        if (isPluginClass(value)) pluginClasses.push({ value, module });
        else if (index === 0 && pkg.hasEntry && isApplicationClass(value)) appClasses.push({ value, module });
      }
    }
  }
  const plugins: LoadedPlugin[] = [];
  for (const { value, module } of pluginClasses.length > 0 ? pluginClasses : appClasses) {
    try {
      const plugin = instantiate(value, folder, module, options.config);
      if (plugin) plugins.push(plugin);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      fail(failures, options.logger, folder, module, `failed: ${describe(err)}`);
    }
  }
  return plugins;
}

// Exported values, plus the members of a CommonJS `module.exports` object seen as `default`.
function exportedValues(exports: Record<string, unknown>): unknown[] {
  const values = Object.values(exports);
  const def = exports.default;
  if (typeof def === 'object' && def !== null) values.push(...Object.values(def));
  return values;
}

function instantiate(exported: unknown, folder: PluginFolder, module: string, config: unknown): LoadedPlugin | undefined {
  if (isPluginClass(exported)) {
    const instance = new exported();
    const name = typeof instance.name === 'string' ? instance.name : '';
    if (name === '') throw new ConfigError(`invalid plugin: ${folder.name} [${module}]`, { details: { folder: folder.name, module } });
    const app = instance.app(config);
    if (app !== undefined && app !== null && !isApplication(app)) {
      throw new Error(`plugin '${name}': app() returned something that is not an application (it needs start and stop methods)`);
    }
    return describePlugin(folder, module, { name, version: instance.version, description: instance.description, mandatory: instance.mandatory }, app ?? undefined);
  }
  if (isApplicationClass(exported)) {
    const name = typeof exported.pluginName === 'string' && exported.pluginName !== '' ? exported.pluginName : folder.name;
    return describePlugin(folder, module, { name, version: exported.version, description: exported.description, mandatory: exported.mandatory }, new exported(config));
  }
  return undefined;
}

function describePlugin(folder: PluginFolder, module: string, shape: { name: string; version?: unknown; description?: unknown; mandatory?: unknown },
  app: Application | undefined): LoadedPlugin {
  return {
    folder: folder.name,
    module,
    name: shape.name,
    version: typeof shape.version === 'string' ? shape.version : '?',
    description: typeof shape.description === 'string' ? shape.description : '',
    mandatory: Array.isArray(shape.mandatory) ? shape.mandatory.filter((m): m is string => typeof m === 'string') : [],
    app,
  };
}

// Every name in the mandatory lists of a folder's plugins must be installed.
function checkMandatory(set: PluginSet): void {
  const byFolder = new Map<string, Set<string>>();
  for (const plugin of set.plugins) {
    for (const name of plugin.mandatory) {
      if (set.installed.has(name)) continue;
      let missing = byFolder.get(plugin.folder);
      if (!missing) byFolder.set(plugin.folder, (missing = new Set()));
      missing.add(name);
    }
  }
  const [first] = byFolder;
  if (!first) return;
  const [folder, missing] = first;
  const failed = set.failures.map((f) => `plugin folder '${f.folder}': ${f.module} ${f.message}`);
  throw new ConfigError(`${folder} requires ${[...missing].join(', ')} to be used` +
    (failed.length > 0 ? ` (plugins that failed to load: ${failed.join('; ')})` : ''), { details: { folder, missing: [...missing] } });
}

/** The names required by some plugin's `mandatory` list. */
export function requiredNames(plugins: readonly LoadedPlugin[]): Set<string> {
  return new Set(plugins.flatMap((p) => p.mandatory));
}

function fail(failures: PluginFailure[], logger: Logger, folder: PluginFolder, module: string, message: string): void {
  failures.push({ folder: folder.name, module, message });
  logger.error(`plugin '${folder.name}': ${module} ${message}; plugin skipped`);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
