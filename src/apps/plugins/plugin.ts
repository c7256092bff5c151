// What a plugin module exports (plugins-webhooks.md → Plugin class): a
// `Plugin` subclass whose `app(cfg)` returns an application, or, as a port
// convenience, an Application class constructed with the configuration.
import type { Application } from '../../core/application.js';

/**
 * Base class of plugins. Subclasses set `name` (required), optionally
 * `version`, `description` and `mandatory` (names of other plugins that
 * must be installed), and override `app(cfg)` to return an application.
 * `cfg` is the parsed gafferd configuration.
 */
export class Plugin {
  name = '';
  version = '?';
  description = '';
  mandatory: string[] = [];

  app(_cfg: unknown): Application | undefined | void {
    return undefined;
  }
}

/** The members read from a plugin instance (a `Plugin` subclass or any object shaped like one). */
export interface PluginShape {
  name?: unknown;
  version?: unknown;
  description?: unknown;
  mandatory?: unknown;
  app(cfg: unknown): unknown;
}

/** An Application class exported directly; static members stand in for the Plugin members. */
export interface ApplicationClass {
  new (cfg: unknown): Application;
  pluginName?: unknown;
  version?: unknown;
  description?: unknown;
  mandatory?: unknown;
}

/** A class whose instances have `app()`: a plugin class. */
export function isPluginClass(value: unknown): value is new () => PluginShape {
  return isClass(value) && typeof (value.prototype as { app?: unknown }).app === 'function';
}

/** A class whose instances have `start()` and `stop()` but no `app()`: an application class. */
export function isApplicationClass(value: unknown): value is ApplicationClass {
  if (!isClass(value) || isPluginClass(value)) return false;
  const proto = value.prototype as { start?: unknown; stop?: unknown };
  return typeof proto.start === 'function' && typeof proto.stop === 'function';
}

/** A value that looks like an Application instance. */
export function isApplication(value: unknown): value is Application {
  if (typeof value !== 'object' || value === null) return false;
  const app = value as { start?: unknown; stop?: unknown; restart?: unknown };
  return typeof app.start === 'function' && typeof app.stop === 'function';
}

function isClass(value: unknown): value is { prototype: object } {
  return typeof value === 'function' && typeof (value as { prototype?: unknown }).prototype === 'object' && (value as { prototype?: unknown }).prototype !== null;
}
