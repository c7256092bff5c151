// The 0.5 event channel over the raw websocket of the SockJS endpoint
// (`/channel/websocket`): one JSON text per message, SUB/UNSUB topics, a NOP
// every 15 s, `AUTH:<key>` first when a key is set.
import { gafferError } from '../errors.js';
import { websocketUrl } from './endpoint.js';
import type { GafferClient } from './gaffer-client.js';
import { handshakeError } from './pid-channel-client.js';
import { loadWebSocket } from './load-ws.js';

/** The `data` of a `gaffer:event` message: `event` (type), `topic` and the payload members. */
export type ChannelEvent = Record<string, unknown> & { event: string; topic?: string };

export interface ChannelSubscription {
  /** Resolves when the connection ends (daemon stopped, or close()). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Subscribe to one topic (`EVENTS`, `EVENTS:<pattern>`, `JOB:<F>`...); resolves once the server confirmed it. */
export async function subscribeChannel(client: GafferClient, topic: string, onEvent: (event: ChannelEvent) => void): Promise<ChannelSubscription> {
  const WS = await loadWebSocket();
  const transport = client.transport;
  const ws = new WS(websocketUrl(client.endpoint, '/channel/websocket'), { ...transport.tls, headers: transport.baseHeaders(), handshakeTimeout: 10_000 });
  const nop = setInterval(() => { if (ws.readyState === WS.OPEN) ws.send(JSON.stringify({ event: 'NOP' })); }, 15_000);
  nop.unref();
  const closed = new Promise<void>((resolve) => ws.once('close', () => {
    clearInterval(nop);
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
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (raw) => {
      let message: { event?: unknown; topic?: unknown; data?: unknown };
      try {
        message = JSON.parse(String(raw)) as typeof message;
      } catch {
        return;
      }
      if (message.event === 'gaffer:event' && typeof message.data === 'object' && message.data !== null) {
        onEvent(message.data as ChannelEvent);
      } else if (message.event === 'gaffer:subscription_success') {
        resolve();
      } else if (message.event === 'gaffer:subscription_error' || message.event === 'gaffer:error') {
        const detail = JSON.stringify(message.data ?? {});
        reject(gafferError('GAFFER_ERR_CHANNEL_REFUSED', `gafferd refused the subscription to '${topic}': ${detail}`));
        ws.close();
      }
    });
    ws.once('close', () => reject(gafferError('GAFFER_ERR_CHANNEL_CLOSED', `gafferd closed the channel before confirming '${topic}'`)));
    if (transport.apiKey) ws.send(`AUTH:${transport.apiKey}`);
    ws.send(JSON.stringify({ event: 'SUB', data: { topic } }));
  });
  return {
    closed,
    close: () => {
      if (ws.readyState === WS.OPEN || ws.readyState === WS.CONNECTING) ws.close(1000);
      return closed;
    },
  };
}
