// Channel commands (every row of the spec's table, with their errors) and
// malformed messages, which are answered and never drop the connection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlive, nextEvent } from '../helpers/events.js';
import { outputOf } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { openRawChannel, openSockJs, startChannelServer, type ChannelTestClient, type ServerMessage } from './channel-helpers.js';

const ECHO = fixtureCmd('echo.js');
const SLEEPER = fixtureCmd('sleeper.js');

function result(reply: ServerMessage): any {
  assert.equal(reply.event, 'gaffer:command_success', `expected a success, got ${JSON.stringify(reply)}`);
  return reply.data.result;
}

function failure(reply: ServerMessage): { errno: number; reason: string } {
  assert.equal(reply.event, 'gaffer:command_error', `expected an error, got ${JSON.stringify(reply)}`);
  return reply.data.error;
}

test('job commands: load, sessions, jobs, pids, info, scale, stats, start_job, stop_job, reload, update, unload', async () => {
  const { manager, wsUrl } = await startChannelServer();
  const c = await openRawChannel(wsUrl);
  const spawned = nextEvent(manager.events, 'spawn');
  assert.deepEqual(result(await c.cmd('load', [{ name: 'web', cmd: SLEEPER }], { sessionid: 'app' })), { ok: true });
  await spawned;
  assert.deepEqual(result(await c.cmd('sessions')), { sessions: ['app'] });
  assert.deepEqual(result(await c.cmd('jobs')), { jobs: ['app.web'] });
  assert.deepEqual(result(await c.cmd('jobs', ['app'])), { sessionid: 'app', jobs: ['app.web'] });
  const [pid] = manager.pids();
  assert.deepEqual(result(await c.cmd('pids')), { pids: [pid] });
  assert.deepEqual(result(await c.cmd('pids', ['app.web'])), { sessionid: 'app.web', pids: [pid] });
  const info = result(await c.cmd('info', ['web'], { sessionid: 'app' })).info;
  assert.deepEqual([info.name, info.active, info.running, info.max_processes], ['app.web', true, 1, 1]);
  assert.deepEqual(result(await c.cmd('scale', ['app.web', '+2'])), { numprocesses: 3 });
  assert.deepEqual(result(await c.cmd('scale', ['app.web', -1])), { numprocesses: 2 });
  const stats = result(await c.cmd('stats', ['app.web'])).stats;
  assert.equal(stats.name, 'app.web');
  assert.equal(stats.stats.length, 2);

  const stopped = nextEvent(manager.events, 'job.app.web.stop');
  assert.deepEqual(result(await c.cmd('stop_job', ['app.web'])), { ok: true });
  await stopped;
  assert.equal(manager.getJob('app.web').active, false);
  const started = nextEvent(manager.events, 'job.app.web.start');
  assert.deepEqual(result(await c.cmd('start_job', ['app.web'])), { ok: true });
  await started;
  const restarted = nextEvent(manager.events, 'restart');
  assert.deepEqual(result(await c.cmd('reload', ['app.web'])), { ok: true });
  await restarted;
  const updated = nextEvent(manager.events, 'update');
  assert.deepEqual(result(await c.cmd('update', [{ name: 'web', cmd: SLEEPER, numprocesses: 2 }], { sessionid: 'app' })), { ok: true });
  await updated;
  assert.equal(manager.getJob('app.web').config.numprocesses, 2);
  const unloaded = nextEvent(manager.events, 'unload');
  assert.deepEqual(result(await c.cmd('unload', ['web'], { sessionid: 'app' })), { ok: true });
  await unloaded;
  assert.deepEqual(manager.jobs(), []);
});

test('process commands: commit, process_info, process_stats, send, kill, killall, stopall, stop_process', async () => {
  const { manager, url } = await startChannelServer();
  const c = await openSockJs(url, ['websocket']);
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'echo', cmd: ECHO, redirect_input: true, redirect_output: ['out'] });
  const pid = (await spawned).pid as number;

  const info = result(await c.cmd('process_info', [pid])).info;
  assert.deepEqual([info.pid, info.name, info.redirect_input, info.commited], [pid, 'default.echo', true, false]);
  const stats = result(await c.cmd('process_stats', [String(pid)])).stats;
  for (const key of ['mem_info1', 'mem_info2', 'cpu', 'mem', 'ctime']) assert.ok(key in stats, key);
  const echoed = outputOf(manager, pid, 'from the channel');
  assert.deepEqual(result(await c.cmd('send', [pid, 'from the channel\n'])), { ok: true });
  await echoed;

  const killed = nextEvent(manager.events, `proc.${pid}.kill`);
  assert.deepEqual(result(await c.cmd('kill', [pid, 'CONT'])), { ok: true });
  assert.equal((await killed).signum, 18);
  const jobKill = nextEvent(manager.events, 'job.default.echo.kill');
  assert.deepEqual(result(await c.cmd('killall', ['echo', 18])), { ok: true });
  await jobKill;

  const commit = result(await c.cmd('commit', ['echo', 5, { GREETING: 'hi' }]));
  assert.equal(commit.ok, true);
  assert.equal(manager.getProcess(commit.pid).once, true);
  const oneOff = manager.getProcess(commit.pid).osPid;
  const stopOne = nextEvent(manager.events, 'exit', (p) => p.pid === commit.pid);
  assert.deepEqual(result(await c.cmd('stop_process', [commit.pid])), { ok: true });
  await stopOne;
  assert.equal(isAlive(oneOff), false);

  const replaced = nextEvent(manager.events, 'job.default.echo.spawn');
  assert.deepEqual(result(await c.cmd('stopall', ['echo'])), { ok: true });
  assert.notEqual((await replaced).pid, pid, 'stopall replaces the processes');
});

test('command errors: command_not_found, bad_command, config errors, manager reasons, bad_operation', async () => {
  const { manager, wsUrl } = await startChannelServer();
  const c = await openRawChannel(wsUrl);
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 0 });
  const cases: Array<[string, unknown[] | undefined, Record<string, unknown> | undefined, number, string]> = [
    ['frobnicate', undefined, undefined, 404, 'command_not_found'],
    ['toString', undefined, undefined, 404, 'command_not_found'],
    ['info', undefined, undefined, 400, 'bad_command'],
    ['info', [42], undefined, 400, 'bad_command'],
    ['scale', ['web'], undefined, 400, 'bad_command'],
    ['kill', ['abc', 'TERM'], undefined, 400, 'bad_command'],
    ['kill', [1], undefined, 400, 'bad_command'],
    ['send', [1], undefined, 400, 'bad_command'],
    ['load', undefined, undefined, 400, 'config_missing'],
    ['load', ['web'], undefined, 400, 'invalid_config'],
    ['update', [[1]], undefined, 400, 'invalid_config'],
    ['load', [{ name: 'web', cmd: SLEEPER }], undefined, 409, 'process_conflict'],
    ['info', ['nope'], undefined, 404, 'not_found'],
    ['process_info', [999], undefined, 404, 'not_found'],
    ['scale', ['web', 'lots'], undefined, 400, 'bad_operation'],
    ['killall', ['web', 'NOSUCHSIG'], undefined, 400, 'bad_signal'],
    ['jobs', ['nosession'], undefined, 404, 'not_found'],
  ];
  for (const [name, args, kwargs, errno, reason] of cases) {
    assert.deepEqual(failure(await c.cmd(name, args, kwargs)), { errno, reason }, `${name} ${JSON.stringify(args)}`);
  }
  c.send({ event: 'CMD', data: { identity: 'x1', name: 'jobs', args: 'not-a-list' } });
  assert.deepEqual(failure(await c.next((m) => m.data?.id === 'x1')), { errno: 400, reason: 'bad_command' });
  c.send({ event: 'CMD', data: { identity: 7, name: 'sessions' } });
  assert.deepEqual(await c.next((m) => m.data?.id === 7), { event: 'gaffer:command_success', data: { id: 7, result: { sessions: ['default'] } } });
});

test('malformed messages get gaffer:error invalid_msg and the connection stays usable', async () => {
  const { url, wsUrl } = await startChannelServer();
  for (const client of [await openRawChannel(wsUrl), await openSockJs(url, ['xhr-polling'])]) {
    await checkBadMessages(client);
  }
});

async function checkBadMessages(c: ChannelTestClient): Promise<void> {
  const cases: Array<[string | object, string]> = [
    ['not json', 'invalid_json'],
    ['{"event": ', 'invalid_json'],
    ['[1, 2]', 'event_missing'],
    ['42', 'event_missing'],
    ['null', 'event_missing'],
    [{ data: {} }, 'event_missing'],
    [{ event: 'DANCE', data: {} }, 'unknown_cmd'],
    [{ event: 'SUB' }, 'data_missing'],
    [{ event: 'SUB', data: 'EVENTS' }, 'data_missing'],
    [{ event: 'SUB', data: {} }, 'topic_missing'],
    [{ event: 'UNSUB', data: { topic: 5 } }, 'topic_missing'],
    [{ event: 'CMD', data: { identity: 'a' } }, 'cmd_name_missing'],
    [{ event: 'CMD', data: { name: 'jobs' } }, 'cmd_identity_missing'],
    [{ event: 'CMD', data: { name: 'jobs', identity: {} } }, 'cmd_identity_missing'],
  ];
  for (const [message, reason] of cases) {
    c.send(message);
    assert.deepEqual(await c.next((m) => m.event === 'gaffer:error'), { event: 'gaffer:error', data: { error: 'invalid_msg', reason } },
      `${c.transport}: ${JSON.stringify(message)}`);
  }
  assert.equal((await c.sub('EVENTS')).event, 'gaffer:subscription_success', `${c.transport} still works`);
  c.close();
}
