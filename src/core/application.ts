import type { Manager } from './manager.js';

/**
 * A capability attached to a Manager (HTTP server, webhooks, console output,
 * plugins, lookupd registration). Started after the Manager, stopped in
 * reverse order after every process has exited.
 */
export interface Application {
  /** A short name for log lines. */
  readonly name?: string;
  start(manager: Manager): void | Promise<void>;
  stop(): void | Promise<void>;
  restart(): void | Promise<void>;
}
