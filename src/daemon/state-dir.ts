// Which state directory (crash-recovery record) a gafferd instance uses
// (gafferd.md → State directory). One directory per instance, so gafferds
// with different configuration files in one folder, or several gafferds
// without a configuration on different --bind addresses, never share (and
// never refuse) each other's record.
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { ListenAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';

export interface StateDirChoice {
  /** `--state-dir` (wins). */
  flag?: string;
  env: NodeJS.ProcessEnv;
  /** The configuration file read, if any. */
  configFile: string | undefined;
  /** The configuration directory when it exists (its `state/` folder is the base). */
  configDir: string | undefined;
  /** Every address gafferd listens on (the first one names a no-config instance). */
  binds: readonly ListenAddress[];
}

/**
 * `--state-dir`, else `$GAFFERD_STATE_DIR`, else `<base>/<instance>` where
 * base is defaultStateDir (`<config dir>/state`, or the XDG/FHS state
 * directory) and instance is the configuration file's name (`gafferd.ini`)
 * or, without a file, `bind-<first address>` (`bind-127.0.0.1_5000`).
 */
export function chooseStateDir(choice: StateDirChoice): string {
  if (choice.flag) return choice.flag;
  if (choice.env.GAFFERD_STATE_DIR) return choice.env.GAFFERD_STATE_DIR;
  return join(defaultStateDir(choice.configDir), instanceName(choice.configFile, choice.binds));
}

/** The per-instance folder name: the config file's base name, or `bind-<address>` made file-name safe. */
export function instanceName(configFile: string | undefined, binds: readonly ListenAddress[]): string {
  if (configFile) return basename(configFile);
  const first = binds[0];
  const address = first ? formatAddress(first) : 'default';
  return `bind-${address.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '')}`;
}

/**
 * The default state directory, created with mode 0700:
 * - `<configDir>/state` when the configuration directory exists, next to the
 *   auth databases: one gafferd instance = one directory, so two gafferds with
 *   different configurations never share (and never refuse) a record;
 * - otherwise root: `/var/lib/gaffer` (FHS variable state);
 *   others: `$XDG_STATE_HOME/gaffer`, else `~/.local/state/gaffer` (XDG base dirs).
 * A configuration directory where the state directory cannot be created
 * (read-only mount, another owner) falls back to the second rule.
 */
export function defaultStateDir(configDir?: string, host: { env?: NodeJS.ProcessEnv; homeDir?: string; isRoot?: boolean } = {}): string {
  if (configDir && isDirectory(configDir)) {
    const dir = join(configDir, 'state');
    if (tryMkdir(dir)) return dir;
  }
  const env = host.env ?? process.env;
  const isRoot = host.isRoot ?? process.getuid?.() === 0;
  const xdg = env.XDG_STATE_HOME;
  const dir = isRoot ? '/var/lib/gaffer'
    : xdg && xdg.startsWith('/') ? join(xdg, 'gaffer') : join(host.homeDir ?? homedir(), '.local', 'state', 'gaffer');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function tryMkdir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return true;
  } catch {
    return false;
  }
}
