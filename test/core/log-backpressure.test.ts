// Lossless log files (log_overflow = block, the default): a burst arrives whole and in order while
// other jobs keep streaming; a log nobody reads holds its child back, not gafferd, and loses nothing;
// an unexpected exit is logged with its last stderr lines (from the output history).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nextEvent } from '../helpers/events.js';
import { waitUntil } from '../helpers/http.js';
import { outputFrom, recordingLogger, startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-backpressure-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type LogReport = Record<string, { written: number; dropped: number; buffered: number }>;
const LINE = 41;

// Every line i of the file is i in 40 zero-padded digits (test/fixtures/numbered-lines.js).
function assertNumbered(path: string, lines: number): void {
  const text = readFileSync(path, 'latin1');
  assert.equal(text.length, lines * LINE, `${path}: ${text.length} bytes, expected ${lines * LINE}`);
  for (let i = 0; i < lines; i++) {
    const line = text.slice(i * LINE, (i + 1) * LINE);
    if (line !== `${String(i).padStart(40, '0')}\n`) assert.fail(`${path}: line ${i} is ${JSON.stringify(line)}`);
  }
}

test('a 50 MB burst reaches its log file complete and in order while a second job keeps streaming', async () => {
  const m = await startManager();
  const ready = outputFrom(m, /ready/);
  m.load({ name: 'chat', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['out'] });
  await ready;
  const chat = m.pids('chat')[0]!;
  const log = join(dir, 'burst.log');
  const lines = Math.floor(50_000_000 / LINE);
  const exit = nextEvent(m.events, 'job.default.burst.exit');
  let burstDone = false;
  void exit.then(() => { burstDone = true; });
  m.load({ name: 'burst', cmd: fixtureCmd('numbered-lines.js', String(lines * LINE)), stdout_logfile: log, restart: 'never' });
  // Round trips through the other job while the burst runs: gafferd keeps serving it.
  let roundTrips = 0;
  let duringBurst = 0;
  while (!burstDone) {
    const echoed = outputFrom(m, new RegExp(`^ping ${roundTrips}\\n`));
    await m.send(chat, `ping ${roundTrips}\n`);
    await Promise.race([echoed, exit]);
    roundTrips += 1;
    if (!burstDone) duringBurst += 1;
  }
  await exit;
  const report = (m.info('burst') as { logs: LogReport }).logs[log]!;
  assert.equal(report.dropped, 0, JSON.stringify(report));
  await m.unload('burst');
  assert.ok(duringBurst >= 1, `the other job answered while the burst ran (${duringBurst} round trips)`);
  assertNumbered(log, lines);
});

test('log_overflow = block (default): an unread FIFO holds its child back, never gafferd; a reader then gets every byte', async () => {
  const m = await startManager();
  const fifo = join(dir, 'held.fifo');
  execFileSync('mkfifo', [fifo]);
  const lines = 100_000; // 4.1 MB: more than the kernel pipes and the 1 MiB queue hold
  const exit = nextEvent(m.events, 'job.default.held.exit', () => true, 60_000);
  let exited = false;
  void exit.then(() => { exited = true; });
  m.load({ name: 'held', cmd: fixtureCmd('numbered-lines.js', String(lines * LINE)), stdout_logfile: fifo, restart: 'never' });
  const report = (): { written: number; dropped: number; buffered: number } =>
    (m.info('held') as { logs: LogReport }).logs[fifo] ?? { written: 0, dropped: 0, buffered: 0 };
  // The queue fills up to its bound and stays there: the child is held, nothing is dropped.
  await waitUntil(() => report().buffered >= 1024 * 1024, 'the log queue is full', 20_000);
  const ready = outputFrom(m, /ready/);
  m.load({ name: 'other', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['out'] });
  await ready;
  const pong = outputFrom(m, /^pong\n/);
  await m.send(m.pids('other')[0]!, 'pong\n');
  await pong;
  assert.equal(exited, false, 'the child is held while nobody reads');
  assert.equal(report().dropped, 0);
  assert.ok(report().buffered < 1024 * 1024 + 128 * 1024, `memory stays bounded: ${report().buffered} bytes queued`);

  // A reader comes: everything arrives, in order, and the child finishes.
  const out = join(dir, 'held.copy');
  const reader = spawn('sh', ['-c', `head -c ${lines * LINE} "${fifo}" > "${out}"`], { stdio: 'ignore' });
  after(() => { reader.kill('SIGKILL'); });
  const readerDone = new Promise((resolve) => reader.once('exit', resolve));
  await exit;
  await readerDone;
  assert.equal(report().dropped, 0);
  assert.equal(statSync(out).size, lines * LINE);
  assertNumbered(out, lines);
});

test('an unexpected exit is logged once with the job, pids, status and the last stderr lines', async () => {
  const logger = recordingLogger();
  const m = await startManager({ logger });
  const exit = nextEvent(m.events, 'job.default.dying.exit');
  const script = "process.stderr.write('first\\nsecond\\nthird\\n'); process.stdout.write('not stderr\\n'); process.exit(3)";
  m.load({ name: 'dying', cmd: process.execPath, args: ['-e', script], restart: 'never' });
  const { pid, os_pid: osPid } = await exit;
  const line = logger.lines.find((l) => l.includes(`job 'default.dying': process ${String(pid)}`));
  assert.equal(line, `info job 'default.dying': process ${String(pid)} (os pid ${String(osPid)}) ended (exit status 3) and is not restarted ` +
    '(restart = never); last stderr: "first" | "second" | "third"');
  // The history still holds what the process wrote after it is gone.
  assert.deepEqual(m.getJob('dying').history?.tail({ lines: 2 }).entries.map((e) => [e.stream, e.line]), [['stderr', 'third'], ['stdout', 'not stderr']]);
});

test('a detach job has no output pipe to gafferd unless it asks for a history, so it outlives gafferd even when it writes', async (t) => {
  const m = await startManager();
  const detached = m.load({ name: 'bg', cmd: fixtureCmd('sleeper.js'), detach: true }).kept[0]!;
  const kept = m.load({ name: 'bg-history', cmd: fixtureCmd('sleeper.js'), detach: true, output_history: 100 }).kept[0]!;
  const attached = m.load({ name: 'fg', cmd: fixtureCmd('sleeper.js') }).kept[0]!;
  // Detached processes are left by a stop: end them with the test.
  t.after(() => { for (const p of [detached, kept]) try { process.kill(-p.osPid, 'SIGKILL'); } catch { /* gone */ } });
  const stdout = (osPid: number): string => execFileSync('readlink', [`/proc/${osPid}/fd/1`], { encoding: 'utf8' }).trim();
  assert.equal(stdout(detached.osPid), '/dev/null');
  assert.equal(m.getJob('bg').history, undefined);
  assert.match(stdout(kept.osPid), /^(pipe|socket):/, 'an explicit output_history keeps the pipe');
  assert.match(stdout(attached.osPid), /^(pipe|socket):/);
});
