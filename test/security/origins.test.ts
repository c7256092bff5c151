// Browser origins (docs/security.md): a request carrying a foreign Origin (or a
// cross-site Sec-Fetch-Site without one) is refused with 403 before it acts, on
// every route, upgrade and SockJS transport; named origins get CORS headers;
// clients without an Origin keep working whatever their Content-Type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorBody, outputOf, request } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { loadEcho, startGuardedServer, tryWebSocket } from './origin-helpers.js';

const EVIL = 'http://evil.example';
const OPS = 'https://ops.example.com';
const refused = errorBody('origin_not_allowed', 403);

function jobBody(name: string): string {
  return JSON.stringify({ name, cmd: fixtureCmd('sleeper.js'), start: false });
}

test('a foreign Origin is refused before the job is created: JSON, text/plain, preflight, GET', async () => {
  const { manager, url } = await startGuardedServer();
  for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
    const res = await request(`${url}/jobs/default`, { body: jobBody('evil'), headers: { Origin: EVIL, 'Content-Type': type } });
    assert.deepEqual([res.status, res.json()], [403, refused], type);
    assert.equal(res.headers['access-control-allow-origin'], undefined, 'no CORS headers for a refused origin');
  }
  const legacy = await request(`${url}/processes`, { body: jobBody('evil'), headers: { Origin: EVIL, 'Content-Type': 'text/plain' } });
  assert.deepEqual([legacy.status, legacy.json()], [403, refused]);
  const preflight = await request(`${url}/jobs/default`, { method: 'OPTIONS', headers: { Origin: EVIL, 'Access-Control-Request-Method': 'POST' } });
  assert.deepEqual([preflight.status, preflight.json()], [403, refused]);
  assert.deepEqual((await request(`${url}/jobs`, { headers: { Origin: EVIL } })).status, 403);
  assert.deepEqual((await request(`${url}/jobs`, { headers: { Origin: 'null' } })).status, 403, 'opaque origins are foreign too');
  assert.deepEqual(manager.jobs(), [], 'nothing was created');
});

test('no Origin (curl, CLIs, Python clients): any Content-Type works; same-origin pages work without CORS headers', async () => {
  const { manager, url } = await startGuardedServer();
  const form = await request(`${url}/jobs/default`, { body: jobBody('form'), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.deepEqual([form.status, form.json()], [200, { ok: true }]);
  const plain = await request(`${url}/processes`, { body: jobBody('plain'), headers: { 'Content-Type': 'text/plain' } });
  assert.deepEqual([plain.status, plain.json()], [200, { ok: true }]);
  const same = await request(`${url}/jobs/default`, { body: jobBody('same'), headers: { Origin: url, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' } });
  assert.deepEqual([same.status, same.headers['access-control-allow-origin']], [200, undefined]);
  const viaLocalhost = await request(`${url}/jobs`, { headers: { Host: new URL(url).host.replace('127.0.0.1', 'localhost'), Origin: url.replace('127.0.0.1', 'localhost') } });
  assert.equal(viaLocalhost.status, 200, 'same origin is judged on the Host the page asked for');
  assert.deepEqual(manager.jobs().sort(), ['default.form', 'default.plain', 'default.same']);
});

test('Sec-Fetch-Site without an Origin: cross-site and same-site requests that act are refused; navigations are not', async () => {
  const { manager, url } = await startGuardedServer();
  for (const site of ['cross-site', 'same-site']) {
    const res = await request(`${url}/jobs/default`, { body: jobBody('x'), headers: { 'Sec-Fetch-Site': site, 'Content-Type': 'text/plain' } });
    assert.deepEqual([res.status, res.json()], [403, refused], site);
  }
  const navigation = await request(`${url}/version`, { headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' } });
  assert.equal(navigation.status, 200);
  const own = await request(`${url}/jobs/default`, { body: jobBody('own'), headers: { 'Sec-Fetch-Site': 'same-origin' } });
  assert.equal(own.status, 200);
  assert.deepEqual(manager.jobs(), ['default.own']);
});

test('allowed origins get CORS with credentials; * only when written, and then without credentials', async () => {
  const { manager, url, policy } = await startGuardedServer({ allowedOrigins: [`${OPS}/`] });
  const ok = await request(`${url}/jobs/default`, { body: jobBody('ops'), headers: { Origin: OPS, 'Content-Type': 'text/plain' } });
  assert.deepEqual([ok.status, ok.headers['access-control-allow-origin'], ok.headers['access-control-allow-credentials'], ok.headers.vary],
    [200, OPS, 'true', 'Origin']);
  const preflight = await request(`${url}/jobs/default`, { method: 'OPTIONS', headers: { Origin: OPS } });
  assert.deepEqual([preflight.status, preflight.headers['access-control-allow-origin']], [204, OPS]);
  assert.equal((await request(`${url}/jobs`, { headers: { Origin: EVIL } })).status, 403, 'other origins stay refused');
  policy.update({ allowedOrigins: ['*'] });
  const any = await request(`${url}/jobs`, { headers: { Origin: EVIL } });
  assert.deepEqual([any.status, any.headers['access-control-allow-origin'], any.headers['access-control-allow-credentials']], [200, '*', undefined]);
  policy.update({});
  assert.equal((await request(`${url}/jobs`, { headers: { Origin: OPS } })).status, 403, 'update replaces the list');
  assert.deepEqual(manager.jobs(), ['default.ops']);
  assert.throws(() => policy.update({ allowedOrigins: ['https://ops.example.com/path'] }), /is not an origin/);
});

test('every websocket upgrade checks the Origin: /wstreams, /<pid>/channel, /channel/websocket, SockJS websocket', async () => {
  const { manager, wsUrl } = await startGuardedServer({ allowedOrigins: [OPS] });
  const pid = await loadEcho(manager);
  const paths = [`/wstreams/${pid}`, `/${pid}/channel`, '/channel/websocket', '/channel/000/abcdefgh/websocket'];
  for (const path of paths) {
    const attempt = await tryWebSocket(`${wsUrl}${path}`, { origin: EVIL });
    assert.deepEqual(attempt.opened ? 'opened' : [attempt.status, attempt.body], [403, refused], path);
    const crossSite = await tryWebSocket(`${wsUrl}${path}`, { 'Sec-Fetch-Site': 'cross-site' });
    assert.deepEqual(crossSite.opened ? 'opened' : crossSite.status, 403, `${path} cross-site without Origin`);
  }
  // Only the allowed origin's line reaches the process: the refused handshakes wrote nothing.
  const seen = outputOf(manager, pid, 'from-ops');
  const allowed = await tryWebSocket(`${wsUrl}/wstreams/${pid}`, { origin: OPS });
  assert.ok(allowed.opened, 'the allowed origin opens /wstreams');
  allowed.ws.send('from-ops\n');
  assert.equal(await seen, 'from-ops\n');
  const noOrigin = await tryWebSocket(`${wsUrl}/${pid}/channel`);
  assert.ok(noOrigin.opened, 'clients without an Origin are not affected');
});

test('SockJS HTTP transports from a foreign origin are refused: xhr, xhr_streaming, xhr_send, eventsource, jsonp, htmlfile', async () => {
  const { url, channel } = await startGuardedServer({ allowedOrigins: [OPS] });
  const session = `${url}/channel/000/s${process.pid}`;
  const attempts: Array<[string, string, Record<string, string>]> = [
    ['POST', `${session}/xhr`, { Origin: EVIL }],
    ['POST', `${session}/xhr_streaming`, { Origin: EVIL }],
    ['POST', `${session}/xhr_send`, { Origin: EVIL }],
    ['GET', `${session}/eventsource`, { Origin: EVIL }],
    // Script and iframe transports send no Origin; Chromium sends Sec-Fetch-Site.
    ['GET', `${session}/jsonp?c=cb`, { 'Sec-Fetch-Site': 'cross-site' }],
    ['GET', `${session}/htmlfile?c=cb`, { 'Sec-Fetch-Site': 'cross-site' }],
    ['GET', `${url}/channel/info`, { Origin: EVIL }],
  ];
  for (const [method, target, headers] of attempts) {
    const res = await request(target, { method, headers, ...(method === 'POST' ? { body: '["x"]' } : {}) });
    assert.deepEqual([res.status, res.json()], [403, refused], `${method} ${target}`);
  }
  assert.equal(channel.connectionCount, 0, 'no session was opened');
  const allowed = await request(`${session}/xhr`, { method: 'POST', headers: { Origin: OPS } });
  assert.deepEqual([allowed.status, allowed.text, allowed.headers['access-control-allow-origin']], [200, 'o\n', OPS]);
});
