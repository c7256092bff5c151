import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Manager } from '../../src/core/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { isAlive, nextEvent, nthEvent, collectEvents } from '../helpers/events.js';
import { legacyEventsOf } from '../../src/legacy/legacy-events.js';

const managers: Manager[] = [];
function newManager(): Manager {
  const m = new Manager();
  managers.push(m);
  return m;
}
after(async () => { await Promise.all(managers.map((m) => m.stop())); });

test('load spawns numprocesses processes with increasing internal pids', async () => {
  const m = newManager();
  await m.start();
  const spawned = nthEvent(m.events, 'job.default.sleepy.spawn', 3);
  m.load({ name: 'sleepy', cmd: fixtureCmd('sleeper.js'), numprocesses: 3 });
  const events = await spawned;
  assert.deepEqual(events.map((e) => e.pid), [1, 2, 3]);
  assert.deepEqual(m.pids('sleepy'), [1, 2, 3]);
  assert.deepEqual(m.jobs(), ['default.sleepy']);
  assert.deepEqual(m.sessions, ['default']);
  const info = m.info('sleepy');
  assert.equal(info.running, 3);
  assert.equal(info.max_processes, 3);
  for (const e of events) assert.ok(isAlive(e.os_pid as number));
});

test('canonical and legacy events of a load carry the documented names and order', async () => {
  const m = newManager();
  const canonical = collectEvents(m.events);
  const legacy = collectEvents(legacyEventsOf(m));
  const spawned = nextEvent(legacyEventsOf(m), 'proc.web.spawn');
  m.load({ name: 'web', cmd: fixtureCmd('sleeper.js') });
  await spawned;
  assert.deepEqual(canonical.events.map((e) => e.event), ['load', 'start', 'job.default.web.start', 'spawn', 'job.default.web.spawn']);
  assert.deepEqual(legacy.events.map((e) => e.event), ['create', 'start', 'proc.web.start', 'spawn', 'proc.web.spawn']);
  assert.equal(legacy.events[3]!.name, 'web');
  assert.equal(legacy.events[3]!.detached, false);
  assert.equal(canonical.events[3]!.name, 'default.web');
});

test('a job in another session has full legacy names', async () => {
  const m = newManager();
  const spawn = nextEvent(legacyEventsOf(m), 'proc.myapp.web.spawn');
  m.load({ name: 'myapp.web', cmd: fixtureCmd('sleeper.js') });
  assert.equal((await spawn).name, 'myapp.web');
  assert.deepEqual(m.sessions, ['myapp']);
  assert.deepEqual(m.jobs('myapp'), ['myapp.web']);
  assert.ok(m.hasJob('myapp:web') && m.hasJob('myapp/web'));
});
