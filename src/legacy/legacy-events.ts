// The 0.4 event stream, derived at the edge from the core's canonical events:
// the core publishes each event once (core/event-publisher.ts); this module
// renames it (`load` -> `create`, `stop_process` -> `stop_pid`...), gives it
// the 0.4 job name and payload, and adds the `proc.<name>.<event>` companions.
import type { EventRecord, Manager } from '../core/manager.js';
import { EventBus } from '../util/event-bus.js';
import { CANONICAL_EVENTS, LEGACY_EVENT_NAMES, LEGACY_PER_JOB, type CanonicalEventType } from '../protocol/events.js';
import { legacyName } from '../util/names.js';

const CANONICAL = new Set<string>(CANONICAL_EVENTS);
const streams = new WeakMap<Manager, EventBus>();

/**
 * The 0.4 event stream of a manager: created on first use, then shared by
 * every consumer (`/watch`, webhooks, console output). Bounded like the
 * canonical bus (`maxQueue`); it costs nothing while nobody subscribes.
 */
export function legacyEventsOf(manager: Manager): EventBus {
  let bus = streams.get(manager);
  if (!bus) {
    const stream = new EventBus({ maxQueue: manager.maxQueue, logger: manager.logger });
    manager.onEventRecord((record) => {
      if (stream.listenerCount === 0) return;
      for (const [type, payload] of toLegacyEvents(record)) stream.publish(type, payload);
    });
    streams.set(manager, stream);
    bus = stream;
  }
  return bus;
}

/** The 0.4 events of one canonical event: none, or the global event and its `proc.<name>.` companion. */
export function toLegacyEvents(record: EventRecord): Array<[string, Record<string, unknown>]> {
  // Only global canonical events have a 0.4 translation (not `job.<F>.*`-only ones such as a job `kill`).
  if (!CANONICAL.has(record.type) || !record.topics.includes(record.type)) return [];
  const type = LEGACY_EVENT_NAMES[record.type as CanonicalEventType];
  const name = legacyName(record.job.sessionid, record.job.name);
  const { name: _full, ...rest } = record.payload;
  const body: Record<string, unknown> = { name, ...rest };
  if (record.type === 'spawn') body.detached = record.process?.detach ?? false;
  if (record.type === 'exit') delete body.once;
  if (record.type === 'stop_process') body.os_pid = record.process?.osPid;
  const events: Array<[string, Record<string, unknown>]> = [[type, body]];
  if (LEGACY_PER_JOB.has(type)) events.push([`proc.${name}.${type}`, body]);
  return events;
}
