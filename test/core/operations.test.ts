// The operations features: restart policies, restart_delay backoff, readiness, health checks,
// start dependencies and max_memory, with real processes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { collectEvents, nextEvent, nthEvent } from '../helpers/events.js';
import { startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { legacyStatus } from '../../src/http/v04/legacy-views.js';

test('restart = on-failure restarts a crash but not exit 0; never restarts nothing', async () => {
  const m = await startManager();
  const exited = nextEvent(m.events, 'job.default.ok.exit');
  m.load({ name: 'ok', cmd: fixtureCmd('crash-after.js', 0, 0), restart: 'on-failure' });
  assert.equal((await exited).exit_status, 0);
  const failing = nthEvent(m.events, 'job.default.bad.spawn', 3);
  m.load({ name: 'bad', cmd: fixtureCmd('crash-after.js', 0, 3), restart: 'on-failure' });
  await failing;
  const codes = nextEvent(m.events, 'job.default.codes.exit');
  m.load({ name: 'codes', cmd: fixtureCmd('crash-after.js', 0, 2), restart: 'on-failure', success_exit_codes: [0, 2] });
  await codes;
  const never = nextEvent(m.events, 'job.default.once.exit');
  m.load({ name: 'once', cmd: fixtureCmd('crash-after.js', 0, 1), restart: 'never' });
  await never;
  // The ended processes were not replaced: their job's target dropped to 0.
  for (const name of ['ok', 'codes', 'once']) {
    assert.deepEqual(m.pids(name), [], name);
    assert.equal(legacyStatus(m.getJob(name)).numprocesses, 0, name);
  }
  await m.stopJob('bad');
  assert.throws(() => m.load({ name: 'x', cmd: 'true', restart: 'sometimes' }), (e: unknown) => e instanceof BadRequestError && /always, on-failure or never/.test(e.message));
});

test('restart_delay: the delay doubles while processes die young', async () => {
  const m = await startManager();
  const stamps: number[] = [];
  m.events.subscribe('job.default.slow.spawn', () => stamps.push(Date.now()));
  const four = nthEvent(m.events, 'job.default.slow.spawn', 4, () => true, 20000);
  m.load({ name: 'slow', cmd: fixtureCmd('crash-after.js', 0, 1), restart_delay: 0.1 });
  await four;
  await m.stopJob('slow');
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
  assert.ok(gaps[0]! >= 90, `first respawn after >= 0.1 s (${gaps[0]} ms)`);
  assert.ok(gaps[1]! >= 190, `then 0.2 s (${gaps[1]} ms)`);
  assert.ok(gaps[2]! >= 390, `then 0.4 s (${gaps[2]} ms)`);
});

test('readiness over TCP and HTTP: the job is starting until ready, then running, with ready events', async () => {
  const m = await startManager();
  const [tcpPort, httpPort] = [await freePort(), await freePort()];
  const tcpReady = nextEvent(m.events, 'job.default.tcp.ready');
  m.load({ name: 'tcp', cmd: fixtureCmd('service.js'), env: { PORT: String(tcpPort), DELAY_MS: '300' }, ready: `tcp:${tcpPort}` });
  assert.equal(m.info('tcp').state, 'starting');
  const procReady = nextEvent(m.events, `proc.${m.pids('tcp')[0]}.ready`);
  await Promise.all([tcpReady, procReady]);
  assert.equal(m.info('tcp').state, 'running');
  assert.equal(m.processInfo(m.pids('tcp')[0]!).ready, true);
  const httpReady = nextEvent(m.events, 'job.default.web.ready');
  m.load({ name: 'web', cmd: fixtureCmd('service.js'), env: { PORT: String(httpPort), DELAY_MS: '200' }, ready: `http://127.0.0.1:${httpPort}/health`, numprocesses: 1 });
  await httpReady;
  assert.equal(m.info('web').state, 'running');
});

test('readiness from a line of output, and from a command', async () => {
  const m = await startManager();
  const port = await freePort();
  const lineReady = nextEvent(m.events, 'job.default.liner.ready');
  // No redirect_output: the output is captured for the pattern only.
  m.load({ name: 'liner', cmd: fixtureCmd('service.js'), env: { PORT: String(port), DELAY_MS: '100' }, ready: 'line:^serving on \\d+' });
  await lineReady;
  const cmdReady = nextEvent(m.events, 'job.default.cmd.ready');
  m.load({ name: 'cmd', cmd: fixtureCmd('sleeper.js'), ready: `cmd:test -n "$HOME"` });
  await cmdReady;
});

test('ready_timeout and failing health checks restart the process (event unhealthy)', async () => {
  const m = await startManager();
  const unready = nextEvent(m.events, 'unhealthy', (e) => e.name === 'default.never');
  m.load({ name: 'never', cmd: fixtureCmd('sleeper.js'), ready: `tcp:${await freePort()}`, ready_timeout: 0.3 });
  const first = m.pids('never')[0];
  const e = await unready;
  assert.equal(e.reason, 'ready_timeout');
  assert.equal(e.pid, first);
  const replaced = await nextEvent(m.events, 'job.default.never.spawn');
  assert.notEqual(replaced.pid, first);
  await m.stopJob('never');

  const dir = mkdtempSync(join(tmpdir(), 'gaffer-health-'));
  const sick = join(dir, 'sick');
  const port = await freePort();
  const ready = nextEvent(m.events, 'job.default.svc.ready');
  m.load({ name: 'svc', cmd: fixtureCmd('service.js'), env: { PORT: String(port), SICK_FILE: sick }, ready: `tcp:${port}`,
    health: `http://127.0.0.1:${port}/health`, health_interval: 0.05, health_failures: 2 });
  await ready;
  const pid = m.pids('svc')[0];
  const unhealthy = nextEvent(m.events, 'unhealthy', (ev) => ev.name === 'default.svc');
  writeFileSync(sick, 'yes');
  const ev = await unhealthy;
  assert.equal(ev.reason, 'unhealthy');
  assert.equal(ev.pid, pid);
  rmSync(sick);
  await nextEvent(m.events, 'job.default.svc.spawn');
  assert.notEqual(m.pids('svc')[0], pid);
  rmSync(dir, { recursive: true, force: true });
});

test('depends_on: a chain starts in order once each dependency is ready; a cycle is rejected', async () => {
  const m = await startManager();
  const [dbPort, cachePort] = [await freePort(), await freePort()];
  const order: string[] = [];
  m.events.subscribe('spawn', (_t, p) => order.push(String(p.name)));
  const webUp = nextEvent(m.events, 'job.app.web.spawn');
  m.load({ name: 'app.web', cmd: fixtureCmd('sleeper.js'), depends_on: 'cache' });
  m.load({ name: 'app.cache', cmd: fixtureCmd('service.js'), env: { PORT: String(cachePort), DELAY_MS: '100' }, ready: `tcp:${cachePort}`, depends_on: ['db'] });
  m.load({ name: 'app.db', cmd: fixtureCmd('service.js'), env: { PORT: String(dbPort), DELAY_MS: '200' }, ready: `tcp:${dbPort}` });
  assert.equal(m.info('app.web').state, 'waiting');
  assert.equal(m.info('app.cache').state, 'waiting');
  await webUp;
  assert.deepEqual(order, ['app.db', 'app.cache', 'app.web']);
  assert.throws(() => m.load({ name: 'app.loop', cmd: 'true', depends_on: 'loop2' }) && m.load({ name: 'app.loop2', cmd: 'true', depends_on: 'loop' }),
    (e: unknown) => e instanceof BadRequestError && e.reason === 'dependency_cycle' && /dependency cycle app\.loop -> app\.loop2 -> app\.loop/.test(e.message));
  // Shutdown stops dependents first.
  const stops = collectEvents(m.events, 'stop');
  await m.stop();
  const stopped = stops.events.map((e) => e.name).filter((n) => String(n).startsWith('app.'));
  assert.ok(stopped.indexOf('app.web') < stopped.indexOf('app.cache') && stopped.indexOf('app.cache') < stopped.indexOf('app.db'), stopped.join(', '));
});

test('max_memory restarts a process whose RSS grows over the limit', async () => {
  const m = await startManager();
  const over = nextEvent(m.events, 'max_memory', () => true, 20000);
  m.load({ name: 'hog', cmd: fixtureCmd('grow-memory.js', 20), max_memory: '150M' });
  const first = m.pids('hog')[0];
  const e = await over;
  assert.equal(e.pid, first);
  assert.match(String(e.detail), /over max_memory 157286400/);
  await nextEvent(m.events, 'job.default.hog.spawn');
  await m.stopJob('hog');
});
