// Which state directory (crash-recovery record) a gafferd instance uses
// (gafferd.md → State directory). One directory per instance, so gafferds
// with different configuration files in one folder, or several gafferds
// without a configuration on different --bind addresses, never share (and
// never refuse) each other's record.
import { basename, join } from 'node:path';
import type { ListenAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import { defaultStateDir } from './crash-recovery.js';

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
