import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent } from '../helpers/events.js';
import { outputFrom, startManager } from '../helpers/manager.js';
import { ForbiddenError, NotFoundError } from '../../src/errors.js';
import { legacyJobStats } from '../../src/http/v04/legacy-views.js';

test('every byte a process writes is delivered before its exit event', async () => {
  const m = await startManager();
  const total = 20_000_000;
  let received = 0;
  let newlines = 0;
  let receivedAtExit = -1;
  m.onOutput((chunk) => {
    received += chunk.data.length;
    for (const b of chunk.data) if (b === 10) newlines += 1;
  });
  const exit = nextEvent(m.events, 'exit');
  m.events.subscribe('exit', () => { receivedAtExit = received; });
  m.load({ name: 'flood', cmd: fixtureCmd('flood.js', total), redirect_output: ['out'], numprocesses: 1 });
  const e = await exit;
  await m.stopJob('flood');
  assert.equal(e.exit_status, 0);
  assert.equal(receivedAtExit, total, 'all output arrived before the exit event');
  assert.equal(newlines, total / 100);
});

test('stdin: send writes to a process; refused without redirect_input; labels route stdout/stderr', async () => {
  const m = await startManager();
  const ready = outputFrom(m, /ready/);
  m.load({ name: 'echo', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['out', 'err'] });
  await ready;
  const pid = m.pids('echo')[0]!;
  const got: string[] = [];
  const both = new Promise<void>((resolve) => {
    m.monitorIo(pid, '.', (chunk) => {
      got.push(`${chunk.label}:${chunk.data.toString().trim()}`);
      if (got.length === 2) resolve();
    });
  });
  await m.send(pid, 'ECHO\n');
  await m.send(pid, 'ERR oops\n');
  await both;
  assert.deepEqual(got.sort(), ['err:ERR oops', 'out:ECHO']);
  assert.throws(() => m.monitorIo(pid, 'nope', () => {}), (e: unknown) => e instanceof NotFoundError && e.reason === 'stream_not_found');
  m.load({ name: 'mute', cmd: fixtureCmd('sleeper.js') });
  assert.throws(() => m.send(m.pids('mute')[0]!, 'x'), (e: unknown) => e instanceof ForbiddenError && e.reason === 'forbidden_write');
});

test('custom streams are extra pipes on fd 3.. readable and writable by label', async () => {
  const m = await startManager();
  const ready = outputFrom(m, /ready/);
  m.load({ name: 'cs', cmd: fixtureCmd('custom-stream.js'), redirect_output: ['out'], custom_streams: ['ctl'] });
  await ready;
  const pid = m.pids('cs')[0]!;
  const answer = new Promise<string>((resolve) => {
    m.monitorIo(pid, 'ctl', (chunk) => resolve(`${chunk.custom}:${chunk.data.toString().trim()}`));
  });
  await m.send(pid, 'ping\n', 'ctl');
  assert.equal(await answer, 'true:got ping');
  assert.throws(() => m.send(pid, 'x', 'nope'), (e: unknown) => (e as NotFoundError).reason === 'stream_not_found');
});

test('environment precedence: OS env < job env < load env < commit env; $VAR substitution; cwd', async () => {
  process.env.GAFFER_TEST_FROM_OS = 'os';
  process.env.GAFFER_TEST_OVERRIDE = 'os';
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'gaffer-env-')));
  const m = await startManager();
  const lines: string[] = [];
  m.onOutput((chunk) => lines.push(chunk.data.toString()));
  const printed = outputFrom(m, /"args"/);
  m.load({
    name: 'env', cmd: fixtureCmd('print-env.js', '--port', '$PORT', '${MISSING}'), cwd: dir, redirect_output: ['out'],
    env: { PRINT_VARS: 'GAFFER_TEST_FROM_OS,GAFFER_TEST_OVERRIDE,PORT,LAYER', GAFFER_TEST_OVERRIDE: 'job', PORT: '8080', LAYER: 'job' },
  }, { env: { LAYER: 'load' } });
  await printed;
  const out = JSON.parse(lines.join('').trim());
  assert.deepEqual(out.args, ['--port', '8080', '${MISSING}']);
  assert.deepEqual(out.env, { GAFFER_TEST_FROM_OS: 'os', GAFFER_TEST_OVERRIDE: 'job', PORT: '8080', LAYER: 'load' });
  assert.equal(out.cwd, dir);
  lines.length = 0;
  const committed = outputFrom(m, /"args"/);
  await m.commit('env', { env: { LAYER: 'commit' } });
  await committed;
  assert.equal(JSON.parse(lines.join('').trim()).env.LAYER, 'commit');
  lines.length = 0;
  const noOs = outputFrom(m, /"args"/);
  m.load({ name: 'bare', cmd: fixtureCmd('print-env.js'), os_env: false, redirect_output: ['out'], env: { PRINT_VARS: 'GAFFER_TEST_FROM_OS' } });
  await noOs;
  assert.deepEqual(JSON.parse(lines.join('').trim()).env, { GAFFER_TEST_FROM_OS: null });
});

test('job and process stats: shapes, sums, N/A for a job without processes; monitor samples while subscribed', async () => {
  const m = await startManager();
  m.load({ name: 'st', cmd: fixtureCmd('sleeper.js'), numprocesses: 2 });
  const stats = await m.stats('st');
  assert.equal(stats.name, 'default.st');
  assert.equal(stats.stats.length, 2);
  for (const s of stats.stats) {
    assert.match(s.mem_info1, /^\d+[BKMG]$/);
    assert.match(s.ctime, /^\d+:\d\d\.\d\d$/);
    assert.equal(typeof s.pid, 'number');
    assert.equal(typeof s.os_pid, 'number');
  }
  assert.equal(typeof stats.mem, 'number');
  const legacy = await legacyJobStats(m.getJob('st'));
  assert.equal(legacy.stats[0]!.pid, m.getProcess(m.pids('st')[0]!).osPid, '0.4 stats carry the OS pid');
  assert.equal(legacy.stats[0]!.cmdline, 'node');
  assert.equal(legacy.stats[0]!.id, m.pids('st')[0]);
  m.load({ name: 'none', cmd: 'true', numprocesses: 0 });
  const empty = await m.stats('none');
  assert.deepEqual([empty.cpu, empty.mem, empty.max_cpu], ['N/A', 'N/A', 'N/A']);
  const samples: number[] = [];
  const enough = new Promise<void>((resolve) => {
    const stop = m.monitor('st', (e) => {
      samples.push((e as { pid: number }).pid);
      if (samples.length >= 4) { stop(); resolve(); }
    });
  });
  await enough;
  assert.ok(samples.every((p) => m.pids('st').includes(p)));
});
