// Clients of the original gaffer (issue 15): a process asked to stop leaves the running lists at
// once, its replacement is spawned only after it exited, and a JOB topic may be subscribed before
// the job is loaded. Real processes, the tests' HTTP client, sockjs-client and ws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectEvents, isAlive, nextEvent } from '../helpers/events.js';
import { outputOf, request } from '../helpers/http.js';
import type { Manager } from '../../src/core/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { isItem, openRawChannel, openSockJs, startChannelServer } from './channel-helpers.js';

const STUBBORN = fixtureCmd('ignore-sigterm.js');
const SLEEPER = fixtureCmd('sleeper.js');

const result = (m: { data?: any }): any => m.data.result;

// Load `web` from the TERM-ignoring fixture and wait until each process has installed its handler.
async function loadStubborn(manager: Manager, numprocesses: number, gracefulTimeout: number): Promise<void> {
  manager.load({ name: 'web', cmd: STUBBORN, numprocesses, graceful_timeout: gracefulTimeout, redirect_output: ['out'] });
  await Promise.all(manager.pids('web').map((pid) => outputOf(manager, pid, 'ready')));
}

test('DELETE /<pid> of a TERM-ignoring process: gone from /pids, job pids and channel pids at once; info says stopping', async () => {
  const server = await startChannelServer();
  const { manager, url } = server;
  await loadStubborn(manager, 2, 2);
  const first = { os_pid: manager.getProcess(1).osPid };
  const channel = await openSockJs(url, ['websocket']);
  assert.deepEqual(result(await channel.cmd('pids')), { pids: [1, 2] });

  const exited = nextEvent(manager.events, 'exit', (p) => p.pid === 1);
  const deleted = await request(`${url}/1`, { method: 'DELETE' });
  assert.equal(deleted.status, 202);
  // The process ignores SIGTERM: it runs for graceful_timeout (2 s) more, but is no longer listed.
  assert.ok(isAlive(first.os_pid), 'the process still runs');
  assert.deepEqual((await request(`${url}/pids`)).json(), { pids: [2] });
  assert.deepEqual((await request(`${url}/jobs/default/web/pids`)).json(), { pids: [2] });
  assert.deepEqual((await request(`${url}/processes?running=true`)).json(), [2]);
  assert.deepEqual(result(await channel.cmd('pids')), { pids: [2] });
  assert.deepEqual(result(await channel.cmd('pids', ['web'])), { sessionid: 'web', pids: [2] });
  const info = (await request(`${url}/jobs/default/web`)).json<Record<string, unknown>>();
  assert.deepEqual([info.running, info.processes, info.stopping], [1, [2], [1]]);
  const proc = (await request(`${url}/1`)).json<Record<string, unknown>>();
  assert.deepEqual([proc.pid, proc.active, proc.stopping], [1, true, true], 'the stopping process can still be looked at');
  assert.equal((await request(`${url}/2`)).json<Record<string, unknown>>().stopping, false);

  await exited;
  const after = (await request(`${url}/jobs/default/web`)).json<Record<string, unknown>>();
  assert.deepEqual(after.stopping, []);
  assert.equal((await request(`${url}/1`)).status, 404);
});

test('a stopped job whose processes are still exiting says `stopping`, then `stopped`', async () => {
  const { manager, url } = await startChannelServer();
  await loadStubborn(manager, 1, 2);
  const exited = nextEvent(manager.events, 'exit');
  assert.equal((await request(`${url}/jobs/default/web/state`, { method: 'POST', body: '0' })).status, 202);
  const stopping = (await request(`${url}/jobs/default/web`)).json<Record<string, unknown>>();
  assert.deepEqual([stopping.state, stopping.running, stopping.stopping], ['stopping', 0, [1]]);
  assert.deepEqual((await request(`${url}/pids`)).json(), { pids: [] });
  await exited;
  const stopped = (await request(`${url}/jobs/default/web`)).json<Record<string, unknown>>();
  assert.deepEqual([stopped.state, stopped.stopping], ['stopped', []]);
});

test('DELETE /<pid> and channel stop_process spawn the replacement only after the exit: never N+1 processes', async () => {
  const server = await startChannelServer();
  const { manager, url } = server;
  await loadStubborn(manager, 2, 0.5);
  const events = collectEvents(manager.events, 'job.default.web');
  let live = 2;
  let most = 2;
  const track = (type: string): void => {
    if (type.endsWith('.spawn')) most = Math.max(most, ++live);
    if (type.endsWith('.exit')) live -= 1;
  };
  manager.events.subscribe('job.default.web', track);

  // Through HTTP: the replacement takes the stopped process's slot once it has exited.
  const replaced = nextEvent(manager.events, 'job.default.web.spawn');
  assert.equal((await request(`${url}/1`, { method: 'DELETE' })).status, 202);
  assert.equal((await request(`${url}/jobs/default/web`)).json<Record<string, unknown>>().running, 1, 'no replacement yet');
  const third = await replaced;
  assert.equal(third.pid, 3);
  assert.equal(manager.processInfo(3).slot, 1, 'the replacement takes the freed slot');

  // Through the channel (ws client), the same.
  const channel = await openRawChannel(server.wsUrl);
  const again = nextEvent(manager.events, 'job.default.web.spawn');
  assert.deepEqual(result(await channel.cmd('stop_process', [2])), { ok: true });
  assert.deepEqual(result(await channel.cmd('pids')), { pids: [3] });
  await again;
  manager.events.unsubscribe('job.default.web', track);
  events.stop();

  const order = events.events.map((e) => `${String(e.event).slice('job.default.web.'.length)}:${String(e.pid)}`);
  assert.deepEqual(order, ['exit:1', 'spawn:3', 'exit:2', 'spawn:4'], 'each exit comes before its replacement');
  assert.equal(most, 2, 'the job never ran more than numprocesses processes');
  assert.deepEqual(manager.pids(), [3, 4]);
});

test('SUB JOB:<name> before the job is loaded is accepted; its events flow once it is loaded (sockjs-client and ws)', async () => {
  const server = await startChannelServer();
  const { manager } = server;
  const sockjs = await openSockJs(server.url, ['xhr-streaming']);
  const raw = await openRawChannel(server.wsUrl);
  assert.deepEqual(await sockjs.sub('JOB:app.later'), { event: 'gaffer:subscription_success', topic: 'JOB:app.later' });
  assert.deepEqual(await raw.sub('JOB:later'), { event: 'gaffer:subscription_success', topic: 'JOB:later' });
  assert.deepEqual(await raw.sub('JOB:app.'), { event: 'gaffer:subscription_error', topic: 'JOB:app.', data: { reason: 'invalid_topic' } });

  manager.load({ name: 'later', cmd: SLEEPER }, { sessionid: 'app' });
  const spawn = await sockjs.next(isItem('JOB:app.later', 'spawn'));
  assert.equal(spawn.data.name, 'app.later');
  manager.load({ name: 'later', cmd: SLEEPER });
  const other = await raw.next(isItem('JOB:later', 'spawn'));
  assert.equal(other.data.name, 'default.later');
});
