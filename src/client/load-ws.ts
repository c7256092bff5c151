// The ws client, loaded on first use: `import 'ws'` also loads its server
// (WebSocketServer), which a client that only speaks HTTP should not pay for,
// and which the `./client` entry promises not to load.
import type WebSocket from 'ws';

/** The ws WebSocket class (Node caches the module after the first call). */
export async function loadWebSocket(): Promise<typeof WebSocket> {
  return (await import('ws')).default;
}
