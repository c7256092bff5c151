import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { Manager } from '../../src/core/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { collectEvents, isAlive, nextEvent, nthEvent } from '../helpers/events.js';
import { outputFrom, recordingLogger, startManager } from '../helpers/manager.js';

test('flapping: stops and retries, gives up after max_retry with a flap event', async () => {
  const m = await startManager();
  const flaps = nthEvent(m.events, 'flap', 3, () => true, 20000);
  const events = collectEvents(m.events);
  // 2 exits within 1 s flap; retry after 0.2 s; at most 2 retries.
  m.load({ name: 'crashy', cmd: fixtureCmd('crash-after.js', 0, 3), flapping: '2, 1., 0.2, 2' });
  await flaps;
  const job = m.getJob('crashy');
  assert.equal(job.stopped, true, 'the job stays stopped after giving up');
  assert.deepEqual(m.pids('crashy'), []);
  const types = events.events.map((e) => e.event);
  assert.equal(types.filter((t) => t === 'flap').length, 3);
  assert.equal(types.filter((t) => t === 'restart').length, 2, 'two automatic retries');
  // Start again: the detector is reset and the job runs.
  const spawned = nextEvent(m.events, 'job.default.crashy.spawn');
  m.startJob('crashy');
  await spawned;
  await m.stopJob('crashy');
});

test('a stop asked for by the user never counts toward flapping', async () => {
  const m = await startManager();
  m.load({ name: 'steady', cmd: fixtureCmd('sleeper.js'), flapping: { attempts: 2, window: 10, retry_in: 10, max_retry: 0 } });
  const events = collectEvents(m.events);
  for (let i = 0; i < 4; i++) {
    const replaced = nextEvent(m.events, 'job.default.steady.spawn');
    await m.stopProcess(m.pids('steady')[0]!);
    await replaced;
    const respawned = nthEvent(m.events, 'job.default.steady.spawn', 1);
    await m.stopall('steady');
    await respawned;
  }
  await m.stopJob('steady');
  m.startJob('steady');
  assert.equal(events.events.filter((e) => e.event === 'flap').length, 0);
  assert.equal(m.getJob('steady').stopped, false);
});

test('a missing binary is reported and retried with a growing backoff, never a tight loop', async () => {
  const logger = recordingLogger();
  const m = await startManager({ logger });
  const errors = nthEvent(m.events, 'spawn_error', 5, () => true, 20000);
  const started = Date.now();
  m.load({ name: 'ghost', cmd: '/definitely/not/here --flag' });
  const seen = await errors;
  const stamps: number[] = [];
  for (const e of seen) {
    assert.equal(e.errno, 'ENOENT');
    assert.match(String(e.error), /job 'default.ghost': process \d+ could not be spawned .*check that '\/definitely\/not\/here' exists/);
    stamps.push(Date.now());
  }
  // 5 attempts take at least 0.1 + 0.2 + 0.4 + 0.8 s of backoff.
  assert.ok(Date.now() - started >= 1400, `5 attempts took only ${Date.now() - started} ms`);
  assert.ok(logger.lines.some((l) => l.startsWith('error ') && l.includes('ENOENT')));
  await m.stopJob('ghost');
});

test('a child that ignores SIGTERM is SIGKILLed after graceful_timeout', async () => {
  const m = await startManager();
  const ready = outputFrom(m, /ready/);
  m.load({ name: 'stubborn', cmd: fixtureCmd('ignore-sigterm.js'), graceful_timeout: 0.3, redirect_output: ['out'] });
  await ready;
  const osPid = m.getProcess(m.pids('stubborn')[0]!).osPid;
  const exit = nextEvent(m.events, 'exit');
  const t0 = Date.now();
  await m.stopJob('stubborn');
  const e = await exit;
  assert.equal(e.term_signal, 9);
  assert.ok(Date.now() - t0 >= 250, 'SIGKILL came after the graceful timeout');
  assert.ok(!isAlive(osPid));
});

test('stopping a shell pipeline or a process with a grandchild leaves nothing alive', async () => {
  const m = await startManager();
  const grand = new Promise<number>((resolve) => {
    const off = m.onOutput((chunk) => {
      const match = /grandchild (\d+)/.exec(chunk.data.toString());
      if (match) { off(); resolve(Number(match[1])); }
    });
  });
  m.load({ name: 'parent', cmd: fixtureCmd('spawn-grandchild.js'), redirect_output: ['out'] });
  m.load({ name: 'pipe', cmd: 'sleep 1000 | sleep 1001 | cat', shell: true });
  const grandchild = await grand;
  const pgid = m.getProcess(m.pids('pipe')[0]!).osPid;
  const members = (): number[] => groupMembers(pgid);
  // The shell forks the pipeline members after it starts: wait until all three exist.
  for (let i = 0; i < 500 && members().length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(members().length, 4, 'sh and the three pipeline members run in their own process group');
  assert.ok(isAlive(grandchild));
  await Promise.all([m.stopJob('parent'), m.stopJob('pipe')]);
  assert.ok(!isAlive(grandchild), 'the grandchild was stopped with its parent');
  assert.deepEqual(members(), [], 'no member of the pipeline is left');
});

test('Manager.stop stops jobs in reverse priority, waits for every child and is idempotent', async () => {
  const m = new Manager();
  await m.start();
  const order: string[] = [];
  m.events.subscribe('stop', (_t, p) => order.push(String(p.name)));
  m.load({ name: 'db', cmd: fixtureCmd('sleeper.js'), priority: 0 });
  m.load({ name: 'web', cmd: fixtureCmd('sleeper.js'), priority: 2, numprocesses: 3 });
  m.load({ name: 'cache', cmd: fixtureCmd('sleeper.js'), priority: 1 });
  m.load({ name: 'misc', cmd: fixtureCmd('sleeper.js') });
  const osPids = m.pids().map((p) => m.getProcess(p).osPid);
  const first = m.stop();
  const second = m.stop();
  assert.equal(first, second);
  await first;
  assert.deepEqual(order, ['default.misc', 'default.web', 'default.cache', 'default.db']);
  assert.ok(osPids.every((p) => !isAlive(p)));
  assert.equal(m.state, 'stopped');
  assert.throws(() => m.load({ name: 'late', cmd: 'true' }), /stopping/);
});

test('a uid that may not be used is reported as an EPERM spawn error', { skip: process.getuid?.() !== 0 ? 'needs root to run the check as an unprivileged user' : false }, async () => {
  // Run a Manager as user nobody: it may not switch to root, so the spawn fails with EPERM.
  const { spawnSync } = await import('node:child_process');
  const script = `
    import { Manager } from ${JSON.stringify(new URL('../../src/core/manager.js', import.meta.url).href)};
    const m = new Manager();
    m.events.subscribe('spawn_error', (_t, p) => { console.log(JSON.stringify(p)); m.stop().then(() => process.exit(0)); });
    m.load({ name: 'root-job', cmd: 'sleep 100', uid: 0 });
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 15000, cwd: '/' });
  assert.equal(result.status, 0, result.stderr);
  const event = JSON.parse(result.stdout.trim().split('\n')[0]!);
  assert.equal(event.errno, 'EPERM');
  assert.match(event.error, /may not switch to the configured uid\/gid/);
});

function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
    } catch { /* gone */ }
  }
  return out;
}
