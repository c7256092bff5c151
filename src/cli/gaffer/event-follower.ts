// Canonical events for `gaffer logs`: the SockJS channel's raw websocket
// (topic EVENTS) when gafferd serves it, else the legacy `/watch` feed with
// its per-job events translated back (`proc.<L>.<action>` -> `job.<F>.<action>`).
import type { GafferClient } from '../../client/gaffer-client.js';
import type { WatchNotice } from '../../client/event-watcher.js';
import { isGafferError } from '../../errors.js';
import type { EventPayload } from '../../protocol/events.js';

export type CanonicalListener = (type: string, payload: Record<string, unknown>) => void;

export interface Follower {
  /** Resolves when following ends for good (error) ; close() ends it too. */
  done: Promise<void>;
  close(): void;
}

const CANONICAL_JOB_ACTIONS = new Set(['start', 'stop', 'spawn', 'reap', 'exit', 'kill']);

/** Follow every canonical event; resolves once subscribed. */
export async function followCanonicalEvents(client: GafferClient, onEvent: CanonicalListener, onNotice: (n: WatchNotice) => void): Promise<Follower> {
  const { subscribeChannel } = await import('../../client/channel-client.js');
  try {
    const subscription = await subscribeChannel(client, 'EVENTS', (event) => onEvent(event.event, event));
    return { done: subscription.closed, close: () => { void subscription.close(); } };
  } catch (err) {
    // A gafferd without the SockJS channel answers the upgrade with 404: use /watch.
    if (!isGafferError(err) || err.status !== 404) throw err;
  }
  const { watchEvents } = await import('../../client/event-watcher.js');
  const watch = watchEvents(client, {
    pattern: 'proc',
    onEvent: (type, payload) => {
      const translated = canonicalOf(type, payload);
      if (translated) onEvent(translated.type, translated.payload);
    },
    onNotice,
  });
  await watch.opened;
  return { done: watch.done, close: () => watch.close() };
}

// `proc.<L>.<action>` of the legacy stream as `job.<F>.<action>`, with `name: F`.
function canonicalOf(type: string, payload: EventPayload): { type: string; payload: Record<string, unknown> } | undefined {
  const legacy = String(payload.name ?? '');
  const action = type.slice(type.lastIndexOf('.') + 1);
  if (type !== `proc.${legacy}.${action}` || !CANONICAL_JOB_ACTIONS.has(action)) return undefined;
  const full = legacy.includes('.') ? legacy : `default.${legacy}`;
  return { type: `job.${full}.${action}`, payload: { ...payload, name: full, event: `job.${full}.${action}` } };
}
