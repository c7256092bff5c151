import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { followLookupd } from '../../src/client/lookup-client.js';
import type { LookupdServer } from '../../src/lookupd/server.js';
import type { LookupdEvent } from '../../src/protocol/lookupd.js';
import { ProtocolClient, get, startLookupd } from './helpers.js';

const servers: LookupdServer[] = [];
const clients: ProtocolClient[] = [];
let server: LookupdServer;
let url: string;

const n1 = { name: 'n1', origin: 'http://n1:5000', version: '0.1' };
const n2 = { name: 'n2', origin: 'http://n2:5000', version: '0.1' };

before(async () => {
  ({ server, url } = await startLookupd(servers));
  const a = await ProtocolClient.connect(url, {}, clients);
  const b = await ProtocolClient.connect(url, {}, clients);
  await ProtocolClient.connect(url, {}, clients); // never identifies: invisible in /nodes
  await a.identify('n1');
  await b.identify('n2');
  await a.send('REGISTER_JOB', { job_name: 'app.web' });
  await a.send('REGISTER_PROCESS', { job_name: 'app.web', pid: 1 });
  await a.send('REGISTER_PROCESS', { job_name: 'app.web', pid: 2 });
  await a.send('REGISTER_JOB', { job_name: 'default.dummy' });
  await b.send('REGISTER_JOB', { job_name: 'app.web' });
  await b.send('REGISTER_PROCESS', { job_name: 'app.web', pid: 5 });
  await b.send('REGISTER_JOB', { job_name: 'other.worker' });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
});

test('GET /, /ping and /version', async () => {
  assert.deepEqual((await get(`${url}/`)).body, { welcome: 'gaffer-lookupd', version: '0.5.2' });
  const ping = await get(`${url}/ping`);
  assert.equal(ping.status, 200);
  assert.equal(ping.text, 'OK');
  assert.match(ping.headers.get('content-type') ?? '', /^text\/plain/);
  const version = await get(`${url}/version`);
  assert.deepEqual(version.body, { version: '0.5.2' });
  assert.equal(version.headers.get('content-type'), 'application/json');
});

test('GET /nodes lists identified nodes in connection order', async () => {
  assert.deepEqual((await get(`${url}/nodes`)).body, { nodes: [n1, n2] });
});

test('GET /jobs merges sources per job, in node then registration order', async () => {
  assert.deepEqual((await get(`${url}/jobs`)).body, {
    nb_jobs: 3,
    jobs: [
      { name: 'app.web', sources: [{ name: 'n1', pids: [1, 2], node_info: n1 }, { name: 'n2', pids: [5], node_info: n2 }] },
      { name: 'default.dummy', sources: [{ name: 'n1', pids: [], node_info: n1 }] },
      { name: 'other.worker', sources: [{ name: 'n2', pids: [], node_info: n2 }] },
    ],
  });
});

test('GET /sessions and /sessions/<node name>', async () => {
  const all = (await get(`${url}/sessions`)).body;
  assert.equal(all.nb_sessions, 3);
  assert.deepEqual(all.sessions.map((s: { sessionid: string }) => s.sessionid), ['app', 'default', 'other']);
  assert.deepEqual(all.sessions[0].jobs['app.web'].map((s: { name: string }) => s.name), ['n1', 'n2']);
  assert.deepEqual((await get(`${url}/sessions/n2`)).body, {
    nb_sessions: 2,
    sessions: [
      { sessionid: 'app', jobs: { 'app.web': [{ name: 'n2', pids: [5], node_info: n2 }] } },
      { sessionid: 'other', jobs: { 'other.worker': [{ name: 'n2', pids: [], node_info: n2 }] } },
    ],
  });
  assert.deepEqual((await get(`${url}/sessions/nobody`)).body, { nb_sessions: 0, sessions: [] });
});

test('GET /findJob accepts session.name or a bare name; unknown job -> empty list; missing name -> 400', async () => {
  assert.deepEqual((await get(`${url}/findJob?name=app.web`)).body.sources.map((s: { pids: number[] }) => s.pids), [[1, 2], [5]]);
  assert.deepEqual((await get(`${url}/findJob?name=dummy`)).body, { sources: [{ name: 'n1', pids: [], node_info: n1 }] });
  assert.deepEqual((await get(`${url}/findJob?name=nope.nope`)).body, { sources: [] });
  const missing = await get(`${url}/findJob`);
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.body, { error: 'missing_name', errno: 400, reason: 'missing_name' });
});

test('GET /findSession lists the jobs of a session; missing sessionid -> 400', async () => {
  const found = (await get(`${url}/findSession?sessionid=other`)).body;
  assert.deepEqual(found, { nb_jobs: 1, jobs: [{ name: 'other.worker', sources: [{ name: 'n2', pids: [], node_info: n2 }] }] });
  assert.deepEqual((await get(`${url}/findSession?sessionid=none`)).body, { nb_jobs: 0, jobs: [] });
  const missing = await get(`${url}/findSession?sessionid=`);
  assert.equal(missing.status, 400);
  assert.equal(missing.body.reason, 'missing_sessionid');
});

test('CORS * (without credentials) on every response; OPTIONS -> 204; unknown route 404; other verbs 405; HEAD has no body', async () => {
  const res = await get(`${url}/nodes`, { headers: { origin: 'http://ui.example' } });
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(res.headers.get('access-control-allow-methods'), 'POST, GET, PUT, DELETE, OPTIONS');
  assert.equal(res.headers.get('access-control-max-age'), '86400');
  assert.equal(res.headers.get('access-control-allow-credentials'), null);
  assert.match(res.headers.get('access-control-allow-headers') ?? '', /X-Api-Key/);
  assert.equal((await get(`${url}/jobs`, { headers: { origin: 'null' } })).headers.get('access-control-allow-origin'), '*');
  const options = await get(`${url}/anything`, { method: 'OPTIONS' });
  assert.equal(options.status, 204);
  assert.equal(options.text, '');
  assert.equal(options.headers.get('access-control-allow-origin'), '*');
  const missing = await get(`${url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.errno, 404);
  assert.equal(missing.headers.get('access-control-allow-origin'), '*');
  const post = await get(`${url}/nodes`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
  assert.equal(post.body.reason, 'method_not_allowed');
  const plainWs = await get(`${url}/ws`);
  assert.equal(plainWs.status, 426);
  assert.equal(plainWs.body.reason, 'upgrade_required');
  const head = await get(`${url}/nodes`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

test('the /lookup feed streams registry events over the raw websocket', async () => {
  const events: LookupdEvent[] = [];
  let gotAll!: () => void;
  const done = new Promise<void>((r) => { gotAll = r; });
  const feed = await followLookupd(url, (e) => {
    events.push(e);
    if (e.event === 'remove_node') gotAll();
  });
  try {
    const c = await ProtocolClient.connect(url, {}, clients);
    await c.identify('feedy');
    await c.send('REGISTER_JOB', { job_name: 'f.job' });
    await c.send('REGISTER_PROCESS', { job_name: 'f.job', pid: 9 });
    await c.send('UNREGISTER_PROCESS', { job_name: 'f.job', pid: 9 });
    await c.send('UNREGISTER_PROCESS', { job_name: 'f.job', pid: 9 });
    await c.send('UNREGISTER_JOB', { job_name: 'f.job' });
    await c.close();
    await done;
  } finally {
    await feed.close();
  }
  const node = { name: 'feedy', origin: 'http://feedy:5000', version: '0.1' };
  assert.deepEqual(events, [
    { event: 'add_node', name: null, origin: null, version: null },
    { event: 'identify', ...node },
    { event: 'add_job', node, job_name: 'f.job' },
    { event: 'add_process', node, job_name: 'f.job', pid: 9 },
    { event: 'remove_process', node, job_name: 'f.job', pid: 9 },
    { event: 'remove_job', node, job_name: 'f.job' },
    { event: 'remove_node', ...node },
  ]);
});

test('the /lookup feed speaks SockJS (greeting, info, xhr polling)', async () => {
  // Its own lookupd with the default 5 s session expiry: the shared one expires sessions after
  // 100 ms, shorter than a connect + identify on busy cores.
  const own = await startLookupd(servers, { feed: {} });
  const greeting = await get(`${own.url}/lookup`);
  assert.equal(greeting.status, 200);
  assert.match(greeting.text, /Welcome to SockJS/);
  const info = (await get(`${own.url}/lookup/info`)).body;
  assert.equal(info.websocket, true);
  const session = `${own.url}/lookup/000/s${Date.now()}/xhr`;
  assert.equal((await get(session, { method: 'POST' })).text, 'o\n');
  const c = await ProtocolClient.connect(own.url, {}, clients);
  await c.identify('sockjs-node');
  // Poll until both events came: one poll may carry only the first of them.
  const messages: LookupdEvent[] = [];
  while (messages.length < 2) {
    const frame = (await get(session, { method: 'POST' })).text;
    if (frame === 'h\n') continue;
    assert.match(frame, /^a\[/);
    messages.push(...(JSON.parse(frame.slice(1)) as string[]).map((m) => JSON.parse(m) as LookupdEvent));
  }
  assert.deepEqual(messages.map((m) => m.event), ['add_node', 'identify']);
  await c.close();
});
