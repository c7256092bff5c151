// `.env` files for Procfile applications (config.md ".env files"), parsed with
// dotenv: `KEY=value` lines, `#` comments, single/double/back quotes, quoted
// multi-line values, `\n` escapes in double quotes, an optional `export `
// prefix, spaces around key and value trimmed. (This is a superset of the
// original line format, which only removed `"` characters.)
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'dotenv';
import { ConfigError } from '../errors.js';
import { osReason } from './ini-document.js';

export interface EnvFiles {
  /** All variables, later files overriding earlier ones (GAFFER_* included). */
  env: Record<string, string>;
  /** Files actually read, in order. */
  files: string[];
  /** `GAFFER_REDIRECT_INPUT`: process types loaded with `redirect_input: true`. */
  redirectInput: string[];
  /** `GAFFER_UID` / `GAFFER_GID`: user and group for the application's jobs (digits -> numeric id). */
  uid: string | number | undefined;
  gid: string | number | undefined;
}

/** Parse the text of one `.env` file. */
export function parseEnvText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parse(text.replace(/^\uFEFF/, '')))) out[key] = value;
  return out;
}

/**
 * Read `.env` files in order; a later file overrides earlier keys. Missing
 * files are skipped; any other read error (a directory, no permission) is a
 * ConfigError naming the file and the OS reason.
 */
export async function loadEnvFiles(paths: readonly string[]): Promise<EnvFiles> {
  const env: Record<string, string> = {};
  const files: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw new ConfigError(`cannot read env file '${path}': ${osReason(err)}`, { cause: err });
    }
    Object.assign(env, parseEnvText(text));
    files.push(path);
  }
  return { env, files, ...specialEnv(env) };
}

/** The special keys of an application environment: GAFFER_REDIRECT_INPUT, GAFFER_UID, GAFFER_GID. */
export function specialEnv(env: Readonly<Record<string, string>>): Pick<EnvFiles, 'redirectInput' | 'uid' | 'gid'> {
  return {
    redirectInput: (env.GAFFER_REDIRECT_INPUT ?? '').split(/\s+/).filter((t) => t !== ''),
    uid: identity(env.GAFFER_UID),
    gid: identity(env.GAFFER_GID),
  };
}

/**
 * The env files of an application: `<root>/.env`, then each `-e` file; when
 * no `-e` is given, also `./.env` (0.5 CLI). Duplicates (same absolute path)
 * are read once, at their first position.
 */
export function envFilePaths(root: string, given: readonly string[] = [], cwd = process.cwd()): string[] {
  const list = [join(resolve(cwd, root), '.env'), ...(given.length > 0 ? given.map((p) => resolve(cwd, p)) : [resolve(cwd, '.env')])];
  return [...new Set(list)];
}

function identity(value: string | undefined): string | number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}
