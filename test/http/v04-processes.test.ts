// 0.4 routes: /processes (jobs by legacy name, processes by pid), /status, /groups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent, nthEvent } from '../helpers/events.js';
import { errorBody, fieldErrorBody, request, startServer } from '../helpers/http.js';
import { legacyEventsOf } from '../../src/legacy/legacy-events.js';

const SLEEPER = fixtureCmd('sleeper.js');

test('seed flow: add a job without starting it, start it, add 2 (3 run), sub, signal, restart, stop, unload', async () => {
  const { manager, url } = await startServer();
  const base = `${url}/processes/dummy`;
  assert.deepEqual((await request(`${url}/processes`, { body: { name: 'dummy', cmd: SLEEPER, start: false } })).json(), { ok: true });
  assert.deepEqual((await request(`${url}/processes`)).json(), ['dummy']);
  assert.deepEqual((await request(`${url}/status/dummy`)).json(), { active: false, running: 0, max_processes: 1, numprocesses: 1, state: 'idle', restarts: 0, last_exit: null, next_retry: null, spawn_error: null });

  const spawned = nextEvent(legacyEventsOf(manager), 'proc.dummy.spawn');
  assert.deepEqual((await request(`${base}/_start`, { method: 'POST' })).json(), { ok: true });
  assert.equal((await spawned).pid, 1);
  assert.deepEqual((await request(`${base}/_pids`)).json(), { ok: true, pids: [1] });

  assert.deepEqual((await request(`${base}/_add/2`, { method: 'POST' })).json(), { ok: true, numprocesses: 3 });
  assert.deepEqual((await request(`${base}/_pids`)).json(), { ok: true, pids: [1, 2, 3] });
  assert.deepEqual((await request(`${url}/processes?running=true`)).json(), [1, 2, 3]);
  assert.deepEqual((await request(`${url}/processes?running=1`)).json(), [1, 2, 3]);
  assert.deepEqual((await request(`${url}/status/dummy`)).json(), { active: true, running: 3, max_processes: 3, numprocesses: 3, state: 'running', restarts: 0, last_exit: null, next_retry: null, spawn_error: null });

  // Every retired process must have exited before the final status (else it is still `stopping`).
  const firstExit = nextEvent(legacyEventsOf(manager), 'proc.dummy.exit', (e) => e.pid === 1);
  const reaped = nextEvent(legacyEventsOf(manager), 'proc.dummy.reap');
  assert.deepEqual((await request(`${base}/_sub`, { method: 'POST' })).json(), { ok: true, numprocesses: 2 });
  assert.equal((await reaped).pid, 1, 'the oldest process is reaped first');

  const killed = nthEvent(manager.events, 'proc', 2, (e) => String(e.event).endsWith('.kill'));
  const jobKill = nextEvent(manager.events, 'job.default.dummy.kill');
  assert.deepEqual((await request(`${base}/_signal/CONT`, { method: 'POST' })).json(), { ok: true });
  assert.equal((await jobKill).signum, 18);
  assert.deepEqual((await killed).map((e) => e.pid).sort(), [2, 3]);
  assert.deepEqual((await request(`${base}/_signal/SIGCONT`, { method: 'POST' })).json(), { ok: true });
  assert.deepEqual((await request(`${base}/_signal/18`, { method: 'POST' })).json(), { ok: true });

  const restarted = nthEvent(legacyEventsOf(manager), 'proc.dummy.reap', 2);
  const oldExits = nthEvent(legacyEventsOf(manager), 'proc.dummy.exit', 2, (e) => e.pid === 2 || e.pid === 3);
  assert.deepEqual((await request(`${base}/_restart`, { method: 'POST' })).json(), { ok: true });
  assert.deepEqual((await restarted).map((e) => e.pid).sort(), [2, 3]);
  assert.deepEqual((await request(`${base}/_pids`)).json(), { ok: true, pids: [4, 5] });

  const exits = nthEvent(legacyEventsOf(manager), 'proc.dummy.exit', 2, (e) => (e.pid as number) >= 4);
  assert.deepEqual((await request(`${base}/_stop`, { method: 'POST' })).json(), { ok: true });
  await Promise.all([exits, oldExits, firstExit]);
  assert.deepEqual((await request(`${url}/status/dummy`)).json(), { active: false, running: 0, max_processes: 0, numprocesses: 0, state: 'stopped', restarts: 0, last_exit: null, next_retry: null, spawn_error: null });

  const deleted = nextEvent(legacyEventsOf(manager), 'delete');
  assert.deepEqual((await request(base, { method: 'DELETE' })).json(), { ok: true });
  assert.equal((await deleted).name, 'dummy');
  assert.deepEqual((await request(base)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/processes`)).json(), []);
});

test('job config, HEAD, update by PUT and POST (start defaults to false), designations of other sessions', async () => {
  const { manager, url } = await startServer();
  await request(`${url}/processes`, { body: { name: 'web', cmd: SLEEPER, start: false, env: { A: '1' } } });
  const config = (await request(`${url}/processes/web`)).json<Record<string, unknown>>();
  assert.equal(Object.keys(config)[0], 'name');
  assert.equal(config.name, 'web');
  assert.equal(config.cmd, SLEEPER);
  assert.deepEqual(config.env, { A: '1' });
  for (const key of ['args', 'uid', 'gid', 'cwd', 'detach', 'shell', 'os_env', 'numprocesses']) assert.ok(key in config, key);

  const head = await request(`${url}/processes/web`, { method: 'HEAD' });
  assert.deepEqual([head.status, head.text], [200, '']);
  const missing = await request(`${url}/processes/nope`, { method: 'HEAD' });
  assert.deepEqual([missing.status, missing.text], [404, '']);

  assert.deepEqual((await request(`${url}/processes/web`, { method: 'PUT', body: { name: 'ignored', cmd: SLEEPER, numprocesses: 2 } })).json(), { ok: true });
  assert.equal((await request(`${url}/processes/web`)).json<{ numprocesses: number }>().numprocesses, 2);
  assert.deepEqual(manager.pids('web'), [], 'update does not start the job unless asked');
  const spawns = nthEvent(legacyEventsOf(manager), 'proc.web.spawn', 2);
  assert.deepEqual((await request(`${url}/processes/web`, { method: 'POST', body: { cmd: SLEEPER, numprocesses: 2, start: true } })).json(), { ok: true });
  await spawns;

  await request(`${url}/processes`, { body: { name: 'myapp:worker', cmd: SLEEPER, start: false } });
  assert.equal((await request(`${url}/processes/myapp.worker`)).json<{ name: string }>().name, 'myapp.worker');
  assert.equal((await request(`${url}/processes/myapp:worker`)).json<{ name: string }>().name, 'myapp.worker');
  assert.equal((await request(`${url}/processes/${encodeURIComponent('myapp/worker')}`)).status, 200);
  assert.deepEqual((await request(`${url}/processes`)).json(), ['web', 'myapp.worker']);
});

test('pid routes: HEAD, owning job config, signal, stop (replacement spawned), unknown actions', async () => {
  const { manager, url } = await startServer();
  const spawns = nthEvent(legacyEventsOf(manager), 'proc.web.spawn', 2);
  await request(`${url}/processes`, { body: { name: 'web', cmd: SLEEPER, numprocesses: 2 } });
  await spawns;
  assert.equal((await request(`${url}/processes/1`, { method: 'HEAD' })).status, 200);
  assert.equal((await request(`${url}/processes/99`, { method: 'HEAD' })).status, 404);
  assert.equal((await request(`${url}/processes/1`)).json<{ name: string }>().name, 'web');
  assert.deepEqual((await request(`${url}/processes/99`)).json(), errorBody('not_found', 404));

  const kill = nextEvent(manager.events, 'proc.1.kill');
  assert.deepEqual((await request(`${url}/processes/1/_signal/CONT`, { method: 'POST' })).json(), { ok: true });
  assert.equal((await kill).signum, 18);
  assert.deepEqual((await request(`${url}/processes/1/_signal`, { method: 'POST' })).json(), errorBody('no_signal_number', 400));
  assert.deepEqual((await request(`${url}/processes/1/_signal/NOPE`, { method: 'POST' })).json(), errorBody('bad_value', 400));
  assert.deepEqual((await request(`${url}/processes/99/_signal/HUP`, { method: 'POST' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/processes/1/_bogus`, { method: 'POST' })).json(), errorBody('resource_not_found', 404));
  assert.deepEqual((await request(`${url}/processes/1/_stop`)).json(), errorBody('resource_not_found', 404), 'wrong method');

  const stopped = nextEvent(legacyEventsOf(manager), 'stop_pid', (e) => e.pid === 1);
  const replaced = nextEvent(legacyEventsOf(manager), 'proc.web.spawn', (e) => e.pid === 3);
  assert.deepEqual((await request(`${url}/processes/1`, { method: 'DELETE' })).json(), { ok: true });
  assert.equal((await stopped).name, 'web');
  await replaced;
  const stopped2 = nextEvent(legacyEventsOf(manager), 'stop_pid', (e) => e.pid === 2);
  assert.deepEqual((await request(`${url}/processes/2/_stop`, { method: 'POST' })).json(), { ok: true });
  await stopped2;
  assert.deepEqual((await request(`${url}/processes/1`, { method: 'DELETE' })).json(), errorBody('not_found', 404));
});

test('0.4 bad input: malformed JSON, invalid configs, conflicts, unknown jobs, bad counts and signals', async () => {
  const { manager, url } = await startServer();
  const post = (body: unknown): ReturnType<typeof request> => request(`${url}/processes`, { body });
  assert.deepEqual((await post('{"name": ')).json(), errorBody('invalid_json', 400));
  assert.deepEqual((await post('')).json(), errorBody('invalid_json', 400));
  assert.deepEqual((await post({ name: 'x' })).json(), fieldErrorBody('invalid_process_info', 'cmd', 'cmd must be a non-empty command string'));
  assert.deepEqual((await post({ cmd: SLEEPER })).json(), fieldErrorBody('invalid_process_info', 'name', `name must be 1 to 200 letters, digits, '_' or '-' (like a Procfile type), not only digits`));
  assert.deepEqual((await post({ name: '123', cmd: SLEEPER })).json(), fieldErrorBody('invalid_process_info', 'name', `name must be 1 to 200 letters, digits, '_' or '-' (like a Procfile type), not only digits (got "123")`));
  assert.deepEqual((await post({ name: 'a.b.c', cmd: SLEEPER })).json(),
    fieldErrorBody('invalid_process_info', 'name', `name must be 1 to 200 letters, digits, '_' or '-' (like a Procfile type), not only digits (got "b.c")`));
  assert.deepEqual((await post([1, 2])).json(), errorBody('invalid_process_info', 400));
  assert.deepEqual((await post({ name: 'w', cmd: SLEEPER, numprocesses: -1 })).json(), fieldErrorBody('invalid_process_info', 'numprocesses', 'numprocesses must be an integer >= 0 (got -1)'));
  assert.deepEqual((await post({ name: 'w', cmd: SLEEPER, start: 'perhaps' })).json(), errorBody('invalid_process_info', 400));
  assert.deepEqual((await post({ name: 'w', cmd: SLEEPER, start: 'false' })).json(), { ok: true });
  assert.deepEqual(manager.pids('w'), [], '"false" as a string does not start the job');
  const conflict = await post({ name: 'w', cmd: SLEEPER });
  assert.deepEqual([conflict.status, conflict.json()], [409, errorBody('conflict', 409)]);

  const put = (name: string, body: unknown): ReturnType<typeof request> => request(`${url}/processes/${name}`, { method: 'PUT', body });
  assert.deepEqual((await put('w', '{oops')).json(), errorBody('invalid_json', 400));
  assert.deepEqual((await put('w', '"text"')).json(), errorBody('invalid_process_info', 400));
  assert.deepEqual((await put('w', { numprocesses: 2 })).json(), fieldErrorBody('invalid_process_info', 'cmd', 'cmd must be a non-empty command string'));
  assert.deepEqual((await put('nope', { cmd: SLEEPER })).json(), errorBody('not_found', 404));

  assert.deepEqual((await request(`${url}/status/nope`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/processes/nope/_add/2`, { method: 'POST' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/processes/w/_add/two`, { method: 'POST' })).json(), errorBody('bad_value', 400));
  assert.deepEqual((await request(`${url}/processes/w/_sub/-1`, { method: 'POST' })).json(), errorBody('bad_value', 400));
  assert.deepEqual((await request(`${url}/processes/w/_signal`, { method: 'POST' })).json(), errorBody('no_signal_number', 400));
  assert.deepEqual((await request(`${url}/processes/w/_signal/SIGNOPE`, { method: 'POST' })).json(), errorBody('bad_value', 400));
  assert.deepEqual((await request(`${url}/processes/nope/_signal/HUP`, { method: 'POST' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/processes/w/_frobnicate`, { method: 'POST' })).json(), errorBody('resource_not_found', 404));
  assert.deepEqual((await request(`${url}/processes/w/_start`, { method: 'GET' })).json(), errorBody('resource_not_found', 404));
  assert.deepEqual((await request(`${url}/processes/nope`, { method: 'DELETE' })).json(), errorBody('not_found', 404));
  assert.equal((await request(`${url}/processes`, { method: 'DELETE' })).status, 405);
});

test('groups are sessions: list, members, start, restart, stop, unload', async () => {
  const { manager, url } = await startServer();
  for (const name of ['ga.a', 'ga:b', 'gb.c']) {
    assert.deepEqual((await request(`${url}/processes`, { body: { name, cmd: SLEEPER, start: false } })).json(), { ok: true });
  }
  assert.deepEqual((await request(`${url}/groups`)).json(), ['ga', 'gb']);
  assert.deepEqual((await request(`${url}/groups/ga`)).json(), ['ga.a', 'ga.b']);
  assert.deepEqual((await request(`${url}/processes`)).json(), ['ga.a', 'ga.b', 'gb.c']);

  const started = nthEvent(legacyEventsOf(manager), 'spawn', 2);
  assert.deepEqual((await request(`${url}/groups/ga/_start`, { method: 'POST' })).json(), { ok: true });
  assert.deepEqual((await started).map((e) => e.name).sort(), ['ga.a', 'ga.b']);

  const reaped = nthEvent(legacyEventsOf(manager), 'reap', 2);
  assert.deepEqual((await request(`${url}/groups/ga/_restart`, { method: 'POST' })).json(), { ok: true });
  assert.deepEqual((await reaped).map((e) => e.pid).sort(), [1, 2]);

  const stopped = nthEvent(legacyEventsOf(manager), 'stop', 2);
  assert.deepEqual((await request(`${url}/groups/ga/_stop`, { method: 'POST' })).json(), { ok: true });
  assert.deepEqual((await stopped).map((e) => e.name).sort(), ['ga.a', 'ga.b']);

  assert.deepEqual((await request(`${url}/groups/ga/_explode`, { method: 'POST' })).json(), errorBody('resource_not_found', 404));
  assert.deepEqual((await request(`${url}/groups/nope/_start`, { method: 'POST' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/groups/nope`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/groups/nope`, { method: 'DELETE' })).json(), errorBody('not_found', 404));

  const deleted = nthEvent(legacyEventsOf(manager), 'delete', 2);
  assert.deepEqual((await request(`${url}/groups/ga`, { method: 'DELETE' })).json(), { ok: true });
  await deleted;
  assert.deepEqual((await request(`${url}/groups`)).json(), ['gb']);
  assert.deepEqual((await request(`${url}/groups/ga`)).json(), errorBody('not_found', 404));
});
