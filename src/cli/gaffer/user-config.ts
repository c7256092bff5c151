// The gaffer user configuration file (cli.md → User configuration file):
// `$GAFFER_CONFIG`, else `~/.gaffer/gaffer.ini`; one `[node "<url>"]`
// section per gafferd address with `key`, `certfile`, `keyfile`, `cacert`.
// Read by every command that talks to gafferd; written only by `login`.
import { chmod, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
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
 * A missing file means no settings; the file is only created by the command
 * that stores something in it (`login`).
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

/**
 * Store `key` as the API key of node `endpoint`: the `key` line of its
 * section is replaced (the section is appended when missing); every other
 * line is kept as written. A missing file is created owner-only (0600, its
 * directory 0700); an existing one keeps its mode. The file is replaced
 * atomically (a symbolic link is followed). Resolves with the file written.
 */
export async function saveNodeKey(env: NodeJS.ProcessEnv, endpoint: string, key: string): Promise<string> {
  const file = userConfigPath(env);
  let target = file;
  let text = '';
  let mode = 0o600;
  try {
    target = await realpath(file);
    text = await readFile(target, 'utf8');
    mode = (await stat(target)).mode & 0o777;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new ConfigError(`cannot read the user configuration '${file}' (${code ?? 'error'})`, { cause: err });
    target = file;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 }).catch((e: unknown) => {
      throw new ConfigError(`cannot create the directory of the user configuration '${file}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
    });
  }
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temp, withNodeKey(text, endpoint, key), { mode, flag: 'wx' });
    // The umask may have removed bits of an existing file's mode.
    await chmod(temp, mode);
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new ConfigError(`cannot write the user configuration '${target}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  return target;
}

const SECTION = /^\s*\[(.+)\]\s*$/;
const KEY_LINE = /^key\s*[=:]/i;

/** `text` with `key = <key>` in every `[node "<endpoint>"]` section (one is appended when there is none). */
export function withNodeKey(text: string, endpoint: string, key: string): string {
  const wanted = `node "${endpoint}"`;
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const out: string[] = [];
  let inNode = false;
  let found = false;
  let dropping = false;
  for (const line of lines) {
    const header = SECTION.exec(line);
    if (header) {
      inNode = header[1]!.replace(/\s+/g, ' ').trim() === wanted;
      dropping = false;
      out.push(line);
      if (inNode) out.push(`key = ${key}`);
      found ||= inNode;
      continue;
    }
    // The old key line goes, with its continuation lines (indented, non-empty).
    if (dropping && /^\s+\S/.test(line)) continue;
    dropping = inNode && KEY_LINE.test(line);
    if (!dropping) out.push(line);
  }
  if (!found) {
    if (out.length > 0 && out[out.length - 1]!.trim() !== '') out.push('');
    out.push(`[${wanted}]`, `key = ${key}`);
  }
  return `${out.join('\n')}\n`;
}
