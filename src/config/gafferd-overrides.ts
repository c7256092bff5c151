// gafferd command-line options that override the configuration file
// (config.md, cli.md). Option values are validated here so that a bad
// `--backlog` is reported like a bad file value: one line naming the option.
import { ConfigError } from '../errors.js';
import {
  ExpectedValue, LOG_FORMATS, LOG_LEVELS, parseBacklogValue, parseChoiceValue, parseHttpUrlValue, parseListenAddressValue, type LogLevel,
} from './config-values.js';
import type { GafferdConfig } from './gafferd-config.js';
import { parseOriginValue } from './origin-values.js';

/** Command-line values; `undefined` = not given. */
export interface GafferdOverrides {
  bind?: string;
  backlog?: string | number;
  pidfile?: string;
  daemonize?: boolean;
  errorLog?: string;
  /** One of LOG_LEVELS (any case); anything else is an error naming the option, like `log_level` in the file. */
  logLevel?: string;
  /** `text` or `json`; anything else is an error naming the option. */
  logFormat?: string;
  requireKey?: boolean;
  /** Replaces the file's list when given (even empty). */
  lookupdAddresses?: string[];
  broadcastAddress?: string;
  certfile?: string;
  keyfile?: string;
  cacert?: string;
  clientCertfile?: string;
  clientKeyfile?: string;
  /** `--allow-origin` (repeatable): added to `[gaffer] allowed_origins`. */
  allowOrigins?: string[];
  /** `-p`: wins over `[gaffer] plugins_dir`. */
  pluginsDir?: string;
}

/** Return a copy of `config` with the command-line overrides applied (listeners are recomputed by the caller). */
export function applyGafferdOverrides(config: GafferdConfig, overrides: GafferdOverrides): GafferdConfig {
  const out: GafferdConfig = { ...config, ssl: { ...config.ssl }, lookupSsl: { ...config.lookupSsl } };
  if (overrides.bind !== undefined) out.bind = option('--bind', overrides.bind, parseListenAddressValue);
  if (overrides.backlog !== undefined) out.backlog = option('--backlog', String(overrides.backlog), parseBacklogValue);
  if (overrides.pidfile !== undefined) out.pidfile = overrides.pidfile;
  if (overrides.daemonize !== undefined) out.daemonize = overrides.daemonize;
  if (overrides.errorLog !== undefined) out.errorLog = overrides.errorLog === '-' ? undefined : overrides.errorLog;
  if (overrides.logLevel !== undefined) out.logLevel = option('--log-level', overrides.logLevel, (t) => parseChoiceValue(t, LOG_LEVELS));
  if (overrides.logFormat !== undefined) out.logFormat = option('--log-format', overrides.logFormat, (t) => parseChoiceValue(t, LOG_FORMATS));
  if (overrides.requireKey !== undefined) out.requireKey = overrides.requireKey;
  if (overrides.lookupdAddresses !== undefined) {
    out.lookupdAddresses = [...new Set(overrides.lookupdAddresses.map((a) => option('--lookupd-address', a, parseHttpUrlValue)))];
  }
  if (overrides.broadcastAddress !== undefined) {
    out.broadcastAddress = option('--broadcast-address', overrides.broadcastAddress, parseHttpUrlValue);
  }
  if (overrides.allowOrigins !== undefined) {
    out.allowedOrigins = [...new Set([...config.allowedOrigins, ...overrides.allowOrigins.map((o) => option('--allow-origin', o, parseOriginValue))])];
  }
  if (overrides.certfile !== undefined) out.ssl.certfile = overrides.certfile;
  if (overrides.keyfile !== undefined) out.ssl.keyfile = overrides.keyfile;
  if (overrides.cacert !== undefined) out.lookupSsl.caCerts = overrides.cacert;
  if (overrides.clientCertfile !== undefined) out.lookupSsl.certfile = overrides.clientCertfile;
  if (overrides.clientKeyfile !== undefined) out.lookupSsl.keyfile = overrides.clientKeyfile;
  return out;
}

// Parse an option value; failures name the option: `--backlog "x": expected an integer >= 1`.
function option<T>(name: string, value: string, parse: (text: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof ExpectedValue) {
      throw new ConfigError(`${name} ${JSON.stringify(value)}: expected ${err.expected}`, { details: { option: name } });
    }
    throw err;
  }
}
