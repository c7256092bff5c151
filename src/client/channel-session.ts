// One raw-websocket connection to gafferd's `/channel` carrying several
// topics at once (EVENTS, STATS:<pid>, STREAM:<pid>.<label>...), for clients
// that follow many things live (`gafferctl top`) without one socket each.
import { GafferError, gafferError } from '../errors.js';
import type { ChannelEvent } from './channel-client.js';
import { websocketUrl } from './endpoint.js';
import type { GafferClient } from './gaffer-client.js';
import { handshakeError } from './pid-channel-client.js';
import { loadWebSocket } from './load-ws.js';

/** A subscription gafferd refused: `reason` is its subscription_error reason (`not_found`, `forbidden`...). */
export class ChannelRefusedError extends GafferError {
  readonly topic: string;

  constructor(topic: string, reason: string, status: number) {
    super('GAFFER_ERR_CHANNEL_REFUSED', status, reason, `gafferd refused the subscription to '${topic}': ${reason}`);
    this.topic = topic;
  }
}

export interface ChannelSession {
  /** Subscribe to a topic; resolves once gafferd confirmed it, rejects with ChannelRefusedError. */
  subscribe(topic: string): Promise<void>;
  /** Drop a topic (no answer awaited). */
  unsubscribe(topic: string): void;
  /** Resolves when the connection ended (gafferd gone, or close()). */
  closed: Promise<void>;
  close(): Promise<void>;
}

const NOP_EVERY_MS = 15_000;

/** Open a session; `onEvent` receives every `gaffer:event` item of every topic. */
export async function openChannelSession(client: GafferClient, onEvent: (event: ChannelEvent) => void): Promise<ChannelSession> {
  const WS = await loadWebSocket();
  const transport = client.transport;
  const ws = new WS(websocketUrl(client.endpoint, '/channel/websocket'), { ...transport.tls, headers: transport.baseHeaders(), handshakeTimeout: 10_000 });
  // Pending SUBs by topic text, answered in order by gafferd.
  const pending = new Map<string, Array<{ resolve: () => void; reject: (err: Error) => void }>>();
  const nop = setInterval(() => { if (ws.readyState === WS.OPEN) ws.send(JSON.stringify({ event: 'NOP' })); }, NOP_EVERY_MS);
  nop.unref();
  const closed = new Promise<void>((resolve) => ws.once('close', () => {
    clearInterval(nop);
    const gone = gafferError('GAFFER_ERR_CHANNEL_CLOSED', 'gafferd closed the channel');
    for (const waiters of pending.values()) for (const w of waiters) w.reject(gone);
    pending.clear();
    resolve();
  }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', (err) => {
      clearInterval(nop);
      reject(handshakeError(client, err));
    });
  });
  ws.on('error', () => {});
  const settle = (topic: string, err?: Error): void => {
    const waiters = pending.get(topic);
    const first = waiters?.shift();
    if (waiters?.length === 0) pending.delete(topic);
    if (first) (err ? first.reject(err) : first.resolve());
  };
  ws.on('message', (raw) => {
    let message: { event?: unknown; topic?: unknown; data?: unknown };
    try {
      message = JSON.parse(String(raw)) as typeof message;
    } catch {
      return;
    }
    const topic = typeof message.topic === 'string' ? message.topic : '';
    if (message.event === 'gaffer:event' && typeof message.data === 'object' && message.data !== null) {
      onEvent(message.data as ChannelEvent);
    } else if (message.event === 'gaffer:subscription_success') {
      settle(topic);
    } else if (message.event === 'gaffer:subscription_error') {
      const reason = (message.data as { reason?: unknown } | undefined)?.reason;
      const text = typeof reason === 'string' ? reason : String((reason as { error?: unknown } | undefined)?.error ?? 'refused');
      const status = typeof reason === 'object' && reason !== null ? Number((reason as { errno?: unknown }).errno) || 400 : text === 'forbidden' ? 403 : 400;
      settle(topic, new ChannelRefusedError(topic, text, status));
    }
  });
  if (transport.apiKey) ws.send(`AUTH:${transport.apiKey}`);
  return {
    subscribe: (topic) => new Promise<void>((resolve, reject) => {
      if (ws.readyState !== WS.OPEN) {
        reject(gafferError('GAFFER_ERR_CHANNEL_CLOSED', 'the channel to gafferd is closed'));
        return;
      }
      const waiters = pending.get(topic) ?? [];
      waiters.push({ resolve, reject });
      pending.set(topic, waiters);
      ws.send(JSON.stringify({ event: 'SUB', data: { topic } }));
    }),
    unsubscribe: (topic) => {
      if (ws.readyState === WS.OPEN) ws.send(JSON.stringify({ event: 'UNSUB', data: { topic } }));
    },
    closed,
    close: () => {
      if (ws.readyState === WS.OPEN || ws.readyState === WS.CONNECTING) ws.close(1000);
      return closed;
    },
  };
}
