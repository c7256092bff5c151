// A failing job is visible in its views (issue 14): state `backoff` while a
// respawn is pending, `restarts`, `last_exit`, `next_retry`, `spawn_error`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextEvent } from '../helpers/events.js';
import { startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { parseScale } from '../../src/util/scale.js';
import { legacyStatus } from '../../src/http/v04/legacy-views.js';

interface FailureInfo {
  state: string;
  restarts: number;
  last_exit: { pid: number; os_pid: number; exit_status: number | null; term_signal: number | null; time: string } | null;
  next_retry: string | null;
  spawn_error: string | null;
}

test('a crashing job: backoff with next_retry, the last exit, restarts counted once respawned; 0.4 status too', async () => {
  const m = await startManager();
  const firstSpawn = nextEvent(m.events, 'job.default.crash.spawn');
  const firstExit = nextEvent(m.events, 'job.default.crash.exit');
  m.load({ name: 'crash', cmd: fixtureCmd('crash-after.js', 0, 3), restart_delay: 1 });
  const spawned = await firstSpawn;
  const fresh = m.info('crash') as unknown as FailureInfo;
  assert.deepEqual([fresh.restarts, fresh.last_exit, fresh.spawn_error], [0, null, null]);
  await firstExit;
  const before = Date.now();
  const secondSpawn = nextEvent(m.events, 'job.default.crash.spawn');
  const waiting = m.info('crash') as unknown as FailureInfo;
  assert.equal(waiting.state, 'backoff');
  assert.equal(waiting.restarts, 0);
  assert.deepEqual({ ...waiting.last_exit, time: undefined }, { pid: spawned.pid, os_pid: spawned.os_pid, exit_status: 3, term_signal: 0, time: undefined });
  assert.ok(Math.abs(Date.parse(waiting.last_exit!.time) - before) < 5000, waiting.last_exit!.time);
  const retryIn = Date.parse(waiting.next_retry!) - before;
  assert.ok(retryIn > 0 && retryIn <= 1000, `next_retry ${waiting.next_retry} is within restart_delay`);
  const status = legacyStatus(m.getJob('crash')) as unknown as FailureInfo;
  assert.deepEqual([status.state, status.restarts, status.next_retry], ['backoff', 0, waiting.next_retry]);
  await secondSpawn;
  const respawned = m.info('crash') as unknown as FailureInfo;
  assert.equal(respawned.restarts, 1);
  await m.stopJob('crash');
  const stopped = m.info('crash') as unknown as FailureInfo;
  assert.deepEqual([stopped.state, stopped.next_retry], ['stopped', null]);
  assert.equal(stopped.last_exit?.exit_status, 3);
});

test('a command that cannot be spawned: spawn_error and backoff, no restart counted; a scale-down exit is not a failure', async () => {
  const m = await startManager();
  const failed = nextEvent(m.events, 'spawn_error', (p) => p.name === 'default.missing');
  m.load({ name: 'missing', cmd: '/nonexistent/nosuchbin' });
  await failed;
  const info = m.info('missing') as unknown as FailureInfo;
  assert.match(info.spawn_error!, /could not be spawned .*ENOENT.*'\/nonexistent\/nosuchbin'/);
  assert.deepEqual([info.restarts, info.last_exit], [0, null]);
  await m.stopJob('missing');

  const spawns = nextEvent(m.events, 'job.default.calm.spawn');
  m.load({ name: 'calm', cmd: fixtureCmd('sleeper.js') });
  await spawns;
  const reaped = nextEvent(m.events, 'job.default.calm.exit');
  m.scale('calm', parseScale('=0'));
  await reaped;
  const calm = m.info('calm') as unknown as FailureInfo;
  assert.deepEqual([calm.restarts, calm.last_exit, calm.next_retry, calm.spawn_error], [0, null, null, null]);
});
