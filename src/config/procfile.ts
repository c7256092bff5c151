// Procfiles (config.md "Procfile"): `<type>: <command>` lines, the application
// name of a root directory, `-c` concurrency specs, and the job configs a
// Procfile becomes. Each line runs under procfileCommand's rule (shell or exec).
//
// PORT, as foreman does: the base port is `options.basePort`, else an integer
// `PORT` from the .env variables, else 5000 for local runs (`gaffer start`)
// and 5100 for gafferd loads (gafferd itself listens on 5000 by default);
// type number i (0-based Procfile position, also when only some types are
// started) gets `base + 100 * i` as its job `port` key, and core gives the
// process in slot k (1-based) `PORT = port + k - 1`, so a respawned process
// gets back the port of the one it replaces, also after scaling.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { splitCommandLine } from '../core/command.js';
import { normalizeJobConfig } from '../core/job-config.js';
import { ConfigError, isGafferError } from '../errors.js';
import { DEFAULT_SESSION } from '../util/names.js';
import { configuredJob, type ConfiguredJob } from './configured-job.js';
import { specialEnv } from './env-file.js';
import { osReason } from './ini-document.js';
import { procfileCommand } from './procfile-command.js';
import { quoteWord } from './shell-words.js';

export interface ProcfileEntry {
  type: string;
  /** The command as written (after the colon and leading spaces). */
  command: string;
  /** Shell words of the command: `[cmd, ...args]`. */
  words: string[];
  /** 1-based line of the winning definition. */
  line: number;
}

export interface Procfile {
  file: string;
  /** In file order; a redefined type keeps its first position with the later command. */
  entries: ProcfileEntry[];
  /** Redefined types, one line each. */
  warnings: string[];
}

const LINE = /^([A-Za-z0-9_-]+):\s*(.+)$/;
export const DEFAULT_BASE_PORT = 5000;
/** First PORT of a Procfile loaded into gafferd: clear of gafferd's own default listener (5000). */
export const DEFAULT_LOAD_BASE_PORT = 5100;

/** Parse Procfile text; a line that is neither blank, a `#` comment nor `<type>: <command>` is a ConfigError naming file and line. */
export function parseProcfile(text: string, file = 'Procfile'): Procfile {
  const byType = new Map<string, ProcfileEntry>();
  const warnings: string[] = [];
  text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).forEach((line, i) => {
    const stripped = line.trim();
    if (stripped === '' || stripped.startsWith('#')) return;
    const where = `${file} line ${i + 1}`;
    const m = LINE.exec(line);
    if (!m) {
      throw new ConfigError(`${where}: cannot parse ${JSON.stringify(line)}: expected "<type>: <command>" ` +
        'with a type of letters, digits, _ and - at the start of the line', { details: { file, line: i + 1 } });
    }
    const type = m[1]!;
    const command = m[2]!.trim();
    const words = splitCommandLine(command);
    if (words.length === 0) throw new ConfigError(`${where}: type '${type}' has an empty command`, { details: { file, line: i + 1 } });
    const previous = byType.get(type);
    if (previous) warnings.push(`${where}: type '${type}' is defined again (first on line ${previous.line}); the later command wins`);
    const entry = { type, command, words, line: i + 1 };
    if (previous) Object.assign(previous, entry);
    else byType.set(type, entry);
  });
  return { file, entries: [...byType.values()], warnings };
}

/** Read and parse a Procfile; a missing file is a ConfigError `procfile '<f>' not found`. */
export async function readProcfile(path: string): Promise<Procfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `procfile '${path}' not found` : `cannot read procfile '${path}': ${osReason(err)}`;
    throw new ConfigError(message, { cause: err, details: { path } });
  }
  return parseProcfile(text, path);
}

/** The application name of a root directory: its base name with `.`, `/`, `:` and whitespace replaced by `_`. */
export function applicationName(root: string, cwd = process.cwd()): string {
  const name = basename(resolve(cwd, root)).replace(/[./:\s]/g, '_');
  return name === '' ? DEFAULT_SESSION : name;
}

/**
 * Concurrency from `-c` options: `web=2,worker=1`, repeated options, or
 * both; later pairs win. Pairs whose value is not an integer >= 0 are ignored.
 */
export function parseConcurrency(specs: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const spec of specs) {
    for (const pair of spec.split(',')) {
      const m = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(pair);
      if (m) out.set(m[1]!, Number(m[2]));
    }
  }
  return out;
}

export interface ProcfileJobOptions {
  /** The .env variables: every job's env. */
  env?: Record<string, string>;
  concurrency?: ReadonlyMap<string, number>;
  /** Application root (default `.`): the session name and, for gafferd loads, the jobs' cwd. */
  root?: string;
  /** Session for gafferd loads (default: applicationName(root)). Local runs use `default`. */
  appName?: string;
  /** `gaffer start`/`run`: session `default`, no cwd, PORT assigned, no uid/gid. */
  forLocalRun: boolean;
  /** Start at load time (default true; `--nostart` = false). */
  start?: boolean;
  /** Types loaded with `redirect_input: true` (default: env.GAFFER_REDIRECT_INPUT). */
  redirectInput?: readonly string[];
  /** User/group of the jobs (default: env.GAFFER_UID / GAFFER_GID), gafferd loads only. */
  uid?: string | number;
  gid?: string | number;
  /** First PORT (default: integer env.PORT, else 5000 for local runs, 5100 for gafferd loads). */
  basePort?: number;
  cwd?: string;
}

/** A Procfile type as a job; `port` is the type's first PORT (instance k gets port + k - 1). */
export interface ProcfileJob extends ConfiguredJob {
  type: string;
  port: number;
}

/** Build the job configs of config.md "Procfile -> job config", in Procfile order. */
export function procfileToJobs(procfile: Procfile, options: ProcfileJobOptions): ProcfileJob[] {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, options.root ?? '.');
  const local = options.forLocalRun;
  const sessionid = local ? DEFAULT_SESSION : (options.appName ?? applicationName(root));
  const env = options.env ?? {};
  const envPort = /^\d+$/.test(env.PORT ?? '') ? Number(env.PORT) : undefined;
  const basePort = options.basePort ?? envPort ?? (local ? DEFAULT_BASE_PORT : DEFAULT_LOAD_BASE_PORT);
  const special = specialEnv(env);
  const redirectInput = options.redirectInput ?? special.redirectInput;
  const uid = options.uid ?? special.uid;
  const gid = options.gid ?? special.gid;
  return procfile.entries.map((entry, index) => {
    const command = procfileCommand(entry.command);
    const port = basePort + 100 * index;
    const raw: Record<string, unknown> = {
      name: entry.type,
      cmd: command.shell ? command.cmd : quoteWord(command.cmd),
      args: command.args,
      shell: command.shell,
      env: local ? { ...env, PORT: String(port) } : { ...env },
      port,
      numprocesses: options.concurrency?.get(entry.type) ?? 1,
      redirect_output: ['out', 'err'],
      redirect_input: redirectInput.includes(entry.type),
    };
    if (!local) {
      raw.cwd = root;
      if (uid !== undefined) raw.uid = uid;
      if (gid !== undefined) raw.gid = gid;
    }
    let job: ConfiguredJob;
    try {
      job = configuredJob(sessionid, normalizeJobConfig(raw), options.start ?? true);
    } catch (err) {
      if (!isGafferError(err)) throw err;
      throw new ConfigError(`${procfile.file} line ${entry.line}: ${err.message}`, { cause: err });
    }
    return { ...job, type: entry.type, port };
  });
}
