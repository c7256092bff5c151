// reload_strategy = rolling: replacements are ready before old processes stop, batch by batch;
// a replacement that never gets ready stops the rollout and leaves the old processes running.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Manager } from '../../src/core/manager.js';
import { nextEvent } from '../helpers/events.js';
import { startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { legacyStatus } from '../../src/http/v04/legacy-views.js';

const READY_AFTER = fixtureCmd('ready-after.js');

/** Ready, running and not being stopped: the processes that serve. */
function serving(m: Manager, job: string): number {
  return [...m.running.values()].filter((p) => p.name === job && p.active && p.ready && !p.stopRequested).length;
}

/** Record the serving count at every event of the job and every 5 ms until stopped. */
function sampleServing(m: Manager, job: string): { samples: number[]; stop: () => void } {
  const samples: number[] = [];
  const listener = (): void => { samples.push(serving(m, job)); };
  m.events.subscribe('.', listener);
  const timer = setInterval(listener, 5);
  after(() => clearInterval(timer));
  return { samples, stop: () => { clearInterval(timer); m.events.unsubscribe('.', listener); } };
}

async function loadReadyJob(m: Manager, extra: Record<string, unknown> = {}): Promise<number[]> {
  const ready = nextEvent(m.events, 'job.default.web.ready');
  m.load({ name: 'web', cmd: READY_AFTER, args: ['150'], numprocesses: 2, ready: 'line:^ready', reload_strategy: 'rolling', ...extra });
  await ready;
  return m.pids('web');
}

test('a rolling reload keeps two ready processes at every sample and ends with two new pids', async () => {
  const m = await startManager();
  const old = await loadReadyJob(m);
  const sampler = sampleServing(m, 'default.web');
  await m.reload('web');
  const fresh = m.pids('web');
  sampler.stop();
  assert.equal(fresh.length, 2);
  assert.ok(fresh.every((p) => !old.includes(p)), `new pids ${fresh} replace ${old}`);
  assert.ok(sampler.samples.length > 10, `sampled ${sampler.samples.length} times`);
  assert.ok(Math.min(...sampler.samples) >= 2, `serving never dropped below 2: ${sampler.samples.join(',')}`);
  assert.equal(legacyStatus(m.getJob('web')).numprocesses, 2);
});

test('rolling_batch = 2 replaces both at once; restartJob and update (changed args) roll too', async () => {
  const m = await startManager();
  const old = await loadReadyJob(m, { rolling_batch: 2 });
  const sampler = sampleServing(m, 'default.web');
  await m.restartJob('web');
  const afterRestart = m.pids('web');
  assert.ok(afterRestart.every((p) => !old.includes(p)));
  await m.update({ name: 'web', cmd: READY_AFTER, args: ['100'], numprocesses: 2, ready: 'line:^ready', reload_strategy: 'rolling', rolling_batch: 2 });
  sampler.stop();
  assert.ok(m.pids('web').every((p) => !afterRestart.includes(p)), 'the update replaced every process');
  assert.equal((m.processInfo(m.pids('web')[0]!).args as string[]).at(-1), '100');
  assert.ok(Math.min(...sampler.samples) >= 2, `serving never dropped below 2: ${sampler.samples.join(',')}`);
});

test('a replacement that never gets ready stops the rollout: the old processes keep running, reload_failed is reported', async () => {
  const m = await startManager();
  const old = await loadReadyJob(m, { ready_timeout: 0.5 });
  const failed = nextEvent(m.events, 'reload_failed');
  const never = { name: 'web', cmd: READY_AFTER, args: ['never'], numprocesses: 2, ready: 'line:^ready', ready_timeout: 0.5, reload_strategy: 'rolling' };
  await assert.rejects(m.update(never), (err: Error & { status?: number; reason?: string }) => {
    assert.equal(err.status, 409);
    assert.equal(err.reason, 'reload_failed');
    assert.match(err.message, /job 'default\.web': replacement process \d+ .*(not ready|failed its check)/);
    return true;
  });
  const event = await failed;
  assert.equal(event.name, 'default.web');
  assert.equal(event.kept_old, 2);
  assert.deepEqual(m.pids('web'), old, 'the old processes still run, and only they');
  assert.equal(serving(m, 'default.web'), 2);
  assert.deepEqual(m.info('web').config, { ...(m.info('web').config as object) });
  assert.deepEqual((m.info('web').config as { args: string[] }).args, ['150'], 'the old config stays, for their respawns');
});

test('without a ready check, a replacement must stay up for rolling_grace: one that exits at once fails the rollout', async () => {
  const m = await startManager();
  const spawned = nextEvent(m.events, 'job.default.api.spawn');
  m.load({ name: 'api', cmd: fixtureCmd('sleeper.js'), numprocesses: 1, reload_strategy: 'rolling', rolling_grace: 0.3 });
  await spawned;
  const old = m.pids('api');
  await m.reload('api');
  assert.notDeepEqual(m.pids('api'), old, 'a healthy replacement took over after the grace');
  const current = m.pids('api');
  await assert.rejects(
    // A long grace: the replacement exits long before it (even on a busy machine), which ends the wait at once.
    m.update({ name: 'api', cmd: fixtureCmd('crash-after.js'), args: ['0', '3'], numprocesses: 1, reload_strategy: 'rolling', rolling_grace: 30 }),
    /exited \(exit status 3\) before it was ready/,
  );
  assert.deepEqual(m.pids('api'), current);
  await assert.rejects(Promise.all([m.reload('api'), m.reload('api')]), /in progress/);
});
