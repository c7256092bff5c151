// The non-job sections of gaffer.ini (config.md): [endpoint:<name>], [ssl] and
// [lookup_ssl], [auth], [webhooks] and [plugin:<name>], each read into its typed
// part of GafferdConfig (core of config/gafferd-config.ts).
import { isAbsolute, join } from 'node:path';
import { ExpectedValue, parseBacklogValue, parseListenAddressValue, parseTextValue } from './config-values.js';
import type { AuthConfig, EndpointConfig, SslConfig, WebhookConfig } from './gafferd-config.js';
import type { IniSection } from './ini-document.js';
import { SectionReader } from './section-reader.js';

/** The listen backlog when none is configured. */
export const DEFAULT_BACKLOG = 128;
const ENDPOINT_KEYS = ['bind', 'backlog', 'certfile', 'keyfile'];
const AUTH_KEYS = ['auth_backend', 'keys_backend', 'auth_dbname', 'keys_dbname'];

// [plugin:<name>] sections are the plugins' own: any key is accepted and handed over as written.
export function readPluginSections(sections: Map<string, IniSection>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, section] of sections) {
    if (!name.startsWith('plugin:')) continue;
    const values: Record<string, string> = {};
    for (const entry of section.entries) values[entry.key.toLowerCase()] = entry.value;
    out[name.slice('plugin:'.length)] = values;
  }
  return out;
}

export function pathValue(text: string): string {
  return parseTextValue(text, 'a path');
}

// [endpoint:<name>] sections named by http_endpoints; unusable ones are skipped with a warning.
export function readEndpoints(names: string[], sections: Map<string, IniSection>, warnings: string[], file: string | undefined): EndpointConfig[] {
  for (const [name, section] of sections) {
    if (!name.startsWith('endpoint:')) continue;
    new SectionReader(section).rejectUnknownKeys((k) => ENDPOINT_KEYS.includes(k), ENDPOINT_KEYS);
    if (!names.includes(name.slice('endpoint:'.length))) warnings.push(`${section.file} [${name}] is not listed in http_endpoints; not used`);
  }
  const endpoints: EndpointConfig[] = [];
  for (const name of names) {
    const section = sections.get(`endpoint:${name}`);
    if (!section) {
      warnings.push(`${file} [gaffer] http_endpoints names '${name}' but there is no [endpoint:${name}] section; skipped`);
      continue;
    }
    const reader = new SectionReader(section);
    const addresses = reader.read('bind', (t) => {
      const list = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (list.length === 0) throw new ExpectedValue('one or more comma-separated addresses');
      return list.map(parseListenAddressValue);
    });
    if (!addresses) {
      warnings.push(`${section.file} [${section.name}] has no bind; endpoint skipped`);
      continue;
    }
    const certfile = reader.read('certfile', pathValue);
    const keyfile = reader.read('keyfile', pathValue);
    endpoints.push({
      name, addresses, backlog: reader.read('backlog', parseBacklogValue) ?? DEFAULT_BACKLOG,
      ...(certfile === undefined ? {} : { certfile }), ...(keyfile === undefined ? {} : { keyfile }),
    });
  }
  return endpoints;
}

// [ssl] and [lookup_ssl] share their keys (cert_reqs only in [ssl]).
export function readSsl(reader: SectionReader | undefined, keys: string[]): SslConfig {
  if (!reader) return {};
  reader.rejectUnknownKeys((k) => keys.includes(k), keys);
  const out: SslConfig = {};
  const certfile = reader.read('certfile', pathValue);
  const keyfile = reader.read('keyfile', pathValue);
  const caCerts = reader.read('ca_certs', pathValue);
  const certReqs = reader.read('cert_reqs', parseCertReqs);
  if (certfile !== undefined) out.certfile = certfile;
  if (keyfile !== undefined) out.keyfile = keyfile;
  if (caCerts !== undefined) out.caCerts = caCerts;
  if (certReqs !== undefined) out.certReqs = certReqs;
  return out;
}

// Python's ssl.CERT_* names or numbers: none/optional/required, CERT_NONE..., 0/1/2.
function parseCertReqs(text: string): 'none' | 'optional' | 'required' {
  const word = text.trim().toLowerCase().replace(/^cert_/, '');
  const byNumber: Record<string, 'none' | 'optional' | 'required'> = { 0: 'none', 1: 'optional', 2: 'required' };
  const found = byNumber[word] ?? (['none', 'optional', 'required'] as const).find((w) => w === word);
  if (!found) throw new ExpectedValue('none, optional or required (or CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED, 0, 1, 2)');
  return found;
}

export function readAuth(reader: SectionReader | undefined, configDir: string | undefined): AuthConfig {
  reader?.rejectUnknownKeys((k) => AUTH_KEYS.includes(k), AUTH_KEYS);
  const text = (key: string, fallback: string): string => reader?.read(key, (t) => parseTextValue(t)) ?? fallback;
  const locate = (name: string): string => (name === ':memory:' || isAbsolute(name) || configDir === undefined ? name : join(configDir, name));
  const authDbname = text('auth_dbname', 'auth.db');
  const keysDbname = text('keys_dbname', 'keys.db');
  return {
    authBackend: text('auth_backend', 'default'),
    keysBackend: text('keys_backend', 'default'),
    authDbname, keysDbname, authDb: locate(authDbname), keysDb: locate(keysDbname),
  };
}

// [webhooks] event = url: event keys keep their case (job names are case-sensitive);
// the URL is the first word of the value; URLs are not validated (never fatal).
export function readWebhooks(section: IniSection | undefined, warnings: string[]): WebhookConfig[] {
  if (!section) return [];
  const reader = new SectionReader(section, (key) => key);
  const hooks: WebhookConfig[] = [];
  for (const event of reader.keys()) {
    const url = (reader.text(event) ?? '').trim().split(/\s+/)[0] ?? '';
    if (url === '') warnings.push(`${section.file} [webhooks] ${event} has no URL; ignored`);
    else hooks.push({ event, url });
  }
  return hooks;
}
