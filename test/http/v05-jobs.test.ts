// 0.5 sessions and jobs: /sessions, /jobs, /jobs/<sid>, /jobs/<sid>/<name> and its actions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent, nthEvent } from '../helpers/events.js';
import { errorBody, fieldErrorBody, request, startServer } from '../helpers/http.js';

const SLEEPER = fixtureCmd('sleeper.js');

test('load into a session, list sessions and jobs, job info, HEAD, stats, pids, unload', async () => {
  const { manager, url } = await startServer();
  const spawns = nthEvent(manager.events, 'job.myapp.web.spawn', 2);
  const loaded = await request(`${url}/jobs/myapp`, { body: { name: 'web', cmd: SLEEPER, numprocesses: 2 } });
  assert.deepEqual([loaded.status, loaded.json()], [200, { ok: true }]);
  await spawns;
  assert.deepEqual((await request(`${url}/sessions`)).json(), { sessions: ['myapp'] });
  assert.deepEqual((await request(`${url}/jobs`)).json(), { jobs: ['myapp.web'] });
  assert.deepEqual((await request(`${url}/jobs/myapp`)).json(), { sessionid: 'myapp', jobs: ['myapp.web'] });
  assert.equal((await request(`${url}/jobs/myapp/web`, { method: 'HEAD' })).status, 200);
  assert.equal((await request(`${url}/jobs/myapp/nope`, { method: 'HEAD' })).status, 404);

  const info = (await request(`${url}/jobs/myapp/web`)).json<Record<string, unknown> & { config: Record<string, unknown> }>();
  assert.deepEqual({ ...info, config: undefined }, {
    name: 'myapp.web', active: true, running: 2, running_out: 0, max_processes: 2, processes: [1, 2], stopping: [], state: 'running', restarts: 0, last_exit: null, next_retry: null, spawn_error: null, config: undefined,
  });
  assert.deepEqual([info.config.name, info.config.cmd, info.config.numprocesses], ['web', SLEEPER, 2]);

  const stats = (await request(`${url}/jobs/myapp/web/stats`)).json<{ name: string; stats: Array<Record<string, unknown>> }>();
  assert.equal(stats.name, 'myapp.web');
  assert.deepEqual(stats.stats.map((s) => s.pid), [1, 2]);
  assert.deepEqual(Object.keys(stats.stats[0]!).sort(), ['cpu', 'ctime', 'mem', 'mem_info1', 'mem_info2', 'os_pid', 'pid']);
  for (const key of ['mem', 'max_mem', 'min_mem', 'cpu', 'max_cpu', 'min_cpu']) assert.ok(key in stats, key);
  assert.deepEqual((await request(`${url}/jobs/myapp/web/pids`)).json(), { pids: [1, 2] });

  const unloaded = nextEvent(manager.events, 'unload');
  assert.deepEqual((await request(`${url}/jobs/myapp/web`, { method: 'DELETE' })).json(), { ok: true });
  assert.equal((await unloaded).name, 'myapp.web');
  assert.deepEqual((await request(`${url}/jobs/myapp/web`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/sessions`)).json(), { sessions: [] });
  assert.deepEqual((await request(`${url}/jobs/myapp`)).json(), errorBody('not_found', 404));
});

test('numprocesses, signal and state (start, stop, reload) of a job', async () => {
  const { manager, url } = await startServer();
  const base = `${url}/jobs/default/web`;
  const spawned = nextEvent(manager.events, 'job.default.web.spawn');
  await request(`${url}/jobs/default`, { body: { name: 'web', cmd: SLEEPER } });
  await spawned;
  assert.deepEqual((await request(`${base}/numprocesses`)).json(), { numprocesses: 1 });
  const scale = async (value: unknown): Promise<unknown> => (await request(`${base}/numprocesses`, { body: { scale: value } })).json();
  assert.deepEqual(await scale('+2'), { numprocesses: 3 });
  assert.deepEqual(await scale(-1), { numprocesses: 2 });
  assert.deepEqual(await scale('=1'), { numprocesses: 1 });
  assert.deepEqual(await scale('2'), { numprocesses: 3 });
  assert.deepEqual(await scale(1), { numprocesses: 4 });
  assert.deepEqual(await scale('-9'), { numprocesses: 0 });
  assert.deepEqual(await scale('=1'), { numprocesses: 1 });

  const kill = nextEvent(manager.events, 'job.default.web.kill');
  const signalled = await request(`${base}/signal`, { body: { signal: 'CONT' } });
  assert.deepEqual([signalled.status, signalled.json()], [202, { ok: true }]);
  assert.equal((await kill).signum, 18);

  const state = await request(`${base}/state`);
  assert.deepEqual([state.text, state.headers['content-type']], ['1', 'text/plain; charset=utf-8']);
  const stopped = nextEvent(manager.events, 'job.default.web.exit');
  assert.deepEqual((await request(`${base}/state`, { body: '0' })).json(), { ok: true });
  await stopped;
  assert.equal((await request(`${base}/state`)).text, '0');
  const started = nextEvent(manager.events, 'job.default.web.spawn');
  const startReply = await request(`${base}/state`, { body: ' 1\n' });
  assert.deepEqual([startReply.status, startReply.json()], [202, { ok: true }]);
  await started;
  const reloaded = nextEvent(manager.events, 'restart');
  const respawned = nextEvent(manager.events, 'job.default.web.spawn');
  assert.equal((await request(`${base}/state`, { body: '2' })).status, 202);
  assert.equal((await reloaded).name, 'default.web');
  await respawned;
});

test('update with PUT: 201, start defaults to true, body name must match the path', async () => {
  const { manager, url } = await startServer();
  const base = `${url}/jobs/app/web`;
  await request(`${url}/jobs/app`, { body: { name: 'web', cmd: SLEEPER, start: false } });
  const spawns = nthEvent(manager.events, 'job.app.web.spawn', 2);
  const updated = await request(base, { method: 'PUT', body: { name: 'web', cmd: SLEEPER, numprocesses: 2 } });
  assert.deepEqual([updated.status, updated.json()], [201, { ok: true }]);
  await spawns;
  assert.equal((await request(base)).json<{ config: { numprocesses: number } }>().config.numprocesses, 2);
  assert.equal((await request(base, { method: 'PUT', body: { cmd: SLEEPER, numprocesses: 2 } })).status, 201, 'name is optional');
  assert.equal((await request(base, { method: 'PUT', body: { name: 'app.web', cmd: SLEEPER } })).status, 201, 'the full name matches too');
  assert.deepEqual((await request(base, { method: 'PUT', body: { name: 'other', cmd: SLEEPER } })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(base, { method: 'PUT', body: { numprocesses: 2 } })).json(), fieldErrorBody('bad_request', 'cmd', 'cmd must be a non-empty command string'));
  assert.deepEqual((await request(base, { method: 'PUT', body: '{"cmd"' })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(base, { method: 'PUT', body: { cmd: SLEEPER, start: 'maybe' } })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${url}/jobs/app/nope`, { method: 'PUT', body: { cmd: SLEEPER } })).json(), errorBody('not_found', 404));
});

test('commit one-off processes: empty body, graceful_timeout and env; info counts them as running_out', async () => {
  const { manager, url } = await startServer();
  await request(`${url}/jobs/default`, { body: { name: 'env', cmd: fixtureCmd('print-env.js'), numprocesses: 0, redirect_output: ['stdout'], env: { PRINT_VARS: 'K' } } });
  const printed = new Promise<string>((resolve) => {
    const stop = manager.onOutput((chunk, proc) => {
      if (proc.pid !== 2) return;
      stop();
      resolve(chunk.data.toString('utf8'));
    });
  });
  const first = await request(`${url}/jobs/default/env/commit`, { method: 'POST' });
  assert.deepEqual([first.status, first.json()], [200, { pid: 1 }]);
  assert.deepEqual((await request(`${url}/jobs/default/env/commit`, { body: { graceful_timeout: 1, env: { K: 'V' } } })).json(), { pid: 2 });
  assert.deepEqual((JSON.parse(await printed) as { env: unknown }).env, { K: 'V' });
  const info = (await request(`${url}/jobs/default/env`)).json<Record<string, unknown>>();
  assert.deepEqual([info.running, info.running_out, info.max_processes, info.processes], [2, 2, 0, [1, 2]]);
  assert.equal((await request(`${url}/1`)).json<{ commited: boolean }>().commited, true);
  assert.deepEqual((await request(`${url}/jobs/default/env/pids`)).json(), { pids: [] }, 'one-off processes are not kept');

  const commit = (body: unknown): ReturnType<typeof request> => request(`${url}/jobs/default/env/commit`, { body });
  assert.deepEqual((await commit({ graceful_timeout: 'soon' })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await commit({ env: 'K=V' })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await commit('{"env":')).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${url}/jobs/default/nope/commit`, { method: 'POST' })).json(), errorBody('not_found', 404));
});

test('0.5 bad input: malformed JSON, invalid configs, conflicts, bad scale, bad signal, bad state, unknown jobs', async () => {
  const { url } = await startServer();
  const load = (sid: string, body: unknown): ReturnType<typeof request> => request(`${url}/jobs/${sid}`, { body });
  assert.deepEqual((await load('app', '{"name":')).json(), errorBody('bad_request', 400));
  assert.deepEqual((await load('app', [])).json(), errorBody('bad_request', 400));
  assert.deepEqual((await load('app', { name: 'web' })).json(), fieldErrorBody('bad_request', 'cmd', 'cmd must be a non-empty command string'));
  assert.deepEqual((await load('app', { name: '42', cmd: SLEEPER })).json(), fieldErrorBody('bad_request', 'name', `name must be 1 to 200 letters, digits, '_' or '-' (like a Procfile type), not only digits (got "42")`));
  assert.deepEqual((await load('app', { name: 'other.web', cmd: SLEEPER })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await load('a:b', { name: 'web', cmd: SLEEPER })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await load('app', { name: 'web', cmd: SLEEPER, start: false })).json(), { ok: true });
  assert.deepEqual((await load('app', { name: 'app.web', cmd: SLEEPER })).json(), errorBody('process_conflict', 409));
  const conflict = await load('app', { name: 'web', cmd: SLEEPER });
  assert.deepEqual([conflict.status, conflict.json()], [409, errorBody('process_conflict', 409)]);

  const base = `${url}/jobs/app/web`;
  assert.deepEqual((await request(`${base}/numprocesses`, { body: { scale: 'lots' } })).json(), errorBody('bad_operation', 400));
  assert.deepEqual((await request(`${base}/numprocesses`, { body: { scale: 1.5 } })).json(), errorBody('bad_operation', 400));
  assert.deepEqual((await request(`${base}/numprocesses`, { body: {} })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${base}/numprocesses`, { body: 'scale=1' })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${base}/signal`, { body: { signal: 'NOPE' } })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${base}/signal`, { body: '{' })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${base}/state`, { body: '3' })).json(), errorBody('bad_request', 400));
  assert.deepEqual((await request(`${base}/state`, { method: 'POST' })).json(), errorBody('bad_request', 400));
  for (const path of ['', '/stats', '/numprocesses', '/state', '/pids']) {
    assert.deepEqual((await request(`${url}/jobs/app/nope${path}`)).json(), errorBody('not_found', 404), path);
  }
  assert.deepEqual((await request(`${url}/jobs/app/nope/numprocesses`, { body: { scale: 1 } })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/jobs/app/nope/signal`, { body: { signal: 1 } })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/jobs/app/nope/state`, { body: '1' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/jobs/app/nope`, { method: 'DELETE' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/jobs/app/web/bogus`)).json(), errorBody('resource_not_found', 404));
  assert.equal((await request(`${url}/jobs`, { body: {} })).status, 405);
});
