import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { collectEvents, isAlive, nextEvent, nthEvent } from '../helpers/events.js';
import { outputFrom, startManager } from '../helpers/manager.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../src/errors.js';
import { parseScale } from '../../src/util/scale.js';
import { parseSignal } from '../../src/util/signals.js';
import { legacyStatus } from '../../src/http/v04/legacy-views.js';

const SLEEPER = fixtureCmd('sleeper.js');

test('scale starts or stops only the difference; surviving pids are unchanged', async () => {
  const m = await startManager();
  const three = nthEvent(m.events, 'job.default.s.spawn', 3);
  m.load({ name: 's', cmd: SLEEPER, numprocesses: 1 });
  assert.equal(m.scale('s', parseScale('+2')), 3);
  await three;
  const before = m.pids('s');
  const osBefore = before.map((p) => m.getProcess(p).osPid);
  const twoMore = nthEvent(m.events, 'job.default.s.spawn', 2);
  assert.equal(m.scale('s', parseScale(2)), 5);
  await twoMore;
  assert.deepEqual(m.pids('s').slice(0, 3), before, 'the first three were not restarted');
  assert.deepEqual(before.map((p) => m.getProcess(p).osPid), osBefore);
  const reaped = nthEvent(m.events, 'job.default.s.reap', 2);
  assert.equal(m.scale('s', parseScale('=3')), 3);
  const gone = (await reaped).map((e) => e.pid);
  assert.deepEqual(gone, before.slice(0, 2), 'the oldest processes are reaped first');
  assert.equal(m.scale('s', parseScale('-1')), 2);
  assert.equal(m.scale('s', parseScale(-10)), 0);
  assert.deepEqual(m.pids('s'), []);
  assert.throws(() => m.scale('s', parseScale('lots')), (e: unknown) => e instanceof BadRequestError && e.reason === 'bad_operation');
  assert.throws(() => m.scale('nope', parseScale(1)), NotFoundError);
});

test('load conflicts, unknown jobs and bad configs are clear errors', async () => {
  const m = await startManager();
  m.load({ name: 'c', cmd: SLEEPER, start: false });
  assert.throws(() => m.load({ name: 'c', cmd: SLEEPER }), (e: unknown) => e instanceof ConflictError && /already loaded/.test(e.message));
  assert.throws(() => m.load({ name: '42', cmd: SLEEPER }), BadRequestError);
  assert.throws(() => m.load({ name: 'x', cmd: SLEEPER, uid: 'no-such-user-here' }), /unknown user "no-such-user-here"/);
  assert.throws(() => m.getJob('missing'), /job 'default.missing' not found/);
  assert.throws(() => m.getProcess('abc'), (e: unknown) => (e as BadRequestError).reason === 'bad_value');
  assert.throws(() => m.getProcess(9999), NotFoundError);
});

test('an idle job (start: false) spawns nothing until scaled; commit works on it', async () => {
  const m = await startManager();
  m.load({ name: 'idle', cmd: SLEEPER, numprocesses: 0, start: false });
  assert.deepEqual(m.pids('idle'), []);
  const oneOff = await m.commit('idle');
  assert.deepEqual(m.info('idle').processes, [oneOff]);
  assert.equal(m.info('idle').running_out, 1);
  const spawned = nextEvent(m.events, 'job.default.idle.spawn');
  m.scale('idle', parseScale(1));
  const kept = (await spawned).pid as number;
  assert.deepEqual(m.info('idle').processes, [kept, oneOff]);
  assert.deepEqual(m.pids('idle'), [kept], 'job pids list kept processes only');
});

test('a process that dies is respawned; its exit payload has the 7 members', async () => {
  const m = await startManager();
  const first = nextEvent(m.events, 'job.default.r.spawn');
  m.load({ name: 'r', cmd: SLEEPER });
  const { pid, os_pid: osPid } = await first;
  const exit = nextEvent(m.events, 'proc.' + pid + '.exit');
  const replacement = nextEvent(m.events, 'job.default.r.spawn');
  process.kill(osPid as number, 'SIGKILL');
  const e = await exit;
  assert.deepEqual(Object.keys(e).sort(), ['event', 'exit_status', 'name', 'once', 'os_pid', 'pid', 'term_signal']);
  assert.equal(e.term_signal, 9);
  assert.equal(e.once, false);
  const r = await replacement;
  assert.notEqual(r.pid, pid);
  assert.ok(isAlive(r.os_pid as number));
});

test('stop, start, restart (rolling), reload and stopall', async () => {
  const m = await startManager();
  const up = nthEvent(m.events, 'job.default.j.spawn', 2);
  m.load({ name: 'j', cmd: SLEEPER, numprocesses: 2 });
  await up;
  const events = collectEvents(m.events);
  await m.stopJob('j');
  assert.deepEqual(m.pids('j'), []);
  assert.equal(legacyStatus(m.getJob('j')).numprocesses, 0);
  assert.deepEqual(events.events.slice(0, 4).map((e) => e.event), ['stop', 'job.default.j.stop', 'stop_process', 'stop_process']);
  const restarted = nthEvent(m.events, 'job.default.j.spawn', 2);
  m.startJob('j');
  await restarted;
  assert.equal(legacyStatus(m.getJob('j')).numprocesses, 2);
  const old = m.pids('j');
  const rolled = nthEvent(m.events, 'job.default.j.reap', 2);
  m.restartJob('j');
  const fresh = m.pids('j');
  assert.equal(fresh.length, 2);
  assert.ok(fresh.every((p) => !old.includes(p)), 'restart spawns new processes first');
  assert.deepEqual((await rolled).map((e) => e.pid), old);
  const reloaded = nthEvent(m.events, 'job.default.j.spawn', 2);
  const reloadDone = m.reload('j');
  await reloaded;
  await reloadDone;
  assert.ok(m.pids('j').every((p) => !fresh.includes(p)));
  const respawned = nthEvent(m.events, 'job.default.j.spawn', 2);
  const before = m.pids('j');
  await m.stopall('j');
  await respawned;
  assert.equal(m.pids('j').length, 2);
  assert.ok(m.pids('j').every((p) => !before.includes(p)), 'stopall respawns every process');
  assert.equal(legacyStatus(m.getJob('j')).active, true);
});

test('stopProcess replaces a kept process; commit processes are never respawned', async () => {
  const m = await startManager();
  const first = nextEvent(m.events, 'job.default.p.spawn');
  m.load({ name: 'p', cmd: SLEEPER });
  const pid = (await first).pid as number;
  const replaced = nextEvent(m.events, 'job.default.p.spawn');
  const stopped = m.stopProcess(pid);
  assert.equal((await replaced).pid, pid + 1);
  await stopped;
  const oneOff = await m.commit('p', { env: { EXTRA: '1' }, gracefulTimeout: 1 });
  assert.equal(m.getProcess(oneOff).once, true);
  assert.equal(m.getProcess(oneOff).command.env.EXTRA, '1');
  const exited = nextEvent(m.events, `proc.${oneOff}.exit`);
  process.kill(m.getProcess(oneOff).osPid, 'SIGKILL');
  assert.equal((await exited).once, true);
  assert.deepEqual(m.info('p').processes, [pid + 1], 'the one-off was not respawned');
  await assert.rejects(m.commit('p-missing'), NotFoundError);
});

test('update restarts processes only when a process setting changed', async () => {
  const m = await startManager();
  const first = nthEvent(m.events, 'job.default.u.spawn', 2);
  m.load({ name: 'u', cmd: SLEEPER, numprocesses: 2 });
  await first;
  const before = m.pids('u');
  await m.update({ name: 'u', cmd: SLEEPER, numprocesses: 1, graceful_timeout: 5 });
  assert.deepEqual(m.pids('u'), before, 'numprocesses/graceful_timeout alone restart nothing (target stays max(new, current))');
  const fresh = nthEvent(m.events, 'job.default.u.spawn', 2);
  const done = m.update({ name: 'u', cmd: SLEEPER, env: { CHANGED: 'yes' }, numprocesses: 1 });
  await fresh;
  await done;
  const after = m.pids('u');
  assert.equal(after.length, 2);
  assert.ok(after.every((p) => !before.includes(p)));
  assert.equal(m.getProcess(after[0]!).command.env.CHANGED, 'yes');
});

test('killall and kill validate signals and emit kill events', async () => {
  const m = await startManager();
  const ready = outputFrom(m, /ready/, 2);
  m.load({ name: 'k', cmd: fixtureCmd('ignore-sigterm.js'), numprocesses: 2, graceful_timeout: 0.5, redirect_output: ['out'] });
  await ready;
  const [a, b] = m.pids('k') as [number, number];
  const jobKill = nextEvent(m.events, 'job.default.k.kill');
  const procKills = nthEvent(m.events, 'proc', 2, (e) => /^proc\.\d+\.kill$/.test(String(e.event)));
  m.killall('k', parseSignal('term'));
  assert.deepEqual(await jobKill, { event: 'job.default.k.kill', name: 'default.k', signum: 15 });
  assert.deepEqual((await procKills).map((e) => e.pid), [a, b]);
  assert.throws(() => m.killall('k', parseSignal('BOGUS')), (e: unknown) => (e as BadRequestError).reason === 'bad_signal');
  assert.throws(() => m.kill(a, parseSignal('nope')), BadRequestError);
  const exit = nextEvent(m.events, `proc.${a}.exit`);
  m.kill(a, parseSignal('KILL'));
  assert.equal((await exit).term_signal, 9);
  assert.ok(m.pids('k').includes(b), 'the other process was left alone');
});

test('unload while processes are starting stops them all and removes the session', async () => {
  const m = await startManager();
  m.load({ name: 'app.fast', cmd: SLEEPER, numprocesses: 5 });
  const osPids = m.pids('app.fast').map((p) => m.getProcess(p).osPid);
  const events = collectEvents(m.events);
  await m.unload('app.fast');
  assert.deepEqual(m.sessions, []);
  assert.deepEqual(m.pids(), []);
  assert.ok(osPids.every((p) => !isAlive(p)));
  assert.deepEqual(events.events.slice(0, 3).map((e) => e.event), ['unload', 'stop', 'job.app.fast.stop']);
  assert.equal(events.events.filter((e) => e.event === 'stop_process').length, 5);
});

test('instances get the lowest free slot and a per-instance environment', async () => {
  const m = await startManager();
  m.load({ name: 'web', cmd: SLEEPER, numprocesses: 3 }, { instanceEnv: (slot) => ({ PORT: String(5000 + slot - 1) }) });
  const slots = (): number[] => m.pids('web').map((p) => m.getProcess(p).slot);
  assert.deepEqual(slots(), [1, 2, 3]);
  assert.deepEqual(m.pids('web').map((p) => m.getProcess(p).command.env.PORT), ['5000', '5001', '5002']);
  const second = m.pids('web')[1]!;
  const replaced = nextEvent(m.events, 'job.default.web.spawn');
  const stopped = m.stopProcess(second);
  const fresh = (await replaced).pid as number;
  await stopped;
  assert.equal(m.getProcess(fresh).slot, 2, 'the replacement takes the freed slot');
  assert.equal(m.getProcess(fresh).command.env.PORT, '5001');
  assert.equal(m.getProcess(await m.commit('web')).slot, 0);
});
