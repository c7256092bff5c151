import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { UpgradeRouter, abortHandshake } from '../../src/httpkit/upgrade.js';
import { silentLogger } from '../../src/util/logger.js';
import { connectWs } from '../helpers/http.js';

const logger = silentLogger;
const upgrades = new UpgradeRouter({ logger });
let server: Server;
let base = '';

before(async () => {
  upgrades.addWebSocket('/echo/:tag', (ws, _req, match) => {
    ws.send(`hello ${match.params.tag} ${match.url.searchParams.get('q') ?? ''}`.trim());
    ws.on('message', (data: Buffer) => ws.send(data));
  });
  upgrades.addWebSocket('/other', (ws) => ws.send('other'));
  upgrades.addRaw((pathname) => pathname.startsWith('/raw'), (_req, socket) => abortHandshake(socket, 418, 'teapot'));
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => upgrades.handle(req, socket, head));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const a = server.address();
  base = `ws://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});

after(async () => {
  await upgrades.closeAll();
  await new Promise((r) => server.close(r));
});

// Resolve with the HTTP status of a refused handshake.
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => reject(new Error(`${url} was accepted`)));
    ws.on('error', () => {});
  });
}

test('several websocket endpoints on one server, dispatched by path with parameters', async () => {
  const a = await connectWs(`${base}/echo/one?q=x`);
  assert.equal((await a.next()).toString(), 'hello one x');
  a.ws.send('ping');
  assert.equal((await a.next()).toString(), 'ping');
  const b = await connectWs(`${base}/other`);
  assert.equal((await b.next()).toString(), 'other');
  a.ws.close();
  b.ws.close();
  await Promise.all([a.closed, b.closed]);
});

test('an unknown path gets an HTTP 404 status line; raw handlers take their paths first', async () => {
  assert.equal(await refusedStatus(`${base}/nowhere`), 404);
  assert.equal(await refusedStatus(`${base}/echo`), 404, 'a missing parameter does not match');
  assert.equal(await refusedStatus(`${base}/raw/thing`), 418);
});

test('closeAll closes every open websocket with 1001', async () => {
  const c = await connectWs(`${base}/echo/two`);
  await c.next();
  await upgrades.closeAll();
  assert.equal((await c.closed).code, 1001);
  assert.equal(upgrades.clients.size, 0);
});
