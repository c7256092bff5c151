// The context every gaffer command runs with: injected I/O, merged options,
// the local Procfile application (read lazily), a memoised gafferd client
// (options from the command line, the environment and the user config), and
// prompts (confirmations, values, passwords). Heavy modules are imported
// only when needed.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveClientOptions } from '../../client/connection-options.js';
import { DEFAULT_ENDPOINT } from '../../client/endpoint.js';
import { GafferClient } from '../../client/gaffer-client.js';
import type { EnvFiles } from '../../config/env-file.js';
import type { Procfile } from '../../config/procfile.js';
import { NotFoundError } from '../../errors.js';
import { parseJobName } from '../../util/names.js';
import { isColorEnabled, type CliIo } from '../shared/io.js';
import { explicitAppName, folderAppName } from './app-name.js';
import { parseConcurrencyOption } from './concurrency.js';
import type { GafferOptions } from './options.js';
import { Prompter } from './prompt.js';

export const ENV_ENDPOINT = 'GAFFER_ENDPOINT';
export const ENV_API_KEY = 'GAFFER_API_KEY';

/** A job on gafferd: its session, short name and the text the user typed. */
export interface JobTarget { sessionid: string; name: string; typed: string }

export class GafferContext {
  readonly io: CliIo;
  readonly options: GafferOptions & Record<string, unknown>;
  #client: Promise<GafferClient> | undefined;
  #procfile: Promise<Procfile | undefined> | undefined;
  #prompter: Prompter | undefined;
  #positionalEndpoint: string | undefined;

  constructor(io: CliIo, options: GafferOptions & Record<string, unknown>) {
    this.io = io;
    this.options = options;
  }

  get color(): boolean {
    return isColorEnabled(this.io.stdout, this.io.env);
  }

  out(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  // ---------------------------------------------------------------- Procfile application

  /** Absolute path of the Procfile (-f, else ./Procfile). */
  get procfilePath(): string {
    return resolve(this.io.cwd, this.options.procfile ?? this.options.profile ?? 'Procfile');
  }

  /** True when -f was given (a missing file is then an error of its own). */
  get procfileGiven(): boolean {
    return (this.options.procfile ?? this.options.profile) !== undefined;
  }

  /** Application root: -d, else the directory of the Procfile. */
  get root(): string {
    const given = this.options.directory ?? this.options.root;
    return given === undefined ? dirname(this.procfilePath) : resolve(this.io.cwd, given);
  }

  /** The local Procfile, or undefined when there is none (a given -f that is missing is a ConfigError). */
  localProcfile(): Promise<Procfile | undefined> {
    this.#procfile ??= (async () => {
      if (!existsSync(this.procfilePath)) {
        if (this.procfileGiven) throw new NotFoundError('not_found', `procfile '${this.options.procfile ?? this.options.profile}' not found`);
        return undefined;
      }
      const { readProcfile } = await import('../../config/procfile.js');
      const procfile = await readProcfile(this.procfilePath);
      for (const warning of procfile.warnings) this.err(`gaffer: warning: ${warning}`);
      return procfile;
    })();
    return this.#procfile;
  }

  /** The Procfile, required: `procfile not found` when missing. */
  async procfile(): Promise<Procfile> {
    const procfile = await this.localProcfile();
    if (!procfile) throw new NotFoundError('not_found', `procfile not found (no ${this.procfilePath}; use -f FILE to name another one)`);
    return procfile;
  }

  /** The .env variables of the application (<root>/.env, then -e files, else ./.env). */
  async envFiles(): Promise<EnvFiles> {
    const { envFilePaths, loadEnvFiles } = await import('../../config/env-file.js');
    // The default .env files are optional; a file named with -e that is missing is a typo, not a default.
    for (const given of this.options.env ?? []) {
      const path = resolve(this.io.cwd, given);
      if (!existsSync(path)) throw new NotFoundError('not_found', `env file '${given}' not found (no ${path}); fix the -e/--env path`);
    }
    return loadEnvFiles(envFilePaths(this.root, this.options.env ?? [], this.io.cwd));
  }

  /** Concurrency from every -c option: a bad form is a usage error, a type the Procfile lacks is a NotFoundError. */
  async concurrency(): Promise<Map<string, number>> {
    const concurrency = parseConcurrencyOption(this.options.concurrency ?? []);
    const procfile = await this.localProcfile();
    for (const type of concurrency.keys()) {
      if (procfile && !procfile.entries.some((e) => e.type === type)) throw unknownType(type, procfile);
    }
    return concurrency;
  }

  /** The local Procfile's application name, or undefined without a Procfile. */
  async localAppName(): Promise<string | undefined> {
    return (await this.localProcfile()) ? folderAppName(this.root, this.io.cwd) : undefined;
  }

  /** The application: --app, else `positional`, else the Procfile's, else `default`. */
  async appName(positional?: string): Promise<string> {
    const explicit = (this.options.app as string | undefined) ?? positional;
    if (explicit !== undefined) return explicitAppName(explicit, this.io.cwd);
    return (await this.localAppName()) ?? 'default';
  }

  /**
   * A job designation (`type`, `app.type`, `app/type`) in application `app`.
   * A bare type of the local Procfile's application that the Procfile lacks
   * is a NotFoundError naming it and the Procfile's types (a qualified
   * `app.type` is taken as written and checked by gafferd).
   */
  async jobTarget(typed: string, app: string): Promise<JobTarget> {
    const d = parseJobName(typed, app);
    const procfile = await this.localProcfile();
    if (procfile && !/[./:]/.test(typed) && d.sessionid === (await this.localAppName()) && !procfile.entries.some((e) => e.type === d.name)) {
      throw unknownType(typed, procfile);
    }
    return { sessionid: d.sessionid, name: d.name, typed };
  }

  // ---------------------------------------------------------------- gafferd

  /** A gafferd address given as a positional argument (0.4 `load`/`unload`); the options win. */
  useEndpoint(url: string): void {
    this.#positionalEndpoint = url;
  }

  /** The gafferd address as typed: -g/--endpoint, else the positional one, else $GAFFER_ENDPOINT, else the default. */
  get endpoint(): string {
    return this.options.gafferdHttpAddress ?? this.options.endpoint ?? this.#positionalEndpoint ?? (this.io.env[ENV_ENDPOINT] || DEFAULT_ENDPOINT);
  }

  /** The client; the user configuration's `[node "<address>"]` section fills what the command line lacks. */
  client(): Promise<GafferClient> {
    this.#client ??= (async () => {
      const { readNodeSettings } = await import('./user-config.js');
      const saved = await readNodeSettings(this.io.env, this.endpoint);
      const o = this.options;
      return new GafferClient(await resolveClientOptions({
        endpoint: this.endpoint,
        apiKey: o.apiKey ?? (this.io.env[ENV_API_KEY] || undefined) ?? saved.key,
        certfile: o.certfile ?? saved.certfile,
        keyfile: o.keyfile ?? saved.keyfile,
        cacert: o.cacert ?? saved.cacert,
      }));
    })();
    return this.#client;
  }

  /** Release the client's connections. */
  async close(): Promise<void> {
    if (this.#client) (await this.#client.catch(() => undefined))?.close();
  }

  /** Ask for confirmation (always yes with --no-input). */
  confirm(question: string): Promise<boolean> {
    return this.#prompt().confirm(question);
  }

  /** Ask for a value (undefined at end of input); `hidden` answers are not echoed on a terminal. */
  ask(question: string, options: { hidden?: boolean } = {}): Promise<string | undefined> {
    return this.#prompt().ask(question, options);
  }

  #prompt(): Prompter {
    this.#prompter ??= new Prompter(this.io, this.options.input === false);
    return this.#prompter;
  }
}

/** `process type 'nope' not found in <Procfile> (its types: web, worker)`. */
export function unknownType(type: string, procfile: Procfile): NotFoundError {
  const types = procfile.entries.map((e) => e.type).join(', ') || 'none';
  return new NotFoundError('not_found', `process type '${type}' not found in ${procfile.file} (its types: ${types})`);
}
