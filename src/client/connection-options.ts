// From command-line style connection settings (address, API key, PEM file
// paths) to GafferClient options, reading the TLS files with clear errors.
import { readFile } from 'node:fs/promises';
import { BadRequestError } from '../errors.js';
import { DEFAULT_ENDPOINT, parseEndpoint } from './endpoint.js';
import type { GafferClientOptions } from './gaffer-client.js';
import type { TlsOptions } from './http-transport.js';

export interface ConnectionSettings {
  /** gafferd address (default http://127.0.0.1:5000). */
  endpoint?: string;
  apiKey?: string;
  /** CA bundle (PEM) used to verify gafferd's certificate. */
  cacert?: string;
  /** Client certificate and key (PEM); used only when both are given (cli.md). */
  certfile?: string;
  keyfile?: string;
  timeoutMs?: number;
}

/** Resolve settings into client options; a TLS file that cannot be read is a BadRequestError naming it. */
export async function resolveClientOptions(settings: ConnectionSettings): Promise<GafferClientOptions> {
  const endpoint = parseEndpoint(settings.endpoint ?? DEFAULT_ENDPOINT);
  const tls: TlsOptions = {};
  if (settings.cacert) tls.ca = await readPem(settings.cacert, '--cacert');
  if (settings.certfile && settings.keyfile) {
    tls.cert = await readPem(settings.certfile, '--certfile');
    tls.key = await readPem(settings.keyfile, '--keyfile');
  }
  const options: GafferClientOptions = { endpoint };
  if (settings.apiKey) options.apiKey = settings.apiKey;
  if (Object.keys(tls).length > 0) options.tls = tls;
  if (settings.timeoutMs !== undefined) options.timeoutMs = settings.timeoutMs;
  return options;
}

async function readPem(path: string, option: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new BadRequestError('bad_value', `cannot read the ${option} file '${path}' (${code}); check the path`, { cause: err });
  }
}
