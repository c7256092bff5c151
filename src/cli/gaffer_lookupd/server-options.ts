// Startup checks of gaffer_lookupd: TLS files must exist and come as a
// certificate + key pair; the messages are the ones cli.md lists.
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import type { LookupdServerOptions } from '../../lookupd/server.js';
import type { LookupdCliOptions } from './program.js';

/** Turn checked command-line options into LookupdServerOptions (reads the TLS files). */
export function resolveServerOptions(cli: LookupdCliOptions): LookupdServerOptions {
  const options: LookupdServerOptions = { bind: cli.bind, backlog: cli.backlog, limits: limitsOf(cli) };
  const tlsGiven = cli.certfile !== undefined || cli.keyfile !== undefined || cli.cacert !== undefined;
  if (!tlsGiven) return options;
  if (cli.certfile === undefined) throw new ConfigError('missing key "certfile" in ssl_options');
  if (cli.keyfile === undefined) throw new ConfigError('missing key "keyfile" in ssl_options');
  const cert = readPem('certfile', cli.certfile);
  const key = readPem('keyfile', cli.keyfile);
  const ca = cli.cacert === undefined ? undefined : readPem('cacert', cli.cacert);
  options.tls = { cert, key, ca };
  return options;
}

// Only the flags given: the server fills in the defaults.
function limitsOf(cli: LookupdCliOptions): LookupdServerOptions['limits'] {
  const limits: NonNullable<LookupdServerOptions['limits']> = {};
  if (cli.maxMessageSize !== undefined) limits.maxMessageBytes = cli.maxMessageSize;
  if (cli.maxJobsPerNode !== undefined) limits.maxJobsPerNode = cli.maxJobsPerNode;
  if (cli.maxPidsPerNode !== undefined) limits.maxPidsPerNode = cli.maxPidsPerNode;
  if (cli.maxClientBacklog !== undefined) limits.maxClientBacklogBytes = cli.maxClientBacklog;
  return limits;
}

function readPem(option: string, path: string): Buffer {
  if (!existsSync(path)) throw new ConfigError(`${option} "${path}" does not exist`);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${option} "${path}" cannot be read: ${(err as Error).message}`, { cause: err });
  }
}
