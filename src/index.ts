// The public surface for embedding gaffer: re-exports only.
export { Manager, type ManagerOptions, type LoadOptions, type CommitOptions, type ManagerOutputListener } from './core/manager.js';
export type { Application } from './core/application.js';
export { EventBus, type EventListener } from './core/event-bus.js';
export { Job } from './core/job.js';
export { ManagedProcess, type OutputChunk, type ExitStatus } from './core/managed-process.js';
export { normalizeJobConfig, parseFlapping, type JobConfig, type FlappingConfig } from './core/job-config.js';
export type { Logger } from './core/logger.js';
export * from './errors.js';
export * from './protocol/events.js';
export { VERSION } from './protocol/version.js';
export { parseJobName, fullName, legacyName } from './util/names.js';
export { parseSignal } from './util/signals.js';
export { parseScale } from './util/scale.js';
export { substituteEnv } from './util/substitute.js';
export { bytes2human } from './util/bytes.js';
export { parseAddress } from './util/address.js';
