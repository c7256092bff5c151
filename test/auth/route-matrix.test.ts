// Every route family × {no key, wrong key, key without permission, key of
// another session, key of the route's session, admin} with keys required:
// 401 / 403 / 403 / 403 / 2xx-or-403 / 2xx (auth.md → Permission required per route).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Manager } from '../../src/core/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { outputOf } from '../helpers/http.js';
import { startAuthServer, statusOf, withKey } from './auth-server.js';

const ECHO = fixtureCmd('echo.js');
const SLEEPER = fixtureCmd('sleeper.js');

type Column = 'none' | 'wrong' | 'noperm' | 'other' | 'scoped' | 'admin';
const COLUMNS: Column[] = ['none', 'wrong', 'noperm', 'other', 'scoped', 'admin'];

/** What a route needs: a right on session `app` (or its job), a right on everything, or an auth right. */
type Scope = 'app' | 'all' | 'admin' | 'create_key' | 'create_user';

interface Row {
  route: string;
  method: string;
  /** The path (a function when each attempt needs a fresh job or process). */
  path: string | ((m: Manager) => string | Promise<string>);
  body?: unknown;
  scope: Scope;
}

let serial = 0;
const fresh = (prefix: string): string => `${prefix}${++serial}`;

// A stopped job of session `app`, for the routes that remove or replace one.
function spareJob(m: Manager): string {
  const name = fresh('spare');
  m.load({ name, cmd: SLEEPER }, { sessionid: 'app', start: false });
  return name;
}

function rows(webPid: () => number): Row[] {
  const pid = (): string => String(webPid());
  const oneOff = async (m: Manager): Promise<string> => String(await m.commit('web', {}, 'app'));
  return [
    // 0.5 sessions and jobs
    { route: 'GET /sessions', method: 'GET', path: '/sessions', scope: 'all' },
    { route: 'GET /jobs', method: 'GET', path: '/jobs', scope: 'all' },
    { route: 'GET /pids', method: 'GET', path: '/pids', scope: 'all' },
    { route: 'GET /jobs/<sid>', method: 'GET', path: '/jobs/app', scope: 'app' },
    { route: 'POST /jobs/<sid>', method: 'POST', path: '/jobs/app', body: () => ({ name: fresh('n'), cmd: SLEEPER, start: false }), scope: 'app' },
    { route: 'HEAD /jobs/<sid>/<name>', method: 'HEAD', path: '/jobs/app/web', scope: 'app' },
    { route: 'GET /jobs/<sid>/<name>', method: 'GET', path: '/jobs/app/web', scope: 'app' },
    { route: 'PUT /jobs/<sid>/<name>', method: 'PUT', path: (m) => `/jobs/app/${spareJob(m)}`, body: { cmd: SLEEPER, start: false }, scope: 'app' },
    { route: 'DELETE /jobs/<sid>/<name>', method: 'DELETE', path: (m) => `/jobs/app/${spareJob(m)}`, scope: 'app' },
    { route: 'GET .../stats', method: 'GET', path: '/jobs/app/web/stats', scope: 'app' },
    { route: 'GET .../numprocesses', method: 'GET', path: '/jobs/app/web/numprocesses', scope: 'app' },
    { route: 'POST .../numprocesses', method: 'POST', path: '/jobs/app/web/numprocesses', body: { scale: '=1' }, scope: 'app' },
    { route: 'POST .../signal', method: 'POST', path: '/jobs/app/web/signal', body: { signal: 'CONT' }, scope: 'app' },
    { route: 'GET .../state', method: 'GET', path: '/jobs/app/web/state', scope: 'app' },
    { route: 'POST .../state', method: 'POST', path: '/jobs/app/web/state', body: '1', scope: 'app' },
    { route: 'GET .../pids', method: 'GET', path: '/jobs/app/web/pids', scope: 'app' },
    { route: 'POST .../commit', method: 'POST', path: '/jobs/app/web/commit', body: {}, scope: 'app' },
    // 0.5 processes
    { route: 'HEAD /<pid>', method: 'HEAD', path: () => `/${pid()}`, scope: 'app' },
    { route: 'GET /<pid>', method: 'GET', path: () => `/${pid()}`, scope: 'app' },
    { route: 'GET /<pid>/stats', method: 'GET', path: () => `/${pid()}/stats`, scope: 'app' },
    { route: 'POST /<pid>/signal', method: 'POST', path: () => `/${pid()}/signal`, body: { signal: 'CONT' }, scope: 'app' },
    { route: 'DELETE /<pid>', method: 'DELETE', path: async (m) => `/${await oneOff(m)}`, scope: 'app' },
    // 0.4 processes, groups, status, stats, watch, streams
    { route: 'GET /processes', method: 'GET', path: '/processes', scope: 'all' },
    { route: 'POST /processes', method: 'POST', path: '/processes', body: () => ({ name: `app.${fresh('p')}`, cmd: SLEEPER, start: false }), scope: 'app' },
    { route: 'HEAD /processes/<name>', method: 'HEAD', path: '/processes/app.web', scope: 'app' },
    { route: 'GET /processes/<name>', method: 'GET', path: '/processes/app.web', scope: 'app' },
    { route: 'GET /processes/<name>/output', method: 'GET', path: '/processes/app.web/output', scope: 'app' },
    { route: 'GET /jobs/<sid>/<name>/output', method: 'GET', path: '/jobs/app/web/output', scope: 'app' },
    { route: 'PUT /processes/<name>', method: 'PUT', path: (m) => `/processes/app.${spareJob(m)}`, body: { cmd: SLEEPER }, scope: 'app' },
    { route: 'DELETE /processes/<name>', method: 'DELETE', path: (m) => `/processes/app.${spareJob(m)}`, scope: 'app' },
    { route: 'GET /processes/<name>/_pids', method: 'GET', path: '/processes/app.web/_pids', scope: 'app' },
    { route: 'POST /processes/<name>/_add', method: 'POST', path: '/processes/app.web/_add/0', scope: 'app' },
    { route: 'POST /processes/<name>/_signal', method: 'POST', path: '/processes/app.web/_signal/CONT', scope: 'app' },
    { route: 'GET /status/<name>', method: 'GET', path: '/status/app.web', scope: 'app' },
    { route: 'HEAD /processes/<pid>', method: 'HEAD', path: () => `/processes/${pid()}`, scope: 'app' },
    { route: 'GET /processes/<pid>', method: 'GET', path: () => `/processes/${pid()}`, scope: 'app' },
    { route: 'POST /processes/<pid>/_signal', method: 'POST', path: () => `/processes/${pid()}/_signal/CONT`, scope: 'app' },
    { route: 'DELETE /processes/<pid>', method: 'DELETE', path: async (m) => `/processes/${await oneOff(m)}`, scope: 'app' },
    { route: 'GET /groups', method: 'GET', path: '/groups', scope: 'all' },
    { route: 'GET /groups/<g>', method: 'GET', path: '/groups/app', scope: 'app' },
    { route: 'GET /watch', method: 'GET', path: '/watch?feed=continuous', scope: 'all' },
    { route: 'GET /stats', method: 'GET', path: '/stats', scope: 'all' },
    { route: 'GET /stats/<name>', method: 'GET', path: '/stats/app.web', scope: 'app' },
    { route: 'GET /stats/<name>/<pid>', method: 'GET', path: () => `/stats/app.web/${pid()}`, scope: 'app' },
    { route: 'GET /streams/<pid>/<label>', method: 'GET', path: () => `/streams/${pid()}/out?feed=continuous`, scope: 'app' },
    { route: 'POST /streams/<pid>/stdin', method: 'POST', path: () => `/streams/${pid()}/stdin`, body: 'hello\n', scope: 'app' },
    // keys and users
    { route: 'GET /keys', method: 'GET', path: '/keys', scope: 'admin' },
    { route: 'POST /keys', method: 'POST', path: '/keys', body: { label: 'made by the matrix' }, scope: 'create_key' },
    { route: 'GET /users', method: 'GET', path: '/users', scope: 'admin' },
    { route: 'POST /users', method: 'POST', path: '/users', body: () => ({ username: fresh('user'), password: 'pw' }), scope: 'create_user' },
  ];
}

function expected(column: Column, scope: Scope): 'ok' | number {
  switch (column) {
    case 'none': return 401;
    case 'wrong':
    case 'noperm':
    case 'other': return 403;
    case 'scoped': return scope === 'app' ? 'ok' : 403;
    case 'admin': return 'ok';
  }
}

test('route matrix: every family × every kind of caller', async () => {
  const server = await startAuthServer();
  const m = server.manager;
  const web = m.load({ name: 'web', cmd: ECHO, redirect_input: true, redirect_output: ['out'] }, { sessionid: 'app' });
  await outputOf(m, web.kept[0]!.pid, 'ready');
  m.load({ name: 'db', cmd: SLEEPER }, { sessionid: 'other' });
  const keys: Record<Column, string | undefined> = {
    none: undefined,
    wrong: 'f'.repeat(32),
    noperm: server.key({}),
    other: server.key({ manage: ['other'], write: ['other'], read: ['other'] }),
    scoped: server.key({ manage: ['app'] }),
    admin: server.key({ admin: true }),
  };
  const mismatches: string[] = [];
  let checked = 0;
  for (const row of rows(() => m.pids('web', 'app')[0]!)) {
    for (const column of COLUMNS) {
      const path = typeof row.path === 'string' ? row.path : await row.path(m);
      const body = typeof row.body === 'function' ? (row.body as () => unknown)() : row.body;
      const status = await statusOf(`${server.url}${path}`, { method: row.method, headers: withKey(keys[column]), body });
      const want = expected(column, row.scope);
      const ok = want === 'ok' ? status >= 200 && status < 300 : status === want;
      if (!ok) mismatches.push(`${row.route} as ${column}: got ${status}, expected ${want === 'ok' ? '2xx' : want}`);
      checked++;
    }
  }
  assert.deepEqual(mismatches, []);
  assert.ok(checked >= 48 * 6, `checked ${checked} combinations`);
});

test('open routes never need a key: /, /ping, /version, OPTIONS and plugin sites', async () => {
  const server = await startAuthServer();
  server.app.mount('/_plugin', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('site');
  });
  for (const key of [undefined, 'f'.repeat(32)]) {
    for (const [method, path, want] of [['GET', '/', 200], ['GET', '/ping', 200], ['GET', '/version', 200], ['OPTIONS', '/jobs', 204],
      ['OPTIONS', '/keys', 204], ['GET', '/_plugin/site/', 200]] as const) {
      assert.equal(await statusOf(`${server.url}${path}`, { method, headers: withKey(key) }), want, `${method} ${path} with ${key ? 'a wrong' : 'no'} key`);
    }
  }
});

test('manage ⊃ write ⊃ read: a read key reads, a write key also writes, neither manages', async () => {
  const server = await startAuthServer();
  const m = server.manager;
  const web = m.load({ name: 'web', cmd: ECHO, redirect_input: true, redirect_output: ['out'] }, { sessionid: 'app' });
  const pid = web.kept[0]!.pid;
  await outputOf(m, pid, 'ready');
  const read = server.key({ read: ['app.web'] });
  const write = server.key({ write: ['app'] });
  const manageJob = server.key({ manage: ['app.web'] });
  const cases: Array<[string, string, unknown, Record<string, number>]> = [
    ['GET', '/jobs/app/web', undefined, { read: 200, write: 200, manageJob: 200 }],
    ['POST', `/streams/${pid}/stdin`, 'x\n', { read: 403, write: 200, manageJob: 200 }],
    ['POST', '/jobs/app/web/signal', { signal: 'CONT' }, { read: 403, write: 403, manageJob: 202 }],
    // manage on a job is not manage on its session.
    ['GET', '/jobs/app', undefined, { read: 403, write: 403, manageJob: 403 }],
    ['GET', '/jobs', undefined, { read: 403, write: 403, manageJob: 403 }],
  ];
  const keys: Record<string, string> = { read, write, manageJob };
  for (const [method, path, body, wants] of cases) {
    for (const [name, want] of Object.entries(wants)) {
      assert.equal(await statusOf(`${server.url}${path}`, { method, body, headers: withKey(keys[name]) }), want, `${method} ${path} with the ${name} key`);
    }
  }
});

test('keys not required: every request has full rights and no key is checked', async () => {
  const server = await startAuthServer({ required: false });
  server.manager.load({ name: 'web', cmd: SLEEPER, start: false }, { sessionid: 'app' });
  for (const headers of [{}, withKey('f'.repeat(32))]) {
    assert.equal(await statusOf(`${server.url}/jobs`, { headers }), 200);
    assert.equal(await statusOf(`${server.url}/keys`, { headers }), 200);
    assert.equal(await statusOf(`${server.url}/jobs/app/web`, { method: 'PUT', body: { cmd: SLEEPER, start: false }, headers }), 201);
  }
});
