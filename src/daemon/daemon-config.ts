// What gafferd derives from its configuration before starting: the dependency
// check of the configured jobs and the HTTP listeners (with their TLS files read).
import { readFileSync } from 'node:fs';
import type { GafferdConfig } from '../config/gafferd-config.js';
import { findCycle } from '../core/dependencies.js';
import { parseJobPolicy } from '../core/job-policy.js';
import { ConfigError } from '../errors.js';
import type { HttpListenerConfig } from '../http/listeners.js';
import { parseJobName } from '../util/names.js';

// A dependency cycle in the configuration is a start-up error naming the cycle.
export function checkDependencies(config: GafferdConfig): void {
  const graph = new Map<string, string[]>();
  for (const job of config.jobs) {
    const deps = parseJobPolicy(job.config).dependsOn.map((d) => {
      const parsed = parseJobName(d, job.sessionid);
      return `${parsed.sessionid}.${parsed.name}`;
    });
    graph.set(job.fullName, deps);
  }
  const cycle = findCycle(graph);
  if (cycle) throw new ConfigError(`${config.configFile ?? 'configuration'}: depends_on forms a cycle: ${cycle.join(' -> ')}`);
}

/** The HTTP listeners of a configuration (TLS files are read here; an unreadable file is a ConfigError). */
export function toListeners(config: GafferdConfig): HttpListenerConfig[] {
  const listeners: HttpListenerConfig[] = [];
  for (const endpoint of config.listeners) {
    let tls: HttpListenerConfig['tls'];
    if (endpoint.certfile && endpoint.keyfile) {
      tls = { cert: readTlsFile(endpoint.certfile, `endpoint:${endpoint.name}`), key: readTlsFile(endpoint.keyfile, `endpoint:${endpoint.name}`) };
      // The default listener (no [endpoint:*] in use) also takes [ssl] ca_certs / cert_reqs: client certificates.
      if (config.endpoints.length === 0 && config.ssl.caCerts) {
        tls.ca = readTlsFile(config.ssl.caCerts, 'ssl');
        tls.requestCert = (config.ssl.certReqs ?? 'none') !== 'none';
        tls.rejectUnauthorized = config.ssl.certReqs === 'required';
      }
    }
    for (const address of endpoint.addresses) listeners.push({ address, backlog: endpoint.backlog, tls });
  }
  return listeners;
}

/** The TLS files of the link to lookupd (`[lookup_ssl]`), read; undefined when none is set. */
export function lookupTls(config: GafferdConfig): { ca?: string; cert?: string; key?: string } | undefined {
  const ssl = config.lookupSsl;
  if (!ssl.caCerts && !ssl.certfile && !ssl.keyfile) return undefined;
  return {
    ca: ssl.caCerts ? readTlsFile(ssl.caCerts, 'lookup_ssl') : undefined,
    cert: ssl.certfile ? readTlsFile(ssl.certfile, 'lookup_ssl') : undefined,
    key: ssl.keyfile ? readTlsFile(ssl.keyfile, 'lookup_ssl') : undefined,
  };
}

function readTlsFile(path: string, endpoint: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`[${endpoint}]: cannot read TLS file '${path}': ${(err as Error).message}`, { cause: err });
  }
}

