// SIGHUP (core of Daemon.reload): a changed job gets its new config, and the
// settings that can change without a restart (pid file, webhooks, plugins,
// keys, origins) are applied; the others are reported as needing a restart.
import type { PluginHost } from '../apps/plugins/plugin-host.js';
import type { Webhooks } from '../apps/webhooks.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { GafferdConfig } from '../config/gafferd-config.js';
import type { Logger } from '../util/logger.js';
import type { Manager } from '../core/manager.js';
import type { OriginPolicy } from '../httpkit/origin-policy.js';
import { toListeners } from './daemon-config.js';
import type { Pidfile } from './pidfile.js';

/** What a reload of the settings may change. */
export interface ReloadTargets {
  logger: Logger;
  pidfile: Pidfile | undefined;
  webhooks: Webhooks | undefined;
  plugins: PluginHost | undefined;
  auth: Authenticator | undefined;
  originPolicy: OriginPolicy | undefined;
}

// A changed job: the new config replaces the old (processes restart only if a process setting
// changed) and its target becomes the configured numprocesses. The job is addressed by session
// AND short name: `[process:app:web]` and `[process:web]` are two jobs named `web`.
export function applyJobChange(manager: Manager, logger: Logger, configured: GafferdConfig['jobs'][number]): void {
  const { sessionid, config } = configured;
  const job = manager.getJob(config.name, sessionid);
  const scaleToConfig = (): void => {
    if (job.unloaded || job.stopped || job.idle || job.numprocesses === config.numprocesses) return;
    try {
      manager.scale(config.name, { op: 'set', n: config.numprocesses }, sessionid);
    } catch (err) {
      logger.error(`scaling '${job.fullName}' to ${config.numprocesses} failed: ${(err as Error).message}`);
    }
  };
  const updating = manager.update({ ...config }, { sessionid });
  if (job.rollout) {
    // A rolling update raises the target by its batch while it runs: scale once it is over
    // (a failed one is logged by the Manager; the old processes keep running).
    void updating.then(scaleToConfig, scaleToConfig);
  } else {
    updating.catch(() => {});
    scaleToConfig();
  }
}

/** Apply what changed between two configurations, besides the jobs. */
export async function applySettings(before: GafferdConfig, next: GafferdConfig, t: ReloadTargets): Promise<void> {
  if (next.pidfile && t.pidfile && next.pidfile !== t.pidfile.path) t.pidfile.rename(next.pidfile);
  t.webhooks?.reload(next.webhooks);
  try {
    await t.plugins?.reload({ dir: next.pluginsDir, config: next });
  } catch (err) {
    t.logger.error(`reloading the plugins failed: ${(err as Error).message}`);
  }
  if (next.requireKey !== before.requireKey) {
    t.auth?.setRequired(next.requireKey);
    t.logger.info(`API keys are now ${next.requireKey ? 'required' : 'not required'}`);
  }
  if (JSON.stringify([next.allowedOrigins, next.serverNames]) !== JSON.stringify([before.allowedOrigins, before.serverNames])) {
    t.originPolicy?.update({ allowedOrigins: next.allowedOrigins, serverNames: next.serverNames });
    t.logger.info(`allowed origins: ${next.allowedOrigins.join(', ') || '(same-origin only)'}; server names: ${next.serverNames.join(', ') || '(loopback names only)'}`);
  }
  if (JSON.stringify(next.lookupdAddresses) !== JSON.stringify(before.lookupdAddresses)) {
    t.logger.warn('the lookupd addresses changed in the configuration; restart gafferd to register with the new ones');
  }
  if (JSON.stringify(toListeners(next)) !== JSON.stringify(toListeners(before))) {
    t.logger.warn('the listen addresses changed in the configuration; restart gafferd to rebind them');
  }
}
