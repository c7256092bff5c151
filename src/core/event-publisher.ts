// The one place where the core's events are published: each event is built
// once and sent to every topic it belongs to (global, `job.<F>.<type>`,
// `proc.<pid>.<type>`), then handed synchronously to the record listeners
// (projections such as the 0.4 event stream, which live at the edge).
import { jobEvent, processEvent } from '../protocol/events.js';
import type { EventBus } from '../util/event-bus.js';
import type { Job } from './job.js';
import type { ManagedProcess } from './managed-process.js';

type Topic = 'global' | 'job' | 'process';

/** Topics of an event about a job as a whole. */
const JOB_TOPICS: Readonly<Record<string, readonly Topic[]>> = {
  load: ['global'], unload: ['global'], update: ['global'], restart: ['global'], flap: ['global'],
  give_up: ['global'], reload_failed: ['global'],
  start: ['global', 'job'], stop: ['global', 'job'], ready: ['global', 'job'],
  kill: ['job'],
};

/** Topics of an event about one process of a job. */
const PROCESS_TOPICS: Readonly<Record<string, readonly Topic[]>> = {
  spawn: ['global', 'job'], stop_process: ['global'], spawn_error: ['global'],
  reap: ['global', 'job', 'process'], exit: ['global', 'job', 'process'],
  unhealthy: ['global', 'process'], max_memory: ['global', 'process'],
  ready: ['process'], kill: ['process'],
};

/** One published event, with what it is about (for projections that need more than the payload). */
export interface EventRecord {
  /** The canonical event type (`spawn`, `exit`, ...). */
  readonly type: string;
  readonly job: Pick<Job, 'sessionid' | 'name' | 'fullName'>;
  readonly process: ManagedProcess | undefined;
  /** The canonical payload, as published on the global topic (without `event`). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Topics the event was sent to. */
  readonly topics: readonly string[];
}

/** Called synchronously for every event, in publication order; never dropped. */
export type EventRecordListener = (record: EventRecord) => void;

/** Builds each event once and sends it to every topic of the canonical bus and to the record listeners. */
export class EventPublisher {
  readonly events: EventBus;
  readonly #listeners = new Set<EventRecordListener>();
  readonly #onListenerError: (err: unknown) => void;

  constructor(events: EventBus, onListenerError: (err: unknown) => void) {
    this.events = events;
    this.#onListenerError = onListenerError;
  }

  /** Follow every event synchronously; returns the function that stops following. */
  onRecord(listener: EventRecordListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** An event about a job: the payload starts with `name` (the full name). */
  job(type: string, job: Job, payload: Record<string, unknown> = {}): void {
    this.#send(type, job, undefined, { name: job.fullName, ...payload }, JOB_TOPICS[type] ?? ['global']);
  }

  /**
   * An event about one process; `payload` is complete (its own member order).
   * A one-off process's spawn has no job topic (the job's kept processes are what `job.<F>.spawn` follows).
   */
  process(type: string, job: Job, proc: ManagedProcess, payload: Record<string, unknown>): void {
    let topics = PROCESS_TOPICS[type] ?? ['global'];
    if (type === 'spawn' && proc.once) topics = ['global'];
    this.#send(type, job, proc, payload, topics);
  }

  #send(type: string, job: Job, proc: ManagedProcess | undefined, payload: Record<string, unknown>, topics: readonly Topic[]): void {
    const names = topics.map((t) => (t === 'global' ? type : t === 'job' ? jobEvent(job.fullName, type) : processEvent(proc!.pid, type)));
    for (const name of names) this.events.publish(name, payload);
    if (this.#listeners.size === 0) return;
    const record: EventRecord = { type, job, process: proc, payload, topics: names };
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }
}
