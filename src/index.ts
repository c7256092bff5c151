// The public surface for embedding gaffer: re-exports only.
export { Manager, type ManagerOptions, type LoadOptions, type CommitOptions, type ManagerOutputListener } from './core/manager.js';
export type { Application } from './core/application.js';
export { EventBus, type EventListener } from './util/event-bus.js';
export { matchesPattern, normalizePattern } from './util/event-pattern.js';
export { legacyEventsOf } from './legacy/legacy-events.js';
export { ManagedProcess, type OutputChunk, type ExitStatus } from './core/managed-process.js';
export { normalizeJobConfig, parseFlapping, type JobConfig, type FlappingConfig } from './core/job-config.js';
export type { Logger } from './util/logger.js';
export * from './errors.js';
export {
  CANONICAL_EVENTS, PORT_EVENTS, jobEvent, processEvent, type CanonicalEventType, type EventPayload, type JobEventPayload,
  type SpawnEventPayload, type ExitEventPayload, type StopProcessEventPayload, type JobKillEventPayload, type ProcessKillEventPayload,
} from './protocol/events.js';
export { VERSION } from './protocol/version.js';
export { parseJobName, fullName, legacyName } from './util/names.js';
export { parseSignal } from './util/signals.js';
export { parseScale } from './util/scale.js';
export { substituteEnv } from './util/substitute.js';
export { bytes2human } from './util/bytes.js';
export { parseAddress } from './util/address.js';
export { loadGafferdConfig, type GafferdConfig } from './config/gafferd-config.js';
export { locateConfig } from './config/config-location.js';
export { diffJobs, type ConfiguredJob } from './config/configured-job.js';
export { parseProcfile, readProcfile, procfileToJobs, parseConcurrency } from './config/procfile.js';
export { loadEnvFiles } from './config/env-file.js';
export { Daemon, type DaemonOptions } from './daemon/daemon.js';
export { HttpServerApp, type HttpServerAppOptions } from './http/server-app.js';
export { ConsoleOutput, type ConsoleOutputOptions } from './apps/console-output.js';
export { LookupRegistration, type LookupRegistrationOptions } from './apps/lookup-registration.js';
export { LookupdServer } from './lookupd/server.js';
export { GafferClient, type GafferClientOptions } from './client/gaffer-client.js';
export { UnreachableError, errorFromResponse } from './client/client-errors.js';
export { watchEvents, type WatchOptions } from './client/event-watcher.js';
export { openPidChannel } from './client/pid-channel-client.js';
export { parseEndpoint } from './client/endpoint.js';
export { Authenticator, type AuthenticatorOptions } from './auth/authenticator.js';
export { KeyStore } from './auth/key-store.js';
export { UserStore } from './auth/user-store.js';
export type { ChannelAuth, KeyInfo, KeyPermissions } from './protocol/auth.js';
export { SockJsChannel } from './apps/channel/sockjs-channel.js';
export { Webhooks } from './apps/webhooks.js';
export { PluginHost } from './apps/plugins/plugin-host.js';
export { Plugin } from './apps/plugins/plugin.js';
