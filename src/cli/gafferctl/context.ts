// The context every gafferctl command runs with: injected I/O, the resolved
// global options, a memoised client, and the output helpers (human or --json).
import type { Command } from 'commander';
import { resolveClientOptions } from '../../client/connection-options.js';
import { DEFAULT_ENDPOINT } from '../../client/endpoint.js';
import { GafferClient } from '../../client/gaffer-client.js';
import { formatResult } from '../shared/format.js';
import type { CliIo } from '../shared/io.js';

/** Global options, accepted before or after the command. */
export interface GlobalOptions {
  connect?: string;
  endpoint?: string;
  host?: string;
  port?: string;
  certfile?: string;
  keyfile?: string;
  cacert?: string;
  key?: string;
  json?: boolean;
}

/** Environment variables read by gafferctl. */
export const ENV_ENDPOINT = 'GAFFERCTL_ENDPOINT';
export const ENV_KEY = 'GAFFERCTL_KEY';

/** One subcommand: its commander definition and what it does. */
export interface CtlCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full description shown by `gafferctl help <command>` (usage, behaviour, example). */
  description: string;
  configure?(cmd: Command): void;
  /** Resolves with the exit status (0 when omitted). */
  run(ctx: CtlContext, args: unknown[], opts: Record<string, unknown>): Promise<number | void>;
}

export class CtlContext {
  readonly io: CliIo;
  readonly options: GlobalOptions;
  #client: Promise<GafferClient> | undefined;

  constructor(io: CliIo, options: GlobalOptions) {
    this.io = io;
    this.options = options;
  }

  /** `--json`: print API answers as JSON for scripts. */
  get json(): boolean {
    return this.options.json === true;
  }

  /** The gafferd address: --connect/--endpoint, else --host/--port, else $GAFFERCTL_ENDPOINT, else the default. */
  get endpoint(): string {
    const o = this.options;
    if (o.connect ?? o.endpoint) return (o.connect ?? o.endpoint)!;
    if (o.host !== undefined || o.port !== undefined) {
      const host = o.host ?? '127.0.0.1';
      if (host.startsWith('unix:') || /^https?:\/\//.test(host)) return host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${o.port ?? '5000'}`;
    }
    return this.io.env[ENV_ENDPOINT] || DEFAULT_ENDPOINT;
  }

  /** The client (created on first use; TLS files are read then). */
  client(): Promise<GafferClient> {
    this.#client ??= resolveClientOptions({
      endpoint: this.endpoint,
      apiKey: this.options.key ?? (this.io.env[ENV_KEY] || undefined),
      cacert: this.options.cacert,
      certfile: this.options.certfile,
      keyfile: this.options.keyfile,
    }).then((options) => new GafferClient(options));
    return this.#client;
  }

  /** Release the client's connections. */
  async close(): Promise<void> {
    if (this.#client) (await this.#client.catch(() => undefined))?.close();
  }

  out(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** Print a result: `raw` as JSON with --json, else the human form of `human`. */
  result(human: unknown, raw: unknown = human): void {
    this.out(this.json ? JSON.stringify(raw) : formatResult(human));
  }
}
