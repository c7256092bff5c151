// The SockJS channel over every transport: sockjs-client websocket, xhr-streaming
// and xhr-polling, and the raw /channel/websocket; the SockJS endpoints
// themselves; shutdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent } from '../helpers/events.js';
import { TRANSPORTS, isItem, openRawChannel, openSockJs, startChannelServer } from './channel-helpers.js';

const ECHO = fixtureCmd('echo.js');

test('SockJS endpoints: greeting, info (websocket, cookie_needed, origins, entropy), 404 below the prefix', async () => {
  const server = await startChannelServer();
  for (const path of ['/channel', '/channel/']) {
    const greeting = await request(`${server.url}${path}`);
    assert.equal(greeting.status, 200);
    assert.equal(greeting.text, 'Welcome to SockJS!\n');
  }
  const info = await request(`${server.url}/channel/info`);
  const body = info.json<{ websocket: boolean; cookie_needed: boolean; origins: string[]; entropy: number }>();
  assert.deepEqual([body.websocket, body.cookie_needed, body.origins], [true, true, ['*:*']]);
  assert.equal(typeof body.entropy, 'number');
  assert.equal((await request(`${server.url}/channel/nothing/here/at/all`)).status, 404);
  assert.equal((await request(`${server.url}/channel?x=1`)).status, 404, 'a query on the bare prefix is answered, never left hanging');
  assert.equal((await request(`${server.url}/channelx`)).status, 404);
});

for (const transport of TRANSPORTS) {
  test(`${transport.name}: SUB EVENTS receives canonical events, a command round-trips, NOP is silent`, async () => {
    const server = await startChannelServer();
    const client = await transport.open(server);
    client.send({ event: 'NOP' });
    assert.deepEqual(await client.sub('EVENTS'), { event: 'gaffer:subscription_success', topic: 'EVENTS' });
    server.manager.load({ name: 'echo', cmd: ECHO, redirect_output: ['out'] });
    const load = await client.next(isItem('EVENTS', 'load'));
    assert.deepEqual(load.data, { event: 'load', topic: 'EVENTS', name: 'default.echo' });
    const spawn = await client.next(isItem('EVENTS', 'spawn'));
    assert.equal(spawn.data.name, 'default.echo');
    assert.equal(typeof spawn.data.os_pid, 'number');
    const reply = await client.cmd('jobs');
    assert.deepEqual(reply, { event: 'gaffer:command_success', data: { id: reply.data.id, result: { jobs: ['default.echo'] } } });
    assert.ok(!client.queued.some((m) => m.event === 'gaffer:error'), 'NOP has no reply');
    client.close();
    await client.closed;
  });
}

test('subscriptions are dropped when the connection closes (every transport)', async () => {
  const server = await startChannelServer();
  const before = server.manager.events.listenerCount;
  const clients = await Promise.all(TRANSPORTS.map((t) => t.open(server)));
  for (const c of clients) {
    await c.sub('EVENTS');
    await c.sub('EVENTS');
    await c.sub('EVENTS:spawn');
  }
  assert.equal(server.manager.events.listenerCount, before + 2 * clients.length, 'one listener per topic and connection (reference-counted)');
  assert.equal(server.channel.connectionCount, clients.length);
  for (const c of clients) c.close();
  await Promise.all(clients.map((c) => c.closed));
  // The server learns about polling clients when their session expires (disconnectMs).
  await waitFor(() => server.channel.connectionCount === 0, 'every connection to be gone');
  assert.equal(server.manager.events.listenerCount, before);
});

test('stop closes every connection with 3001; later requests are refused with 503', async () => {
  const server = await startChannelServer();
  const sock = await openSockJs(server.url, ['xhr-streaming']);
  const raw = await openRawChannel(server.wsUrl);
  await sock.sub('EVENTS');
  await raw.sub('EVENTS');
  server.channel.stop();
  assert.deepEqual(await sock.closed, { code: 3001, reason: 'server shutting down' });
  assert.deepEqual(await raw.closed, { code: 3001, reason: 'server shutting down' });
  assert.equal((await request(`${server.url}/channel/info`)).status, 503);
  server.manager.load({ name: 'late', cmd: ECHO });
  await nextEvent(server.manager.events, 'spawn');
  assert.equal(server.channel.connectionCount, 0);
});

// Poll a condition on each event-loop turn (for the server's own view of disconnections).
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
