// Event names and payload shapes of the canonical (0.5) and legacy (0.4)
// streams, shared by the Manager (publisher) and every consumer.

/** Global canonical event types. */
export const CANONICAL_EVENTS = [
  'load', 'unload', 'start', 'stop', 'update', 'restart', 'spawn', 'reap', 'exit', 'stop_process', 'flap',
] as const;
export type CanonicalEventType = (typeof CANONICAL_EVENTS)[number];

/**
 * Canonical-only global events added by the port (no 0.4 translation):
 * spawn failures, readiness, failed health/readiness checks, memory limits, give-ups.
 */
export const PORT_EVENTS = ['spawn_error', 'ready', 'unhealthy', 'max_memory', 'give_up', 'reload_failed'] as const;

/** Canonical global event -> legacy global event. */
export const LEGACY_EVENT_NAMES: Readonly<Record<CanonicalEventType, string>> = {
  load: 'create',
  unload: 'delete',
  start: 'start',
  stop: 'stop',
  update: 'update',
  restart: 'restart',
  spawn: 'spawn',
  reap: 'reap',
  exit: 'exit',
  stop_process: 'stop_pid',
  flap: 'flap',
};

/** Legacy events that also have a `proc.<L>.<event>` companion. */
export const LEGACY_PER_JOB = new Set(['start', 'stop', 'spawn', 'reap', 'exit', 'stop_pid']);

/** Legacy events printed by local runs (`gaffer start`, `gaffer run`). */
export const LOCAL_CONSOLE_EVENTS = ['spawn', 'reap', 'exit', 'stop_pid'] as const;
/** Default events of the console output application. */
export const DEFAULT_CONSOLE_EVENTS = ['start', 'stop', 'spawn', 'reap', 'exit', 'stop_pid'] as const;

export interface EventPayload {
  event: string;
  [key: string]: unknown;
}

export interface JobEventPayload extends EventPayload { name: string }
export interface SpawnEventPayload extends JobEventPayload { pid: number; os_pid: number }
export interface ExitEventPayload extends SpawnEventPayload {
  exit_status: number;
  term_signal: number;
  once: boolean;
}
export interface StopProcessEventPayload extends JobEventPayload { pid: number }
export interface JobKillEventPayload extends JobEventPayload { signum: number }
export interface ProcessKillEventPayload extends JobEventPayload { pid: number; signum: number }

/** `job.<F>.<action>` */
export function jobEvent(full: string, action: string): string {
  return `job.${full}.${action}`;
}

/** `proc.<pid>.<action>` */
export function processEvent(pid: number | string, action: string): string {
  return `proc.${pid}.${action}`;
}
