// Common routes, conventions (CORS, OPTIONS, error bodies, limits) and "never crash on bad input".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { OriginPolicy } from '../../src/httpkit/origin-policy.js';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent } from '../helpers/events.js';
import { errorBody, openStream, request, startServer } from '../helpers/http.js';

test('GET /, /ping, /version', async () => {
  const { url } = await startServer();
  const root = await request(`${url}/`);
  assert.deepEqual([root.status, root.headers['content-type'], root.json()], [200, 'application/json', { welcome: 'gaffer', version: '0.5.2' }]);
  const ping = await request(`${url}/ping`);
  assert.deepEqual([ping.status, ping.text, ping.headers['content-type']], [200, 'OK', 'text/plain; charset=utf-8']);
  assert.deepEqual((await request(`${url}/version`)).json(), { name: 'gaffer', version: '0.5.2' });
});

test('CORS headers on successes, errors and feeds for an allowed origin only; OPTIONS on any route is 204', async () => {
  const { url } = await startServer({ originPolicy: new OriginPolicy({ allowedOrigins: ['https://dashboard.example'] }) });
  const origin = { Origin: 'https://dashboard.example' };
  for (const path of ['/', '/processes/nope', '/jobs/x/y/numprocesses', '/no/such/route']) {
    const res = await request(`${url}${path}`, { headers: origin });
    assert.equal(res.headers['access-control-allow-origin'], 'https://dashboard.example', path);
    assert.equal(res.headers['access-control-allow-credentials'], 'true', path);
    assert.equal(res.headers['access-control-allow-methods'], 'POST, GET, PUT, DELETE, OPTIONS', path);
    assert.match(String(res.headers['access-control-allow-headers']), /X-Api-Key/);
  }
  const feed = await openStream(`${url}/watch?feed=eventsource`, { headers: origin });
  assert.equal(feed.headers['access-control-allow-origin'], 'https://dashboard.example');
  feed.close();
  const plain = await request(`${url}/`);
  assert.equal(plain.headers['access-control-allow-origin'], undefined, 'no CORS headers for clients that send no Origin');
  for (const path of ['/processes', '/jobs/default/web/state', '/1/signal', '/whatever']) {
    const res = await request(`${url}${path}`, { method: 'OPTIONS', headers: origin });
    assert.deepEqual([res.status, res.text, res.headers['access-control-max-age']], [204, '', '86400'], path);
  }
});

test('unknown routes 404, wrong methods 405, bad encodings 400, bodies over 1 MiB 413, unknown websocket paths 404', async () => {
  const { url, wsUrl } = await startServer();
  assert.deepEqual((await request(`${url}/nothing/here`)).json(), errorBody('resource_not_found', 404));
  const wrong = await request(`${url}/sessions`, { method: 'DELETE' });
  assert.deepEqual([wrong.status, wrong.headers.allow, wrong.json()], [405, 'GET, OPTIONS', errorBody('method_not_allowed', 405)]);
  assert.deepEqual((await request(`${url}/processes/%E0%A4%A`)).json(), errorBody('bad_request', 400));
  const big = { name: 'big', cmd: 'x', env: { BLOB: 'x'.repeat(1024 * 1024 + 10) } };
  for (const path of ['/processes', '/jobs/default']) {
    const res = await request(`${url}${path}`, { body: big });
    assert.deepEqual([res.status, res.json()], [413, errorBody('body_too_large', 413)], path);
  }
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${wsUrl}/not/a/socket`);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('error', () => {});
  });
  assert.equal(status, 404);
});

test('never crash on bad input: garbage on every route family answers 4xx and the server keeps serving', async () => {
  const { manager, url } = await startServer();
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: fixtureCmd('sleeper.js') });
  await spawned;
  const bodies = ['', '{', 'null', '[]', '"str"', '42', '{"name": {"deep": []}, "cmd": 7}', '\u0000\u00ff', '{"signal": null, "scale": {}}'];
  const paths = [
    '/processes', '/processes/web', '/processes/web/_add/x', '/processes/web/_signal/%20', '/processes/1/_signal/0x1',
    '/processes/%2e%2e', '/groups/web/_start', '/status/%00', '/stats/web/1e3', '/streams/1/stdin', '/streams/-1/out',
    '/jobs/default', '/jobs/default/web', '/jobs/default/web/numprocesses', '/jobs/default/web/signal',
    '/jobs/default/web/state', '/jobs/default/web/commit', '/1/signal', '/99999999999999999999', '/watch/../..',
  ];
  for (const path of paths) {
    for (const method of ['POST', 'PUT', 'GET', 'DELETE', 'PATCH']) {
      for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : bodies) {
        const res = await request(`${url}${path}?feed=nope&mode=zz`, { method, body });
        assert.ok(res.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
        if (res.status >= 400 && res.text) {
          const parsed = res.json<{ error: string; errno: number; reason: string }>();
          assert.equal(parsed.errno, res.status);
          assert.equal(parsed.error, parsed.reason);
        }
      }
    }
  }
  assert.equal((await request(`${url}/ping`)).text, 'OK');
});
