// Job log files through the Manager: combined and separate files, {pid} templates,
// rotation, reopen, and a stalled log (a FIFO nobody reads) that blocks nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nextEvent } from '../helpers/events.js';
import { outputFrom, startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-joblogs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function waitForFile(path: string, predicate: (text: string) => boolean): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (predicate(text)) return text;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${path} never matched; it holds: ${existsSync(path) ? readFileSync(path, 'utf8').slice(0, 500) : '(missing)'}`);
}

test('stdout_logfile alone gets both streams; stderr_logfile separates them; {pid} gives one file per process', async () => {
  const m = await startManager();
  const combined = join(dir, 'combined-{name}.log');
  const ready = outputFrom(m, /ready/);
  m.load({ name: 'echo', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['out', 'err'], stdout_logfile: combined });
  await ready;
  const pid = m.pids('echo')[0]!;
  await m.send(pid, 'hello\nERR oops\n');
  await waitForFile(join(dir, 'combined-echo.log'), (t) => t.includes('hello') && t.includes('ERR oops'));

  m.load({ name: 'split', cmd: fixtureCmd('echo.js'), redirect_input: true, stdout_logfile: join(dir, 'split.out'), stderr_logfile: join(dir, 'split.err') });
  await waitForFile(join(dir, 'split.out'), (t) => t.includes('ready'));
  await m.send(m.pids('split')[0]!, 'visible\nERR hidden\n');
  await waitForFile(join(dir, 'split.out'), (t) => t.includes('visible'));
  const err = await waitForFile(join(dir, 'split.err'), (t) => t.includes('ERR hidden'));
  assert.ok(!err.includes('visible'));
  assert.ok(!readFileSync(join(dir, 'split.out'), 'utf8').includes('ERR hidden'));

  m.load({ name: 'many', cmd: fixtureCmd('sleeper.js'), numprocesses: 2, stdout_logfile: join(dir, '{session}-{name}-{pid}.log') });
  const pids = m.pids('many');
  for (const p of pids) await waitForFile(join(dir, `default-many-${p}.log`), (t) => t.startsWith('alive'));
  const info = m.info('many') as { logs: Record<string, { written: number; dropped: number }> };
  assert.deepEqual(Object.keys(info.logs).sort(), pids.map((p) => join(dir, `default-many-${p}.log`)).sort());
});

test('log files rotate at logfile_maxbytes keeping logfile_backups files, and reopen after an external move', async () => {
  const m = await startManager();
  const log = join(dir, 'rot', 'flood.log');
  const exit = nextEvent(m.events, 'exit');
  m.load({ name: 'flood', cmd: fixtureCmd('flood.js', 1_000_000), numprocesses: 0, stdout_logfile: log, logfile_maxbytes: 200_000, logfile_backups: 2 });
  await m.commit('flood');
  await exit;
  await m.unload('flood');
  const files = readdirSync(join(dir, 'rot')).sort();
  assert.deepEqual(files, ['flood.log', 'flood.log.1', 'flood.log.2']);
  for (const f of files) assert.ok(readFileSync(join(dir, 'rot', f)).length <= 200_000, f);

  const moved = join(dir, 'moved.log');
  const live = join(dir, 'live.log');
  // No redirect_output: the output reaches the log file only.
  m.load({ name: 'talk', cmd: fixtureCmd('echo.js'), redirect_input: true, stdout_logfile: live });
  await waitForFile(live, (t) => t.includes('ready'));
  renameSync(live, moved);
  await m.reopenLogs();
  await m.send(m.pids('talk')[0]!, 'after rotation\n');
  await waitForFile(live, (t) => t.includes('after rotation'));
  assert.ok(!readFileSync(moved, 'utf8').includes('after rotation'));
});

test('log_overflow = drop: a stalled log (a FIFO nobody reads) never blocks the child, the Manager or other jobs; drops are counted', async () => {
  const m = await startManager();
  const fifo = join(dir, 'stalled.fifo');
  execFileSync('mkfifo', [fifo]);
  const exit = nextEvent(m.events, 'job.default.stuck.exit');
  m.load({ name: 'stuck', cmd: fixtureCmd('flood.js', 20_000_000), stdout_logfile: fifo, log_overflow: 'drop', restart: 'never' });
  const other = join(dir, 'other.log');
  const ready = outputFrom(m, /ready/);
  m.load({ name: 'other', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['out'], stdout_logfile: other });
  await ready;
  await m.send(m.pids('other')[0]!, 'still flowing\n');
  await waitForFile(other, (t) => t.includes('still flowing'));
  await exit;
  const info = m.info('stuck') as { logs?: Record<string, { written: number; dropped: number }> };
  const report = info.logs?.[fifo];
  assert.ok(report && report.dropped > 0, `dropped bytes are counted: ${JSON.stringify(info.logs)}`);
});
