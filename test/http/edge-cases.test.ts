// Edge cases found while documenting the API against a running gafferd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorBody, request, startServer } from '../helpers/http.js';
import { nextEvent } from '../helpers/events.js';
import { fixtureCmd } from '../helpers/paths.js';

test('PUT/POST on /processes/<pid> is a 405 with Allow; an unknown job is a 404 before the body is read', async () => {
  const { url, manager } = await startServer();
  manager.load({ name: 'web', cmd: fixtureCmd('sleeper.js') });
  const put = await request(`${url}/processes/1`, { method: 'PUT', body: { cmd: 'x' } });
  assert.equal(put.status, 405);
  assert.equal(put.headers.allow, 'HEAD, GET, DELETE, OPTIONS');
  assert.deepEqual(put.json(), errorBody('method_not_allowed', 405));
  const post = await request(`${url}/processes/1`, { method: 'POST' });
  assert.equal(post.status, 405);
  const missing = await request(`${url}/processes/nope`, { method: 'PUT', body: 'xx' });
  assert.deepEqual([missing.status, missing.json()], [404, errorBody('not_found', 404)]);
});

test('a plain GET on a websocket endpoint is a 426 that names the upgrade', async () => {
  const { url, manager } = await startServer();
  manager.load({ name: 'web', cmd: fixtureCmd('sleeper.js') });
  for (const path of ['/wstreams/1', '/1/channel']) {
    const res = await request(`${url}${path}`);
    assert.equal(res.status, 426, path);
    assert.equal(res.headers.upgrade, 'websocket', path);
  }
});

test('0.4 stat events name the job by its legacy name', async () => {
  const { url, manager } = await startServer();
  manager.load({ name: 'web', cmd: fixtureCmd('sleeper.js') });
  const res = await request(`${url}/stats/web?feed=longpoll`);
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.text).name, 'web');
});

test('session start during shutdown is refused like every other start (503 manager_stopped)', async () => {
  const { url, manager } = await startServer();
  const ready = nextEvent(manager.events, 'job.default.stubborn.spawn');
  manager.load({ name: 'stubborn', cmd: fixtureCmd('ignore-sigterm.js'), graceful_timeout: 2, redirect_output: ['out'] });
  await ready;
  const stopping = manager.stop();
  const res = await request(`${url}/groups/default/_start`, { method: 'POST' });
  assert.deepEqual([res.status, res.json()], [503, errorBody('manager_stopped', 503)]);
  await stopping;
});
