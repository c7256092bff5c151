import { readFileSync } from 'node:fs';
import type { EventBus } from '../../src/util/event-bus.js';
import type { EventPayload } from '../../src/protocol/events.js';

/**
 * Resolve with the next event matching `pattern` (and `predicate`), or reject
 * after `timeoutMs` with a message naming what was awaited.
 */
export function nextEvent(bus: EventBus, pattern: string, predicate: (p: EventPayload) => boolean = () => true, timeoutMs = 15000): Promise<EventPayload> {
  return new Promise((resolve, reject) => {
    const listener = (_type: string, payload: EventPayload): void => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      bus.unsubscribe(pattern, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      bus.unsubscribe(pattern, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for event '${pattern}'`));
    }, timeoutMs);
    bus.subscribe(pattern, listener);
  });
}

/** Collect every event matching `pattern` until `stop()` is called. */
export function collectEvents(bus: EventBus, pattern = '.'): { events: EventPayload[]; stop: () => void } {
  const events: EventPayload[] = [];
  const listener = (_type: string, payload: EventPayload): void => { events.push(payload); };
  bus.subscribe(pattern, listener);
  return { events, stop: () => bus.unsubscribe(pattern, listener) };
}

/** Resolve after `count` events matching `pattern` (and `predicate`). */
export function nthEvent(bus: EventBus, pattern: string, count: number, predicate: (p: EventPayload) => boolean = () => true, timeoutMs = 20000): Promise<EventPayload[]> {
  return new Promise((resolve, reject) => {
    const seen: EventPayload[] = [];
    const listener = (_type: string, payload: EventPayload): void => {
      if (!predicate(payload)) return;
      seen.push(payload);
      if (seen.length === count) {
        clearTimeout(timer);
        bus.unsubscribe(pattern, listener);
        resolve(seen);
      }
    };
    const timer = setTimeout(() => {
      bus.unsubscribe(pattern, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} '${pattern}' events (saw ${seen.length})`));
    }, timeoutMs);
    bus.subscribe(pattern, listener);
  });
}

/** True while the OS process exists (and is not a zombie). */
export function isAlive(osPid: number): boolean {
  try {
    process.kill(osPid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); it is dead for our purposes.
    const stat = readFileSync(`/proc/${osPid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
