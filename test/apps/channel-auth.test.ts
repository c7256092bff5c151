// Channel authentication (AUTH:<key>, AUTH_REQUIRED) and the permission each
// topic and command asks for (auth.md → Channel subscriptions and commands).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelPermission } from '../../src/apps/channel/channel-auth.js';
import type { AccessRight, ChannelAuth, KeyInfo, KeyPermissions } from '../../src/protocol/auth.js';
import { nextEvent } from '../helpers/events.js';
import { recordingLogger } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { isItem, openRawChannel, openSockJs, startChannelServer } from './channel-helpers.js';

const SLEEPER = fixtureCmd('sleeper.js');

type FakeKey = KeyPermissions;

// A key store in the shape of auth.md's rules (manage implies read; a session covers its jobs).
function fakeAuth(keys: Record<string, FakeKey>, calls: Array<[ChannelPermission, string | undefined]> = []): ChannelAuth {
  const covers = (list: string[] | undefined, target: string | undefined): boolean =>
    list !== undefined && (list.includes('*') || (target !== undefined && (list.includes(target) || list.includes(target.split('.')[0]!))));
  return {
    required: true,
    // Resolved on a later turn, like a real store, so pipelined messages must wait for it.
    verify: (key) => new Promise<KeyInfo | undefined>((resolve) => setImmediate(() => {
      const permissions = keys[key];
      resolve(permissions && { key, permissions });
    })),
    can: (info: KeyInfo, right: AccessRight, target?: string) => {
      calls.push([right as ChannelPermission, target]);
      const key = info.permissions;
      if (key.admin) return true;
      switch (right) {
        case 'manage-all': return key.manage?.includes('*') ?? false;
        case 'manage': case 'write': return covers(key.manage, target);
        case 'read': return covers(key.manage, target) || covers(key.read, target);
        default: return false;
      }
    },
  };
}

const KEYS: Record<string, FakeKey> = { admin: { admin: true }, web: { manage: ['default.web'] }, reader: { read: ['default'] } };

test('keys required: a first message other than AUTH gets AUTH_REQUIRED 401 and the session is closed', async () => {
  const { wsUrl, url } = await startChannelServer({ auth: fakeAuth(KEYS) });
  const raw = await openRawChannel(wsUrl);
  raw.send({ event: 'SUB', data: { topic: 'EVENTS' } });
  assert.deepEqual(await raw.next(), { event: 'gaffer:error', data: { error: 'AUTH_REQUIRED', reason: { error: 'unauthorized', errno: 401 } } });
  assert.deepEqual(await raw.closed, { code: 3401, reason: 'unauthorized' });

  const sock = await openSockJs(url, ['xhr-streaming']);
  sock.send({ event: 'NOP' });
  assert.equal((await sock.next()).data.reason.errno, 401);
  assert.equal((await sock.closed).code, 3401);
});

test('an unknown key gets AUTH_REQUIRED 403 and close; a failing key store is logged and refused', async () => {
  const logger = recordingLogger();
  const { wsUrl } = await startChannelServer({ auth: fakeAuth(KEYS), logger });
  const c = await openRawChannel(wsUrl);
  c.send('AUTH:nope');
  assert.deepEqual(await c.next(), { event: 'gaffer:error', data: { error: 'AUTH_REQUIRED', reason: { error: 'forbidden', errno: 403 } } });
  assert.deepEqual(await c.closed, { code: 3403, reason: 'forbidden' });

  const broken = await startChannelServer({ logger, auth: { required: true, verify: () => Promise.reject(new Error('store offline')), can: () => true } });
  const d = await openRawChannel(broken.wsUrl);
  d.send('AUTH:any');
  assert.equal((await d.next()).data.reason.errno, 403);
  assert.match(logger.lines.join('\n'), /checking an API key failed: store offline/);
});

test('a valid AUTH has no reply; messages sent right behind it run with its rights', async () => {
  const { manager, wsUrl } = await startChannelServer({ auth: fakeAuth(KEYS) });
  const c = await openRawChannel(wsUrl);
  c.send('AUTH:admin');
  const subscribed = c.sub('EVENTS');
  assert.deepEqual(await subscribed, { event: 'gaffer:subscription_success', topic: 'EVENTS' });
  manager.load({ name: 'web', cmd: SLEEPER });
  await c.next(isItem('EVENTS', 'load'));
  assert.ok(!c.queued.some((m) => m.event === 'gaffer:error'));
});

test('a limited key: refused topics and commands answer forbidden and are not run', async () => {
  const { manager, wsUrl } = await startChannelServer({ auth: fakeAuth(KEYS) });
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER });
  manager.load({ name: 'db', cmd: SLEEPER, numprocesses: 0 });
  const { pid } = await spawned;
  const c = await openRawChannel(wsUrl);
  c.send('AUTH:web');
  assert.deepEqual(await c.sub('EVENTS'), { event: 'gaffer:subscription_error', topic: 'EVENTS', data: { reason: 'forbidden' } });
  assert.equal((await c.sub('JOB:default.db')).data.reason, 'forbidden');
  assert.equal((await c.sub('JOB:default.web')).event, 'gaffer:subscription_success');
  assert.equal((await c.sub(`STREAM:${pid}`)).data.reason, 'stream_not_found', 'resolution errors come before the permission check');
  assert.deepEqual((await c.cmd('scale', ['db', 2])).data.error, { errno: 403, reason: 'forbidden' });
  assert.equal(manager.getJob('db').numprocesses, 0, 'a refused command is not executed');
  assert.deepEqual((await c.cmd('sessions')).data.error, { errno: 403, reason: 'forbidden' });
  assert.deepEqual((await c.cmd('unload', ['web'])).data.error, { errno: 403, reason: 'forbidden' }, 'unload needs admin');
  assert.deepEqual((await c.cmd('scale', ['web', 1])).data.result, { numprocesses: 2 });

  const reader = await openRawChannel(wsUrl);
  reader.send('AUTH:reader');
  assert.equal((await reader.sub(`STATS:${pid}`)).event, 'gaffer:subscription_success');
  assert.equal((await reader.sub(`PROCESS:${pid}`)).data.reason, 'forbidden', 'PROCESS needs manage');
  assert.deepEqual((await reader.cmd('kill', [pid, 'HUP'])).data.error, { errno: 403, reason: 'forbidden' });
});

test('the permission and target asked for each topic and command', async () => {
  const calls: Array<[ChannelPermission, string | undefined]> = [];
  const { manager, wsUrl } = await startChannelServer({ auth: fakeAuth({ k: { manage: [] } }, calls) });
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER, redirect_output: ['out'] }, { sessionid: 'app' });
  const { pid } = await spawned;
  const c = await openRawChannel(wsUrl);
  c.send('AUTH:k');
  const topics: Array<[string, [ChannelPermission, string | undefined]]> = [
    ['EVENTS', ['manage-all', undefined]],
    ['EVENTS:spawn', ['manage-all', undefined]],
    ['JOB:app.web', ['manage', 'app.web']],
    [`PROCESS:${pid}`, ['manage', 'app.web']],
    [`STATS:${pid}`, ['read', 'app.web']],
    ['STATS:app.web', ['read', 'app.web']],
    [`STREAM:${pid}`, ['read', 'app.web']],
  ];
  for (const [topic, expected] of topics) {
    calls.length = 0;
    await c.sub(topic);
    assert.deepEqual(calls, [expected], topic);
  }
  const commands: Array<[string, unknown[], Record<string, unknown> | undefined, [ChannelPermission, string | undefined]]> = [
    ['sessions', [], undefined, ['manage-all', undefined]],
    ['jobs', [], undefined, ['manage-all', undefined]],
    ['pids', [], undefined, ['manage-all', undefined]],
    ['load', [{ name: 'x', cmd: SLEEPER }], undefined, ['admin', undefined]],
    ['unload', ['app.web'], undefined, ['admin', undefined]],
    ['reload', ['app.web'], undefined, ['admin', undefined]],
    ['update', [{ name: 'app.web', cmd: SLEEPER }], undefined, ['admin', undefined]],
    ['start_job', ['web'], { sessionid: 'app' }, ['manage', 'app.web']],
    ['stop_job', ['app.web'], undefined, ['manage', 'app.web']],
    ['scale', ['app.web', 1], undefined, ['manage', 'app.web']],
    ['info', ['app.web'], undefined, ['manage', 'app.web']],
    ['stats', ['app.web'], undefined, ['manage', 'app.web']],
    ['stopall', ['app.web'], undefined, ['manage', 'app.web']],
    ['killall', ['app.web', 'HUP'], undefined, ['manage', 'app.web']],
    ['commit', ['app.web'], undefined, ['manage', 'app.web']],
    ['process_info', [pid], undefined, ['manage', 'app.web']],
    ['process_stats', [pid], undefined, ['manage', 'app.web']],
    ['stop_process', [pid], undefined, ['manage', 'app.web']],
    ['kill', [pid, 'HUP'], undefined, ['manage', 'app.web']],
    ['send', [pid, 'x'], undefined, ['write', 'app.web']],
  ];
  for (const [name, args, kwargs, expected] of commands) {
    calls.length = 0;
    const reply = await c.cmd(name, args, kwargs);
    assert.deepEqual(reply.data.error, { errno: 403, reason: 'forbidden' }, name);
    assert.deepEqual(calls, [expected], name);
  }
});

test('keys not required: AUTH is ignored without a reply and every client has full rights', async () => {
  const { wsUrl } = await startChannelServer({ auth: { ...fakeAuth({}), required: false } });
  const c = await openRawChannel(wsUrl);
  c.send('AUTH:whatever');
  assert.equal((await c.sub('EVENTS')).event, 'gaffer:subscription_success');
  assert.deepEqual((await c.cmd('sessions')).data.result, { sessions: [] });
  assert.ok(!c.queued.some((m) => m.event === 'gaffer:error'));
});

test('keys required: a client that never authenticates is refused after the auth timeout', async () => {
  const { wsUrl } = await startChannelServer({ auth: fakeAuth(KEYS), authTimeoutMs: 100 });
  const c = await openRawChannel(wsUrl);
  assert.deepEqual(await c.next(), { event: 'gaffer:error', data: { error: 'AUTH_REQUIRED', reason: { error: 'unauthorized', errno: 401 } } });
  assert.equal((await c.closed).code, 3401);
});
