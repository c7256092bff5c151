// Websocket endpoints with keys: `/wstreams/<pid>` and `/<pid>/channel`
// open only after a first `AUTH:<key>` message of a key with the right
// permission; without required keys a first AUTH message is acknowledged
// and never reaches the process.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { WebSocket } from 'ws';
import type { Manager } from '../../src/core/manager.js';
import { decodeFrame, encodeFrame } from '../../src/http/channel-frames.js';
import { authenticateSocket } from '../../src/http/permissions.js';
import { FULL_ACCESS, type ChannelAuth, type KeyInfo } from '../../src/protocol/auth.js';
import { connectWs, outputOf, type TestSocket } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { startAuthServer } from './auth-server.js';

const ECHO = fixtureCmd('echo.js');

interface Frame { type: string; id: string; body: string }

async function nextFrame(client: TestSocket): Promise<Frame> {
  const frame = decodeFrame(await client.next());
  return { type: frame.type, id: frame.id, body: frame.body.toString('utf8') };
}

function sendFrame(client: TestSocket, body: string): string {
  const id = randomUUID().replace(/-/g, '');
  client.ws.send(encodeFrame('message', id, body));
  return id;
}

async function loadEcho(manager: Manager): Promise<number> {
  const pid = manager.load({ name: 'web', cmd: ECHO, redirect_input: true, redirect_output: ['out'] }, { sessionid: 'app' }).kept[0]!.pid;
  await outputOf(manager, pid, 'ready');
  return pid;
}

// Everything the process prints from now on.
function recordOutput(manager: Manager, pid: number): () => string {
  let seen = '';
  manager.monitorIo(pid, '.', (chunk) => { seen += chunk.data.toString('utf8'); });
  return () => seen;
}

test('/wstreams with keys required: AUTH first, else AUTH_REQUIRED and close; write permission needed', async () => {
  const server = await startAuthServer();
  const pid = await loadEcho(server.manager);
  const output = recordOutput(server.manager, pid);
  const writer = server.key({ write: ['app'] });
  const reader = server.key({ read: ['app'] });

  for (const first of ['SNEAKY\n', 'AUTH:' + 'f'.repeat(32), 'AUTH:']) {
    const client = await connectWs(`${server.wsUrl}/wstreams/${pid}`);
    client.ws.send(first);
    assert.deepEqual(JSON.parse((await client.next()).toString()), { error: 'AUTH_REQUIRED' }, first);
    assert.deepEqual(await client.closed, { code: 1008, reason: 'AUTH_REQUIRED' });
  }
  const forbidden = await connectWs(`${server.wsUrl}/wstreams/${pid}`);
  forbidden.ws.send(`AUTH:${reader}`);
  assert.deepEqual(JSON.parse((await forbidden.next()).toString()), { error: 'forbidden' });
  await forbidden.closed;

  // Data sent right behind the AUTH message is held until the key is verified, then written.
  const client = await connectWs(`${server.wsUrl}/wstreams/${pid}`);
  client.ws.send(`AUTH:${writer}`);
  client.ws.send('ECHO\n');
  assert.equal((await client.next()).toString(), 'ECHO\n');
  assert.ok(!output().includes('SNEAKY') && !output().includes('AUTH'), `nothing before authentication reached the process: ${JSON.stringify(output())}`);
  client.ws.close();
});

test('PID channel with keys required: AUTH frame answered OK; read/write permission per mode; refusals are gaffer_error frames', async () => {
  const server = await startAuthServer();
  const pid = await loadEcho(server.manager);
  const output = recordOutput(server.manager, pid);
  const reader = server.key({ read: ['app.web'] });
  const writer = server.key({ write: ['app'] });

  for (const first of ['SNEAKY\n', `AUTH:${'f'.repeat(32)}`]) {
    const client = await connectWs(`${server.wsUrl}/${pid}/channel`);
    sendFrame(client, first);
    assert.deepEqual(await nextFrame(client), { type: 'error', id: 'gaffer_error', body: JSON.stringify({ error: 'AUTH_REQUIRED', errno: 403 }) });
    assert.equal((await client.closed).code, 1008);
  }
  const garbage = await connectWs(`${server.wsUrl}/${pid}/channel`);
  garbage.ws.send('not a frame');
  assert.equal((await nextFrame(garbage)).body, JSON.stringify({ error: 'AUTH_REQUIRED', errno: 403 }));

  // A read key may read (mode 1) but not open the default read+write channel.
  const both = await connectWs(`${server.wsUrl}/${pid}/channel`);
  const authId = sendFrame(both, `AUTH:${reader}`);
  assert.deepEqual(await nextFrame(both), { type: 'response', id: authId, body: 'OK' });
  assert.deepEqual(await nextFrame(both), { type: 'error', id: 'gaffer_error', body: JSON.stringify({ error: 'FORBIDDEN', errno: 403 }) });
  await both.closed;

  const readOnly = await connectWs(`${server.wsUrl}/${pid}/channel?mode=1`);
  const readId = sendFrame(readOnly, `AUTH:${reader}`);
  assert.deepEqual(await nextFrame(readOnly), { type: 'response', id: readId, body: 'OK' });

  // The writer's AUTH and data frames go back to back; the data is held, then written.
  const rw = await connectWs(`${server.wsUrl}/${pid}/channel`);
  const rwAuth = sendFrame(rw, `AUTH:${writer}`);
  const dataId = sendFrame(rw, 'ECHO\n');
  assert.deepEqual(await nextFrame(rw), { type: 'response', id: rwAuth, body: 'OK' });
  const frames = [await nextFrame(rw), await nextFrame(rw)];
  assert.deepEqual(frames.find((f) => f.type === 'response'), { type: 'response', id: dataId, body: 'OK' });
  assert.equal(frames.find((f) => f.type === 'message')?.body, 'ECHO\n');
  const echoed = await nextFrame(readOnly);
  assert.deepEqual([echoed.type, echoed.body], ['message', 'ECHO\n'], 'the read-only channel sees the output too');
  assert.ok(!output().includes('SNEAKY') && !output().includes('AUTH'), `nothing before authentication reached the process: ${JSON.stringify(output())}`);
  readOnly.ws.close();
  rw.ws.close();
});

test('keys not required: a first AUTH message is acknowledged (PID channel) or dropped (wstreams), never written to the process', async () => {
  const server = await startAuthServer({ required: false });
  const pid = await loadEcho(server.manager);
  const output = recordOutput(server.manager, pid);

  const channel = await connectWs(`${server.wsUrl}/${pid}/channel?mode=1`);
  const authId = sendFrame(channel, 'AUTH:any-key');
  assert.deepEqual(await nextFrame(channel), { type: 'response', id: authId, body: 'OK' }, 'a read-only channel still accepts the AUTH frame');

  const wstream = await connectWs(`${server.wsUrl}/wstreams/${pid}`);
  wstream.ws.send('AUTH:any-key');
  wstream.ws.send('ECHO\n');
  assert.equal((await wstream.next()).toString(), 'ECHO\n');
  assert.equal((await nextFrame(channel)).body, 'ECHO\n');
  assert.equal(output(), 'ECHO\n');
  // Only the first message is special.
  wstream.ws.send('AUTH:later\n');
  assert.equal((await wstream.next()).toString(), 'AUTH:later\n');
  channel.ws.close();
  wstream.ws.close();
});

// A stand-in websocket: enough of ws.WebSocket for authenticateSocket.
class FakeSocket extends EventEmitter {
  refused = 0;
}

test('authenticateSocket: no AUTH message within the timeout → refused; a verify failure is a refusal', async () => {
  const caller: KeyInfo = { key: 'k', permissions: { admin: true } };
  const auth = (verify: ChannelAuth['verify']): ChannelAuth => ({ required: true, verify, can: () => true });
  const handlers = (socket: FakeSocket, opened: KeyInfo[]): Parameters<typeof authenticateSocket>[2] => ({
    keyOf: (m) => (m.toString().startsWith('AUTH:') ? m.toString().slice(5) : undefined),
    acknowledge: () => {},
    refuse: () => { socket.refused++; },
    open: (c) => { opened.push(c); return () => {}; },
  });

  const silent = new FakeSocket();
  const opened: KeyInfo[] = [];
  const refused = new Promise<void>((resolve) => {
    authenticateSocket(silent as unknown as WebSocket, auth(async () => caller), { ...handlers(silent, opened), refuse: () => resolve() }, 20);
  });
  await refused;
  assert.deepEqual(opened, []);

  const failing = new FakeSocket();
  const done = new Promise<void>((resolve) => {
    authenticateSocket(failing as unknown as WebSocket, auth(async () => { throw new Error('store closed'); }), { ...handlers(failing, opened), refuse: () => resolve() });
  });
  failing.emit('message', Buffer.from('AUTH:k'));
  await done;
  failing.emit('close');

  const open = new FakeSocket();
  authenticateSocket(open as unknown as WebSocket, { required: false, verify: async () => undefined, can: () => true }, handlers(open, opened));
  assert.deepEqual(opened, [FULL_ACCESS], 'without required keys the endpoint opens at once with full rights');
});
