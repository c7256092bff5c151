import { realpathSync } from 'node:fs';
import { parse, quote } from 'shell-quote';
import { substituteEnv } from '../util/substitute.js';
import type { JobConfig } from './job-config.js';

export interface SpawnCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

// shell-quote expands $VAR itself; hide every `$` behind a private-use character so references
// survive splitting exactly as written ($A, ${A}, $$) and are substituted later from the job env.
const DOLLAR = '\uE000';

/** Split a command line with POSIX shell-word rules, keeping `$VAR` references for later substitution. */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  for (const entry of parse(text.replaceAll('$', DOLLAR))) {
    if (typeof entry === 'string') words.push(entry);
    else if ('op' in entry && entry.op === 'glob') words.push((entry as { pattern: string }).pattern);
    else if ('op' in entry) words.push(entry.op);
    else if ('comment' in entry) break;
  }
  return words.map((w) => w.replaceAll(DOLLAR, '$'));
}

/**
 * Compose a process environment: gafferd's environment when `os_env`, then
 * the job env, then each extra layer (load-time env, commit env); later wins.
 */
export function composeEnv(config: JobConfig, ...layers: Array<Record<string, string> | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  if (config.os_env) {
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  }
  Object.assign(env, config.env);
  for (const layer of layers) if (layer) Object.assign(env, layer);
  return env;
}

/** Turn a job config and a composed environment into the file/args/cwd to spawn (README -> Spawning). */
export function buildSpawnCommand(config: JobConfig, env: Record<string, string>): SpawnCommand {
  const extra = typeof config.args === 'string' ? splitCommandLine(config.args) : config.args;
  const cwd = config.cwd ?? defaultCwd();
  if (config.shell) {
    const line = extra.length > 0 ? `${config.cmd} ${quote(extra)}` : config.cmd;
    return { file: '/bin/sh', args: ['-c', line], env, cwd };
  }
  const words = [...splitCommandLine(config.cmd), ...extra].map((w) => substituteEnv(w, env));
  const [file = config.cmd, ...args] = words;
  return { file, args, env, cwd };
}

// gafferd's cwd, preferring $PWD when it names the same directory (keeps symlinked paths).
function defaultCwd(): string {
  const cwd = process.cwd();
  const pwd = process.env.PWD;
  if (!pwd) return cwd;
  try {
    return realpathSync(pwd) === realpathSync(cwd) ? pwd : cwd;
  } catch {
    return cwd;
  }
}
