import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { LookupdServer } from '../../src/lookupd/server.js';
import { ProtocolClient, get, nextRegistryEvent, startLookupd, waitForRegistry } from './helpers.js';

const servers: LookupdServer[] = [];
const clients: ProtocolClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
});

test('malformed frames get an error reply and the connection survives', async () => {
  const { server, url } = await startLookupd(servers);
  const c = await ProtocolClient.connect(url, {}, clients);
  assert.deepEqual(await c.sendRaw('{not json'), { errno: 400, reason: 'invalid_json', msgid: null });
  assert.deepEqual(await c.sendRaw('"a string"'), { errno: 400, reason: 'invalid_message', msgid: null });
  assert.deepEqual(await c.sendRaw('{"type":"PING"}'), { errno: 400, reason: 'invalid_message', msgid: null });
  assert.deepEqual(await c.sendRaw('{"msgid":"a1"}'), { errno: 400, reason: 'invalid_message', msgid: 'a1' });
  assert.deepEqual(await c.sendRaw('{"msgid":"a2","type":"HELLO"}'), { errno: 400, reason: 'invalid_message_type', msgid: 'a2' });
  assert.deepEqual(await c.sendRaw('{"msgid":"a3","type":"IDENTIFY","name":"n1"}'), { errno: 400, reason: 'invalid_message', msgid: 'a3' });
  assert.deepEqual(await c.send('REGISTER_JOB', { job_name: 'a.web' }), { errno: 404, reason: 'need to send IDENTIFY message first', msgid: 'm1' });
  assert.deepEqual(await c.sendRaw(Buffer.from('{"msgid":"b1","type":"PING"}')), { ok: true, msgid: 'b1' });
  assert.deepEqual(await c.identify('n1'), { ok: true, msgid: 'm2' });
  assert.deepEqual(await c.identify('n1'), { errno: 409, reason: 'already identified', msgid: 'm3' });
  assert.deepEqual(await c.send('REGISTER_JOB', { job_name: 'a.web' }), { ok: true, msgid: 'm4' });
  assert.deepEqual(await c.send('REGISTER_JOB', { job_name: 'a.web' }), { errno: 409, reason: "job 'a.web' is already registered", msgid: 'm5' });
  assert.deepEqual(await c.send('REGISTER_PROCESS', { job_name: 'a.nope', pid: 1 }), { errno: 404, reason: "job 'a.nope' not found", msgid: 'm6' });
  assert.deepEqual(await c.send('REGISTER_PROCESS', { job_name: 'a.web', pid: 1 }), { ok: true, msgid: 'm7' });
  assert.deepEqual(await c.send('UNREGISTER_PROCESS', { job_name: 'a.web', pid: 42 }), { ok: true, msgid: 'm8' });
  assert.deepEqual(await c.send('UNREGISTER_JOB', { job_name: 'a.unknown' }), { ok: true, msgid: 'm9' });
  assert.deepEqual(await c.send('PING'), { ok: true, msgid: 'm10' });
  assert.equal(c.ws.readyState, WebSocket.OPEN);
  assert.deepEqual(server.registry.findJobReply('a.web').sources.map((s) => s.pids), [[1]]);
});

test('a second connection cannot take an identity in use; a different origin can', async () => {
  const { url } = await startLookupd(servers);
  const a = await ProtocolClient.connect(url, {}, clients);
  const b = await ProtocolClient.connect(url, {}, clients);
  assert.equal((await a.identify('n1', 'http://n1:5000')).msgid, 'm1');
  assert.deepEqual(await b.identify('n1', 'http://n1:5000'), { errno: 409, reason: 'identity exists', msgid: 'm1' });
  assert.deepEqual(await b.identify('n1', 'http://n1:5001'), { ok: true, msgid: 'm2' });
  const { body } = await get(`${url}/nodes`);
  assert.deepEqual(body.nodes.map((n: { origin: string }) => n.origin), ['http://n1:5000', 'http://n1:5001']);
});

test('a node that disconnects is removed with all its jobs', async () => {
  const { server, url } = await startLookupd(servers);
  const c = await ProtocolClient.connect(url, {}, clients);
  await c.identify('gone');
  await c.send('REGISTER_JOB', { job_name: 'x.web' });
  await c.send('REGISTER_PROCESS', { job_name: 'x.web', pid: 3 });
  assert.equal((await get(`${url}/findJob?name=x.web`)).body.sources.length, 1);
  const removed = nextRegistryEvent(server, 'remove_node');
  await c.close();
  assert.deepEqual(await removed, { event: 'remove_node', name: 'gone', origin: 'http://gone:5000', version: '0.1' });
  assert.deepEqual((await get(`${url}/findJob?name=x.web`)).body, { sources: [] });
  assert.deepEqual((await get(`${url}/nodes`)).body, { nodes: [] });
});

test('a node that stops answering pings is dropped after the ping timeout', async () => {
  const { server, url } = await startLookupd(servers, { pingTimeoutMs: 300 });
  // autoPong off: the socket stays open but never answers the server's pings.
  const silent = await ProtocolClient.connect(url, { autoPong: false }, clients);
  const alive = await ProtocolClient.connect(url, {}, clients);
  await silent.identify('silent');
  await silent.send('REGISTER_JOB', { job_name: 'a.web' });
  await alive.identify('alive');
  await alive.send('REGISTER_JOB', { job_name: 'a.web' });
  const started = Date.now();
  const removed = await nextRegistryEvent(server, 'remove_node', 5000);
  assert.equal(removed.name, 'silent');
  assert.ok(Date.now() - started >= 200, 'dropped before the timeout elapsed');
  assert.deepEqual((await get(`${url}/findJob?name=a.web`)).body.sources.map((s: { name: string }) => s.name), ['alive']);
  assert.equal(alive.ws.readyState, WebSocket.OPEN);
  await waitForRegistry(server, () => server.registry.size === 1, 'one node left');
});

test('upgrades on unknown paths are refused with 404; close() is idempotent and ends registrations', async () => {
  const { server, url } = await startLookupd(servers);
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/nope`);
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('error', () => {});
  });
  assert.equal(refused, 404);
  const c = await ProtocolClient.connect(url, {}, clients);
  await c.identify('n1');
  const closed = new Promise<void>((resolve) => c.ws.once('close', () => resolve()));
  await Promise.all([server.close(), server.close()]);
  await server.close();
  await closed;
  assert.equal(server.state, 'closed');
  await assert.rejects(server.listen(), /cannot listen/);
});

test('listens on a unix socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookupd-unix-'));
  try {
    const socketPath = join(dir, 'lookupd.sock');
    const server = new LookupdServer({ bind: `unix:${socketPath}` });
    servers.push(server);
    await server.listen();
    assert.deepEqual(server.addresses(), [{ kind: 'unix', path: socketPath }]);
    const body = await new Promise<string>((resolve, reject) => {
      request({ socketPath, path: '/version' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    assert.deepEqual(JSON.parse(body), { version: '0.5.2' });
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
