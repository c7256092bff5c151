// 0.5 process routes: /pids, /<pid> HEAD/GET/DELETE, /<pid>/signal, /<pid>/stats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent, nthEvent } from '../helpers/events.js';
import { errorBody, request, startServer } from '../helpers/http.js';

const SLEEPER = fixtureCmd('sleeper.js');

test('0.5 processes: list, HEAD, info, signal, stats, stop', async () => {
  const { manager, url } = await startServer();
  assert.deepEqual((await request(`${url}/pids`)).json(), { pids: [] });
  const spawns = nthEvent(manager.events, 'job.default.web.spawn', 2);
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 2 });
  const [first] = await spawns;
  assert.deepEqual((await request(`${url}/pids`)).json(), { pids: [1, 2] });

  const head = await request(`${url}/1`, { method: 'HEAD' });
  assert.deepEqual([head.status, head.text], [200, '']);
  assert.equal((await request(`${url}/99`, { method: 'HEAD' })).status, 404);

  const info = (await request(`${url}/1`)).json<Record<string, unknown>>();
  assert.deepEqual(Object.keys(info).sort(), ['active', 'args', 'cmd', 'commited', 'create_time', 'custom_streams', 'env', 'gid', 'name',
    'os_pid', 'pid', 'ready', 'redirect_input', 'redirect_output', 'slot', 'stopping', 'uid'].sort());
  assert.deepEqual([info.pid, info.name, info.os_pid, info.cmd, info.commited, info.active], [1, 'default.web', first!.os_pid, process.execPath, false, true]);
  assert.deepEqual((await request(`${url}/99`)).json(), errorBody('not_found', 404));

  const kill = nextEvent(manager.events, 'proc.1.kill');
  const signalled = await request(`${url}/1/signal`, { body: { signal: 'CONT' } });
  assert.deepEqual([signalled.status, signalled.json()], [202, { ok: true }]);
  assert.equal((await kill).signum, 18);
  assert.equal((await request(`${url}/1/signal`, { body: { signal: 18 } })).status, 202);
  assert.equal((await request(`${url}/1/signal`, { body: { signal: 'SIGCONT' } })).status, 202);

  const stats = (await request(`${url}/1/stats`)).json<{ stats: Record<string, unknown> }>();
  assert.deepEqual(Object.keys(stats.stats).sort(), ['cpu', 'ctime', 'mem', 'mem_info1', 'mem_info2']);
  assert.match(String(stats.stats.mem_info1), /^\d+[BKMG]$/);
  assert.match(String(stats.stats.ctime), /^\d+:\d\d\.\d\d$/);

  const stopped = nextEvent(manager.events, 'stop_process', (e) => e.pid === 1);
  const deleted = await request(`${url}/1`, { method: 'DELETE' });
  assert.deepEqual([deleted.status, deleted.json()], [202, { ok: true }]);
  await stopped;
});

test('0.5 process bad input: unknown pids, bad signals, malformed JSON, non-pid segments, channel without upgrade', async () => {
  const { manager, url } = await startServer();
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER });
  await spawned;
  const signal = (body: unknown): ReturnType<typeof request> => request(`${url}/1/signal`, { body });
  assert.deepEqual((await signal({ signal: 'NOPE' })).json(), errorBody('bad_signal', 400));
  assert.deepEqual((await signal({ signal: 999 })).json(), errorBody('bad_signal', 400));
  assert.deepEqual((await signal({})).json(), errorBody('bad_signal', 400));
  assert.deepEqual((await signal('{"signal":')).json(), errorBody('bad_request', 400));
  assert.deepEqual((await signal('[15]')).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${url}/99/signal`, { body: { signal: 15 } })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/99/stats`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/99`, { method: 'DELETE' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/web`)).json(), errorBody('resource_not_found', 404));
  assert.deepEqual((await request(`${url}/1/frobnicate`)).json(), errorBody('resource_not_found', 404));
  assert.equal((await request(`${url}/1`, { method: 'PUT', body: {} })).status, 405);
  assert.deepEqual((await request(`${url}/1/channel`)).json(), errorBody('upgrade_required', 426));
});
