// The gafferd configuration file (config.md): [gaffer], [endpoint:<name>],
// [ssl], [lookup_ssl], [auth], [webhooks] and the job sections, read into one
// typed GafferdConfig. Unknown sections and keys and bad values are
// ConfigErrors naming file, section and key; nothing is interpolated.
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { stat } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { ListenAddress } from '../util/address.js';
import {
  LOG_FORMATS, LOG_LEVELS, parseBacklogValue, parseBooleanValue, parseChoiceValue, parseHttpUrlValue,
  parseListenAddressValue, parseTextValue, type LogFormat, type LogLevel,
} from './config-values.js';
import { readConfigTree } from './config-tree.js';
import type { ConfiguredJob } from './configured-job.js';
import { applyGafferdOverrides, type GafferdOverrides } from './gafferd-overrides.js';
import { parseOriginListValue, parseServerNameListValue } from './origin-values.js';
import type { IniSection } from './ini-document.js';
import { buildJobs, isJobSectionName } from './job-sections.js';
import { SectionReader } from './section-reader.js';
import { DEFAULT_BACKLOG, pathValue, readAuth, readEndpoints, readPluginSections, readSsl, readWebhooks } from './gafferd-sections.js';

export const DEFAULT_BIND = '127.0.0.1:5000';
export { DEFAULT_BACKLOG } from './gafferd-sections.js';

/** One HTTP listener: every address serves the whole API. */
export interface EndpointConfig {
  name: string;
  addresses: ListenAddress[];
  backlog: number;
  certfile?: string;
  keyfile?: string;
}

export interface SslConfig {
  certfile?: string;
  keyfile?: string;
  caCerts?: string;
  certReqs?: 'none' | 'optional' | 'required';
}

export interface LookupSslConfig {
  certfile?: string;
  keyfile?: string;
  caCerts?: string;
}

export interface AuthConfig {
  authBackend: string;
  keysBackend: string;
  /** As written (`auth.db` by default, `:memory:` = in memory). */
  authDbname: string;
  keysDbname: string;
  /** `authDbname` resolved against the config directory (`:memory:` kept). */
  authDb: string;
  keysDb: string;
}

export interface WebhookConfig {
  event: string;
  url: string;
}

export interface GafferdConfig {
  configDir: string | undefined;
  configFile: string | undefined;
  /** Files read, main file first, then includes. */
  files: string[];
  bind: ListenAddress;
  backlog: number;
  /** Names listed by `http_endpoints`. */
  httpEndpoints: string[];
  /** The usable endpoints named by `http_endpoints`. */
  endpoints: EndpointConfig[];
  /** What to listen on: `endpoints`, or one `default` endpoint from bind/backlog/[ssl] when none is usable. */
  listeners: EndpointConfig[];
  /** The plugin directory after the precedence rules (plugins-webhooks.md). */
  pluginsDir: string;
  daemonize: boolean;
  pidfile: string | undefined;
  /** Log file; undefined = stderr (`-`). */
  errorLog: string | undefined;
  logLevel: LogLevel;
  /** gafferd's own log lines: `text` (default) or `json` (one object per line). */
  logFormat: LogFormat;
  broadcastAddress: string | undefined;
  lookupdAddresses: string[];
  requireKey: boolean;
  /** Browser origins allowed cross-origin (`[gaffer] allowed_origins` + `--allow-origin`), canonical; `*` = any. */
  allowedOrigins: string[];
  /** Extra Host names accepted on loopback listeners (`[gaffer] server_names`). */
  serverNames: string[];
  ssl: SslConfig;
  lookupSsl: LookupSslConfig;
  auth: AuthConfig;
  webhooks: WebhookConfig[];
  /** Jobs in load order (ascending priority, stable). */
  jobs: ConfiguredJob[];
  /**
   * `[plugin:<name>]` sections, free-form, for plugins to read their own settings
   * (keys lower-cased, values as written).
   */
  plugins: Record<string, Record<string, string>>;
  /** Non-fatal findings (skipped includes, sections ignored), one line each. */
  warnings: string[];
}

export interface LoadGafferdConfigOptions {
  /** The configuration directory (auth databases, `plugins/`); default: the file's directory. */
  configDir?: string;
  /** Environment for `$GAFFER_PLUGIN_DIR` (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Home directory for `~/.gafferd/plugins` (default os.homedir()). */
  homeDir?: string;
  /** Command-line options, which win over the file. */
  overrides?: GafferdOverrides;
}

const GAFFER_KEYS = ['http_endpoints', 'bind', 'backlog', 'plugins_dir', 'plugin_dir', 'include', 'include_dir', 'daemonize',
  'pidfile', 'error_log', 'log_level', 'log_format', 'broadcast_address', 'lookupd_address*', 'require_key',
  'allowed_origins', 'server_names'];
const SSL_KEYS = ['certfile', 'keyfile', 'ca_certs', 'cert_reqs'];
const LOOKUP_SSL_KEYS = ['certfile', 'keyfile', 'ca_certs'];
const SECTION_KINDS = '[gaffer], [endpoint:<name>], [ssl], [lookup_ssl], [auth], [webhooks], [process:<name>], [job:<name>], [env:<name>] or [plugin:<name>]';

/**
 * Load the gafferd configuration from `file` (and its includes); without a
 * file, the defaults. An unreadable main file is a ConfigError naming the
 * file and the OS reason.
 */
export async function loadGafferdConfig(file: string | undefined, options: LoadGafferdConfigOptions = {}): Promise<GafferdConfig> {
  const tree = file === undefined ? { files: [], sections: [], warnings: [] } : await readConfigTree(file);
  const configDir = options.configDir ?? (file === undefined ? undefined : dirname(resolve(file)));
  const sections = new Map<string, IniSection>();
  for (const section of tree.sections) {
    if (!isKnownSection(section.name)) {
      throw new ConfigError(`${section.file} [${section.name}] unknown section: expected ${SECTION_KINDS}`,
        { details: { file: section.file, section: section.name } });
    }
    sections.set(section.name, section);
  }
  const reader = (name: string): SectionReader | undefined => {
    const section = sections.get(name);
    return section && new SectionReader(section);
  };
  const warnings = [...tree.warnings];

  const gaffer = reader('gaffer');
  gaffer?.rejectUnknownKeys((k) => GAFFER_KEYS.includes(k) || k.startsWith('lookupd_address'), GAFFER_KEYS);
  const config: GafferdConfig = {
    configDir,
    configFile: file,
    files: tree.files,
    bind: gaffer?.read('bind', parseListenAddressValue) ?? parseListenAddressValue(DEFAULT_BIND),
    backlog: gaffer?.read('backlog', parseBacklogValue) ?? DEFAULT_BACKLOG,
    httpEndpoints: gaffer?.read('http_endpoints', (t) => t.split(',').map((s) => s.trim()).filter((s) => s !== '')) ?? [],
    endpoints: [],
    listeners: [],
    pluginsDir: '',
    daemonize: gaffer?.read('daemonize', parseBooleanValue) ?? false,
    pidfile: gaffer?.read('pidfile', (t) => parseTextValue(t, 'a file path')),
    errorLog: gaffer?.read('error_log', (t) => (t.trim() === '-' ? undefined : parseTextValue(t, 'a file path or -'))),
    logLevel: gaffer?.read('log_level', (t) => parseChoiceValue(t, LOG_LEVELS)) ?? 'info',
    logFormat: gaffer?.read('log_format', (t) => parseChoiceValue(t, LOG_FORMATS)) ?? 'text',
    broadcastAddress: gaffer?.read('broadcast_address', parseHttpUrlValue),
    lookupdAddresses: [],
    requireKey: gaffer?.read('require_key', parseBooleanValue) ?? false,
    allowedOrigins: gaffer?.read('allowed_origins', parseOriginListValue) ?? [],
    serverNames: gaffer?.read('server_names', parseServerNameListValue) ?? [],
    ssl: readSsl(reader('ssl'), SSL_KEYS),
    lookupSsl: readSsl(reader('lookup_ssl'), LOOKUP_SSL_KEYS),
    auth: readAuth(reader('auth'), configDir),
    webhooks: readWebhooks(sections.get('webhooks'), warnings),
    jobs: buildJobs(tree.sections, warnings),
    plugins: readPluginSections(sections),
    warnings,
  };
  for (const key of gaffer?.keys() ?? []) {
    if (!key.startsWith('lookupd_address')) continue;
    const url = gaffer!.read(key, parseHttpUrlValue)!;
    if (!config.lookupdAddresses.includes(url)) config.lookupdAddresses.push(url);
  }
  config.endpoints = readEndpoints(config.httpEndpoints, sections, warnings, gaffer?.fileOf('http_endpoints'));
  // A relative plugins_dir is relative to the file that sets it.
  const pluginsKey = gaffer?.has('plugins_dir') ? 'plugins_dir' : 'plugin_dir';
  const pluginsDir = gaffer?.read(pluginsKey, pathValue);
  const declaredIn = gaffer?.fileOf(pluginsKey);

  const merged = applyGafferdOverrides(config, options.overrides ?? {});
  merged.pluginsDir = await resolvePluginsDir(options.overrides?.pluginsDir,
    pluginsDir === undefined ? undefined : resolve(dirname(resolve(declaredIn ?? '.')), pluginsDir), configDir, options);
  merged.listeners = merged.endpoints.length > 0 ? merged.endpoints : [{
    name: 'default', addresses: [merged.bind], backlog: merged.backlog,
    ...(merged.ssl.certfile === undefined ? {} : { certfile: merged.ssl.certfile }),
    ...(merged.ssl.keyfile === undefined ? {} : { keyfile: merged.ssl.keyfile }),
  }];
  return merged;
}

function isKnownSection(name: string): boolean {
  return ['gaffer', 'ssl', 'lookup_ssl', 'auth', 'webhooks'].includes(name) ||
    (name.startsWith('endpoint:') && name.length > 'endpoint:'.length) ||
    (name.startsWith('plugin:') && name.length > 'plugin:'.length) || isJobSectionName(name);
}


// -p, then [gaffer] plugins_dir, then $GAFFER_PLUGIN_DIR, then <config dir>/plugins if it exists, else ~/.gafferd/plugins.
async function resolvePluginsDir(option: string | undefined, fromFile: string | undefined, configDir: string | undefined,
  options: LoadGafferdConfigOptions): Promise<string> {
  if (option !== undefined && option !== '') return resolve(option);
  if (fromFile !== undefined) return fromFile;
  const fromEnv = (options.env ?? process.env).GAFFER_PLUGIN_DIR;
  if (fromEnv) return resolve(fromEnv);
  if (configDir !== undefined) {
    const candidate = join(configDir, 'plugins');
    if (await stat(candidate).then((s) => s.isDirectory(), () => false)) return candidate;
  }
  return join(options.homeDir ?? homedir(), '.gafferd', 'plugins');
}
