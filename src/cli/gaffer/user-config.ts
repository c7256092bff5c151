// The gaffer user configuration file (cli.md → User configuration file):
// `$GAFFER_CONFIG`, else `~/.gaffer/gaffer.ini`; one `[node "<url>"]`
// section per gafferd address with `key`, `certfile`, `keyfile`, `cacert`.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';

export interface NodeSettings {
  key?: string;
  certfile?: string;
  keyfile?: string;
  cacert?: string;
}

/** The path of the user configuration file. */
export function userConfigPath(env: NodeJS.ProcessEnv): string {
  return env.GAFFER_CONFIG || join(env.HOME || homedir(), '.gaffer', 'gaffer.ini');
}

/**
 * The settings of one node (the exact address given on the command line).
 * A missing file means no settings; the file is only created by commands
 * that store something in it (`login`).
 */
export async function readNodeSettings(env: NodeJS.ProcessEnv, endpoint: string): Promise<NodeSettings> {
  const file = userConfigPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    throw new ConfigError(`cannot read the user configuration '${file}' (${code ?? 'error'})`, { cause: err });
  }
  const wanted = `node "${endpoint}"`;
  const settings: NodeSettings = {};
  // The INI reader is loaded only when there is a file to read.
  const { parseIniText } = await import('../../config/ini-document.js');
  for (const section of parseIniText(text, file)) {
    if (section.name.replace(/\s+/g, ' ').trim() !== wanted) continue;
    for (const entry of section.entries) {
      const key = entry.key.toLowerCase();
      if (key === 'key' || key === 'certfile' || key === 'keyfile' || key === 'cacert') settings[key] = entry.value;
    }
  }
  return settings;
}
