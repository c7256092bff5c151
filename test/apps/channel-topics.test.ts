// Channel topics: EVENTS[:pattern], JOB:<F>, PROCESS:<pid>, STATS:<pid>|<F>,
// STREAM:<pid>[.<label>], their refusals and reference counting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextEvent } from '../helpers/events.js';
import { fixtureCmd } from '../helpers/paths.js';
import { isItem, openRawChannel, openSockJs, startChannelServer, type ChannelTestClient } from './channel-helpers.js';
import { parseScale } from '../../src/util/scale.js';
import { parseSignal } from '../../src/util/signals.js';

const ECHO = fixtureCmd('echo.js');
const SLEEPER = fixtureCmd('sleeper.js');

// Every message the server sent before this reply has been received once it arrives.
async function barrier(client: ChannelTestClient): Promise<void> {
  await client.cmd('sessions');
}

test('EVENTS:<pattern> delivers matching canonical events with the full type', async () => {
  const { manager, wsUrl } = await startChannelServer();
  const client = await openRawChannel(wsUrl);
  await client.sub('EVENTS:job.default.web');
  manager.load({ name: 'web', cmd: SLEEPER });
  const start = await client.next(isItem('EVENTS:job.default.web'));
  assert.deepEqual(start.data, { event: 'job.default.web.start', topic: 'EVENTS:job.default.web', name: 'default.web' });
  const spawn = await client.next(isItem('EVENTS:job.default.web', 'job.default.web.spawn'));
  assert.deepEqual(Object.keys(spawn.data), ['event', 'topic', 'name', 'pid', 'os_pid']);
  await barrier(client);
  assert.ok(client.queued.every((m) => m.data?.event?.startsWith('job.default.web')), 'only matching events');
});

test('JOB:<F> and PROCESS:<pid> deliver per-job and per-process events typed by their suffix', async () => {
  const { manager, wsUrl } = await startChannelServer();
  const client = await openRawChannel(wsUrl);
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER });
  const { pid } = await spawned;
  await client.sub('JOB:default.web');
  await client.sub(`PROCESS:${pid}`);
  // Signals the fixture survives, so the process list stays as the test expects.
  manager.kill(pid as number, parseSignal('CONT'));
  const kill = await client.next(isItem(`PROCESS:${pid}`, 'kill'));
  assert.deepEqual(kill.data, { event: 'kill', topic: `PROCESS:${pid}`, pid, name: 'default.web', signum: 18 });
  manager.scale('web', parseScale('+1'));
  const spawn = await client.next(isItem('JOB:default.web', 'spawn'));
  assert.equal(spawn.data.name, 'default.web');
  manager.scale('web', parseScale('-1'));
  const reap = await client.next(isItem('JOB:default.web', 'reap'));
  assert.equal(reap.data.pid, pid, 'the oldest process is reaped');
  assert.deepEqual((await client.next(isItem(`PROCESS:${pid}`, 'reap'))).data.os_pid, reap.data.os_pid);
  const exit = await client.next(isItem(`PROCESS:${pid}`, 'exit'));
  assert.deepEqual(Object.keys(exit.data).sort(), ['event', 'exit_status', 'name', 'once', 'os_pid', 'pid', 'term_signal', 'topic']);
  manager.killall('web', parseSignal('WINCH'));
  assert.equal((await client.next(isItem('JOB:default.web', 'kill'))).data.signum, 28);
  // A short name designates the default session; the topic keeps the text the client used.
  await client.sub('JOB:web');
  void manager.stopJob('web');
  await client.next(isItem('JOB:web', 'stop'));
  await client.next(isItem('JOB:default.web', 'stop'));
});

test('STATS:<pid> and STATS:<F> deliver 0.5 stat payloads, sampling only while subscribed', async () => {
  const { manager, wsUrl } = await startChannelServer();
  const client = await openRawChannel(wsUrl);
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER });
  const { pid } = await spawned;
  await client.sub(`STATS:${pid}`);
  const stat = await client.next(isItem(`STATS:${pid}`, 'stat'));
  for (const key of ['mem_info1', 'mem_info2', 'cpu', 'mem', 'ctime', 'pid', 'os_pid']) assert.ok(key in stat.data, `stat has ${key}`);
  assert.equal(stat.data.pid, pid);
  await client.sub('STATS:default.web');
  assert.equal((await client.next(isItem('STATS:default.web', 'stat'))).data.pid, pid);
  await client.unsub(`STATS:${pid}`);
  await client.unsub('STATS:default.web');
  const unsubscribedAt = client.queued.length;
  // Another connection sees three more samples: the first one, unsubscribed, got none of them.
  const other = await openRawChannel(wsUrl);
  await other.sub(`STATS:${pid}`);
  for (let i = 0; i < 3; i++) await other.next(isItem(`STATS:${pid}`, 'stat'));
  await barrier(client);
  assert.equal(client.queued.slice(unsubscribedAt).filter((m) => m.data?.event === 'stat').length, 0, 'no stat after UNSUB');
});

test('STREAM:<pid>, STREAM:<pid>.<label> and custom streams (READ) deliver output as UTF-8 text', async () => {
  const { manager, url } = await startChannelServer();
  const client = await openSockJs(url, ['xhr-streaming']);
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'echo', cmd: ECHO, redirect_input: true, redirect_output: ['out', 'err'] });
  const { pid } = await spawned;
  await client.sub(`STREAM:${pid}`);
  await client.sub(`STREAM:${pid}.err`);
  await manager.send(pid as number, 'héllo wörld\nERR oops\n');
  const out = await client.next(isItem(`STREAM:${pid}`, 'out', (d) => d.data.includes('héllo')));
  // The fixture's own "ready" line may come in the same chunk.
  assert.deepEqual({ ...out.data, data: out.data.data.replace(/^ready\n/, '') }, { event: 'out', topic: `STREAM:${pid}`, name: 'default.echo', pid, data: 'héllo wörld\n' });
  const err = await client.next(isItem(`STREAM:${pid}.err`, 'err'));
  assert.equal(err.data.data, 'ERR oops\n');
  await barrier(client);
  assert.ok(!client.queued.some((m) => m.data?.topic === `STREAM:${pid}` && m.data.data.includes('oops')), 'STREAM:<pid> is the first label only');

  const customSpawn = nextEvent(manager.events, 'spawn', (p) => p.name === 'default.custom');
  manager.load({ name: 'custom', cmd: fixtureCmd('custom-stream.js'), custom_streams: ['ctl'], redirect_output: ['out'] });
  const custom = (await customSpawn).pid as number;
  await client.sub(`STREAM:${custom}.ctl`);
  await manager.send(custom, 'ping\n', 'ctl');
  const read = await client.next(isItem(`STREAM:${custom}.ctl`, 'READ'));
  assert.deepEqual([read.data.name, read.data.pid, read.data.data], ['default.custom', custom, 'got ping\n']);
});

test('refused subscriptions: invalid_topic, invalid_process, not_found objects, stream_not_found', async () => {
  const { manager, wsUrl } = await startChannelServer();
  const client = await openRawChannel(wsUrl);
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'quiet', cmd: SLEEPER });
  const { pid } = await spawned;
  const notFound = { error: 'not_found', errno: 404 };
  const cases: Array<[string, unknown]> = [
    ['FOO', 'invalid_topic'],
    ['FOO:bar', 'invalid_topic'],
    ['JOB', 'invalid_topic'],
    ['STATS:', 'invalid_topic'],
    ['STREAM:abc', 'invalid_topic'],
    ['STREAM', 'invalid_topic'],
    ['PROCESS:abc', 'invalid_process'],
    ['PROCESS', 'invalid_process'],
    ['JOB:default.', 'invalid_topic'],
    ['PROCESS:999', notFound],
    ['STATS:999', notFound],
    ['STATS:nope', notFound],
    ['STREAM:999', notFound],
    [`STREAM:${pid}`, 'stream_not_found'],
    [`STREAM:${pid}.nolabel`, 'stream_not_found'],
  ];
  for (const [topic, reason] of cases) {
    assert.deepEqual(await client.sub(topic), { event: 'gaffer:subscription_error', topic, data: { reason } }, topic);
  }
  // The source is case-insensitive.
  assert.equal((await client.sub('events')).event, 'gaffer:subscription_success');
});

test('subscriptions are reference-counted per connection; UNSUB of an unknown topic succeeds', async () => {
  const { manager, wsUrl } = await startChannelServer();
  const client = await openRawChannel(wsUrl);
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 0 });
  assert.deepEqual(await client.unsub('JOB:default.never'), { event: 'gaffer:subscription_success', topic: 'JOB:default.never' });
  await client.sub('JOB:default.web');
  await client.sub('JOB:default.web');
  await client.unsub('JOB:default.web');
  manager.scale('web', parseScale(1));
  await client.next(isItem('JOB:default.web', 'spawn'));
  await client.unsub('JOB:default.web');
  const again = nextEvent(manager.events, 'job.default.web.spawn');
  manager.scale('web', parseScale(1));
  await again;
  await barrier(client);
  assert.ok(!client.queued.some((m) => m.data?.topic === 'JOB:default.web'), 'nothing after the last UNSUB');
});
