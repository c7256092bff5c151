// Where gafferd's configuration lives (config.md "Locating the gafferd
// configuration", [port] row). Nothing is created here: a configuration
// directory that does not exist is reported with `dirExists: false` and
// gafferd runs on the defaults (bind 127.0.0.1:5000, no jobs); the code that
// later needs the directory (e.g. to create the auth databases) creates it.
import { statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { osReason } from './ini-document.js';

/** The name of the configuration file inside a configuration directory. */
export const CONFIG_FILE_NAME = 'gafferd.ini';

export interface ConfigLocation {
  /** The configuration directory (auth databases, `plugins/`); may not exist. */
  configDir: string;
  /** The configuration file to read, or undefined for the built-in defaults. */
  configFile: string | undefined;
  /** How it was found, for log lines. */
  source: 'argument' | 'environment' | 'search' | 'default';
  dirExists: boolean;
}

/** Host facts, injectable for tests. */
export interface LocateHost {
  cwd?: string;
  homeDir?: string;
  /** Whether gafferd runs as root (default: process.getuid() === 0). */
  isRoot?: boolean;
  /** The running executable; `<prefix>` is two levels above it (default process.execPath). */
  execPath?: string;
  /** The system configuration root (default `/etc`). */
  etcDir?: string;
}

/**
 * Locate the configuration:
 * - `path` (from `-c` or the positional argument): a regular file is the
 *   config file (its directory the config directory); a directory, or a path
 *   that does not exist, is the config directory, whose `gafferd.ini` is read
 *   when present; a non-existent path ending in `.ini` is a ConfigError.
 * - no path: `$GAFFERD_CONFIG` with the same rules;
 * - else the 0.5 search: root -> first existing of `<prefix>/etc/gaffer`,
 *   `/etc/gaffer`; others -> `~/.gaffer`;
 * - else the default directory (`~/.gaffer`; for root `<prefix>/etc/gaffer`
 *   when `<prefix>/etc` exists, otherwise `/usr/local/etc/gaffer`) without a file.
 */
export function locateConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env, host: LocateHost = {}): ConfigLocation {
  const cwd = host.cwd ?? process.cwd();
  if (path !== undefined && path !== '') return fromPath(resolve(cwd, path), path, 'argument');
  const fromEnv = env.GAFFERD_CONFIG;
  if (fromEnv) return fromPath(resolve(cwd, fromEnv), fromEnv, 'environment');

  const home = host.homeDir ?? homedir();
  const isRoot = host.isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const prefix = dirname(dirname(host.execPath ?? process.execPath));
  const candidates = isRoot ? [join(prefix, 'etc', 'gaffer'), join(host.etcDir ?? '/etc', 'gaffer')] : [join(home, '.gaffer')];
  for (const dir of candidates) {
    if (statOrUndefined(dir)?.isDirectory()) return fromDirectory(dir, 'search');
  }
  let fallback = join(home, '.gaffer');
  if (isRoot) fallback = statOrUndefined(join(prefix, 'etc'))?.isDirectory() ? join(prefix, 'etc', 'gaffer') : '/usr/local/etc/gaffer';
  return { configDir: fallback, configFile: undefined, source: 'default', dirExists: false };
}

// Apply the file-or-directory rule to an explicit path.
function fromPath(absolute: string, written: string, source: ConfigLocation['source']): ConfigLocation {
  let info: Stats | undefined;
  try {
    info = statSync(absolute);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`cannot use configuration path '${written}': ${osReason(err)}`, { cause: err });
    }
  }
  if (!info) {
    if (absolute.endsWith('.ini')) {
      throw new ConfigError(`configuration file '${written}' does not exist`, { details: { path: absolute } });
    }
    return { configDir: absolute, configFile: undefined, source, dirExists: false };
  }
  if (info.isFile()) return { configDir: dirname(absolute), configFile: absolute, source, dirExists: true };
  if (info.isDirectory()) return fromDirectory(absolute, source);
  throw new ConfigError(`configuration path '${written}' is neither a file nor a directory`, { details: { path: absolute } });
}

function fromDirectory(dir: string, source: ConfigLocation['source']): ConfigLocation {
  const file = join(dir, CONFIG_FILE_NAME);
  return { configDir: dir, configFile: statOrUndefined(file)?.isFile() ? file : undefined, source, dirExists: true };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
