// IDENTIFY accepts any JSON `version`, as the original lookupd did: the original Python client
// sends the number 1.0, and its REGISTER_* messages must then be accepted (issue 15).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import type { LookupdServer } from '../../src/lookupd/server.js';
import { ProtocolClient, get, startLookupd } from './helpers.js';

const servers: LookupdServer[] = [];
const clients: ProtocolClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
});

test('the original client: IDENTIFY with version 1.0 (a number), then REGISTER_JOB and REGISTER_PROCESS', async () => {
  const { url } = await startLookupd(servers);
  const c = await ProtocolClient.connect(url, {}, clients);
  // The frame as the Python client writes it (json.dumps of {"version": 1.0}, a hex msgid).
  const identify = '{"type": "IDENTIFY", "name": "py-node", "origin": "http://py-node:5000", "version": 1.0, "msgid": "8c0f2b7e4d6a4f1e9b3c5d7e9f1a2b3c"}';
  assert.deepEqual(await c.sendRaw(identify), { ok: true, msgid: '8c0f2b7e4d6a4f1e9b3c5d7e9f1a2b3c' });
  assert.deepEqual(await c.sendRaw('{"type": "REGISTER_JOB", "job_name": "default.dummy", "msgid": "a1"}'), { ok: true, msgid: 'a1' });
  assert.deepEqual(await c.sendRaw('{"type": "REGISTER_PROCESS", "job_name": "default.dummy", "pid": 1, "msgid": "a2"}'), { ok: true, msgid: 'a2' });
  const node = { name: 'py-node', origin: 'http://py-node:5000', version: 1 };
  assert.deepEqual((await get(`${url}/nodes`)).body, { nodes: [node] });
  assert.deepEqual((await get(`${url}/findJob?name=default.dummy`)).body, { sources: [{ name: 'py-node', pids: [1], node_info: node }] });
});

test('any JSON version is recorded as sent; a missing one is still invalid_message', async () => {
  const { url } = await startLookupd(servers);
  const versions: unknown[] = ['0.1', 2, null, true, { major: 1 }];
  for (const [i, version] of versions.entries()) {
    const c = await ProtocolClient.connect(url, {}, clients);
    assert.deepEqual(await c.send('IDENTIFY', { name: `n${i}`, origin: 'http://x:1', version }), { ok: true, msgid: 'm1' });
  }
  assert.deepEqual((await get(`${url}/nodes`)).body.nodes.map((n: { version: unknown }) => n.version), versions);
  const c = await ProtocolClient.connect(url, {}, clients);
  assert.deepEqual(await c.send('IDENTIFY', { name: 'nov', origin: 'http://x:1' }), { errno: 400, reason: 'invalid_message', msgid: 'm1' });
  assert.deepEqual(await c.send('IDENTIFY', { name: 'big', origin: 'http://x:1', version: 'v'.repeat(2000) }), { errno: 400, reason: 'invalid_message', msgid: 'm2' });
});

test('registration refuses a web page of another site (its Origin), not nodes without one or with the lookupd\'s own', async () => {
  const { url } = await startLookupd(servers);
  const host = new URL(url).host;
  await assert.rejects(ProtocolClient.connect(url, { origin: 'https://evil.example' }, clients), /Unexpected server response: 403/);
  const same = await ProtocolClient.connect(url, { origin: `http://${host}` }, clients);
  assert.deepEqual(await same.send('IDENTIFY', { name: 'same-origin', origin: 'http://a:1', version: 1 }), { ok: true, msgid: 'm1' });
  const none = await ProtocolClient.connect(url, {}, clients);
  assert.deepEqual(await none.send('IDENTIFY', { name: 'no-origin', origin: 'http://b:1', version: 1 }), { ok: true, msgid: 'm1' });
  assert.deepEqual((await get(`${url}/nodes`)).body.nodes.map((n: { name: string }) => n.name), ['same-origin', 'no-origin']);
  // The read-only feed stays open to pages: it is a public directory.
  const feed = new WebSocket(`${url.replace(/^http/, 'ws')}/lookup/websocket`, { origin: 'https://evil.example' });
  await new Promise((resolve, reject) => { feed.once('open', resolve); feed.once('error', reject); });
  feed.close();
});
