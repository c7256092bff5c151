import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { DROP_REPORT_INTERVAL_MS, LogFile, type DropReport } from '../../src/core/log-file.js';
import { expandLogPath } from '../../src/core/log-file-target.js';
import { useTempDir } from '../config/temp-dir.js';
import { waitUntil } from '../helpers/http.js';
import { recordingLogger } from '../helpers/manager.js';

const tmp = await useTempDir('gaffer-log-file-');

// Every LogFile a test opens is closed at the end, even when an assertion failed.
const opened: LogFile[] = [];
after(() => Promise.all(opened.map((f) => f.close())));
function logFile(options: ConstructorParameters<typeof LogFile>[0]): LogFile {
  const file = new LogFile(options);
  opened.push(file);
  return file;
}

function chunk(letter: string, length: number): Buffer {
  return Buffer.alloc(length, letter);
}

test('rotation at the size limit keeps N backups, newest first, rotating between whole chunks', async () => {
  const path = tmp.join('rotate', 'app.log');
  const file = logFile({ path, maxBytes: 100, backups: 3 });
  // 40-byte chunks: two fit in 100 bytes, the third rotates. A..I gives [AB] [CD] [EF] [GH] [I].
  for (const letter of 'ABCDEFGHI') file.write(chunk(letter, 40));
  await file.flush();
  assert.equal(await readFile(path, 'utf8'), 'I'.repeat(40));
  assert.equal(await readFile(`${path}.1`, 'utf8'), 'G'.repeat(40) + 'H'.repeat(40));
  assert.equal(await readFile(`${path}.2`, 'utf8'), 'E'.repeat(40) + 'F'.repeat(40));
  assert.equal(await readFile(`${path}.3`, 'utf8'), 'C'.repeat(40) + 'D'.repeat(40));
  assert.deepEqual((await readdir(tmp.join('rotate'))).sort(), ['app.log', 'app.log.1', 'app.log.2', 'app.log.3'], 'the oldest (AB) was deleted');

  // A chunk larger than maxBytes is written whole to a fresh file; the next chunk rotates again.
  file.write(chunk('J', 150));
  file.write(chunk('K', 10));
  await file.close();
  assert.equal(await readFile(`${path}.2`, 'utf8'), 'I'.repeat(40));
  assert.equal(await readFile(`${path}.1`, 'utf8'), 'J'.repeat(150));
  assert.equal(await readFile(path, 'utf8'), 'K'.repeat(10));
  assert.equal(file.written, 9 * 40 + 160);
  assert.equal(file.dropped, 0);
});

test('an existing file is appended to and its size counts toward rotation; backups 0 truncates', async () => {
  const path = tmp.join('append', 'app.log');
  let file = logFile({ path, maxBytes: 50 });
  file.write(chunk('a', 30));
  await file.close();
  file = logFile({ path, maxBytes: 50 });
  file.write(chunk('b', 10));
  file.write(chunk('c', 20));
  await file.close();
  assert.equal(await readFile(`${path}.1`, 'utf8'), 'a'.repeat(30) + 'b'.repeat(10));
  assert.equal(await readFile(path, 'utf8'), 'c'.repeat(20));

  const single = tmp.join('append', 'single.log');
  file = logFile({ path: single, maxBytes: 50, backups: 0 });
  for (const letter of 'xyz') file.write(chunk(letter, 30));
  await file.close();
  assert.equal(await readFile(single, 'utf8'), 'z'.repeat(30));
  assert.deepEqual((await readdir(tmp.join('append'))).filter((n) => n.startsWith('single')), ['single.log']);
});

test('reopen after an external mv writes to a new file at the path', async () => {
  const path = tmp.join('logrotate', 'web.log');
  const file = logFile({ path });
  file.write(Buffer.from('one\n'));
  await file.flush();
  await rename(path, `${path}.old`);
  file.write(Buffer.from('two\n'));
  await file.reopen();
  file.write(Buffer.from('three\n'));
  await file.close();
  assert.equal(await readFile(`${path}.old`, 'utf8'), 'one\ntwo\n', 'what was queued before reopen() went to the old file');
  assert.equal(await readFile(path, 'utf8'), 'three\n');
});

test('close flushes everything queued, is idempotent, and later writes are dropped and counted', async () => {
  const path = tmp.join('close.log');
  const file = logFile({ path, maxBuffered: 64 * 1024 * 1024 });
  const total = 8 * 1024 * 1024;
  for (let i = 0; i < total / 4096; i++) file.write(chunk(String.fromCharCode(97 + (i % 26)), 4096));
  const first = file.close();
  assert.equal(file.close(), first, 'close() is memoised');
  await first;
  assert.equal((await stat(path)).size, total);
  assert.equal(file.written, total);
  file.write(Buffer.from('late'));
  assert.equal(file.dropped, 4);
  await file.reopen();
  await file.flush();
});

test('a missing directory is created', async () => {
  const path = tmp.join('missing', 'deeper', 'still', 'out.log');
  const file = logFile({ path });
  file.write(Buffer.from('hello\n'));
  await file.close();
  assert.equal(await readFile(path, 'utf8'), 'hello\n');
});

test('an open error is logged once with the path and reason, output is dropped and counted, reopen() retries', async () => {
  const path = tmp.join('is-a-directory');
  await mkdir(path);
  const logger = recordingLogger();
  const reports: DropReport[] = [];
  const file = logFile({ path, logger, onDrop: (r) => reports.push(r) });
  file.write(Buffer.from('first\n'));
  await file.flush();
  file.write(Buffer.from('second\n'));
  file.write(Buffer.from('third\n'));
  await file.flush();
  assert.equal(file.dropped, 6 + 7 + 6);
  const errors = logger.lines.filter((l) => l.startsWith('error'));
  assert.deepEqual(errors, [`error log file '${path}' cannot be opened: illegal operation on a directory (EISDIR); ` +
    'its output is dropped until the file is reopened (SIGUSR1) or the job restarts']);
  // Rate-limited: the first drop is reported at once, the rest within the interval is held back.
  assert.equal(reports.length, 1);
  assert.deepEqual(reports[0], { path, bytes: 6, total: 6, reason: 'the file cannot be opened (illegal operation on a directory (EISDIR))' });
  assert.match(logger.lines.find((l) => l.startsWith('warn'))!, /^warn log file '.*is-a-directory': dropped 6 bytes of output \(6 since it was opened\): the file cannot be opened/);

  await rm(path, { recursive: true });
  await file.reopen();
  file.write(Buffer.from('fourth\n'));
  await file.close();
  assert.equal(await readFile(path, 'utf8'), 'fourth\n');
  assert.equal(reports.length, 2, 'close() reports what was held back');
  assert.equal(reports[1]!.bytes, 13);
  assert.equal(reports[1]!.total, 19);
  assert.ok(DROP_REPORT_INTERVAL_MS >= 10_000);
});

test('EACCES is reported with the path and reason (checked as user nobody when running as root)', async () => {
  const dir = tmp.join('private');
  await mkdir(dir);
  await chmod(dir, 0o700);
  const path = `${dir}/app.log`;
  if (process.getuid?.() !== 0) {
    const logger = recordingLogger();
    const file = logFile({ path: `${dir}/sub/app.log`, logger });
    await chmod(dir, 0o500);
    file.write(Buffer.from('x'));
    await file.close();
    assert.equal(file.dropped, 1);
    assert.match(logger.lines.join('\n'), /cannot be opened: permission denied \(EACCES\)/);
    return;
  }
  // root opens anything: open the file as the unprivileged user nobody, in a child process.
  await chmod(tmp.path, 0o755);
  const module = new URL('../../src/core/log-file.js', import.meta.url).href;
  const script = `import { LogFile } from ${JSON.stringify(module)};
    const lines = [];
    const logger = { debug() {}, info() {}, warn: (m) => lines.push('warn ' + m), error: (m) => lines.push('error ' + m) };
    const file = new LogFile({ path: ${JSON.stringify(path)}, logger });
    file.write(Buffer.from('hello'));
    await file.close();
    console.log(JSON.stringify({ lines, dropped: file.dropped, written: file.written }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, cwd: '/' });
  const result = JSON.parse(stdout) as { lines: string[]; dropped: number; written: number };
  assert.deepEqual(result, {
    lines: [
      `error log file '${path}' cannot be opened: permission denied (EACCES); its output is dropped until the file is reopened (SIGUSR1) or the job restarts`,
      `warn log file '${path}': dropped 5 bytes of output (5 since it was opened): the file cannot be opened (permission denied (EACCES))`,
    ],
    dropped: 5,
    written: 0,
  });
});

test('bounded memory: pushing far more than the disk takes drops output and keeps RSS bounded', async (t) => {
  const path = tmp.join('flood.log');
  const maxBuffered = 256 * 1024;
  const file = logFile({ path, maxBuffered, overflow: 'drop' });
  const total = 300 * 1024 * 1024;
  const size = 64 * 1024;
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let peakBuffered = 0;
  for (let i = 0; i < total / size; i++) {
    file.write(Buffer.allocUnsafe(size).fill(i % 256));
    peakBuffered = Math.max(peakBuffered, file.buffered);
    if (i % 256 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    // Yield now and then so the writer makes progress too (output arrives in bursts, not all at once).
    if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await file.close();
  const growth = (peakRss - rssBefore) / 1024 / 1024;
  t.diagnostic(`pushed ${total / 1024 / 1024} MiB in bursts: ${(file.dropped / 1024 / 1024).toFixed(0)} MiB dropped, ${(file.written / 1024 / 1024).toFixed(0)} MiB written, RSS growth ${growth.toFixed(0)} MiB`);
  assert.ok(file.dropped > 0 && file.written > 0);
  assert.ok(peakBuffered <= maxBuffered, `at most maxBuffered queued (saw ${peakBuffered})`);
  assert.equal(file.written + file.dropped, total, 'every byte is either written or counted as dropped');
  assert.equal((await stat(path)).size, file.written);
  assert.ok(growth < 200, `RSS grew by ${growth.toFixed(0)} MiB`);
});

test('FIFOs nobody reads block neither the event loop nor other log files, and count what they drop', async () => {
  // More FIFOs than libuv threadpool threads (4): a blocking open or write on each would freeze all fs I/O.
  const fifos = [1, 2, 3, 4, 5].map((n) => tmp.join(`fifo-${n}`));
  execFileSync('mkfifo', fifos);
  const logger = recordingLogger();
  const pipes = fifos.map((path) => logFile({ path, maxBuffered: 256 * 1024, overflow: 'drop', logger }));
  const regular = logFile({ path: tmp.join('beside-fifos.log') });
  // Wait until each FIFO is open (it took a first piece): before that, what a log file says when
  // it drops cannot know it is a pipe, and on busy cores the open can take longer than a burst.
  const first = Buffer.from('open?\n');
  for (const pipe of pipes) pipe.write(first);
  await waitUntil(() => pipes.every((p) => p.written > 0), 'every FIFO is open');
  let ticks = 0;
  const timer = setInterval(() => { ticks += 1; }, 5);
  try {
    const started = performance.now();
    const piece = Buffer.alloc(64 * 1024, 'f');
    for (let pushed = 0; pushed < 10 * 1024 * 1024; pushed += piece.length) {
      for (const pipe of pipes) pipe.write(piece);
      regular.write(Buffer.from(`line ${pushed}\n`));
      // Let timers and I/O run between bursts, as process output would.
      if (pushed % (1024 * 1024) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await regular.flush();
    const regularDoneMs = performance.now() - started;
    // A blocked event loop would not fire the 5 ms timer at all; on busy cores it fires late, so
    // wait (bounded) for a few ticks rather than count them in a fixed 100 ms.
    const ticksBefore = ticks;
    await waitUntil(() => ticks > ticksBefore + 5, 'the timer keeps firing (more than 5 ticks)', 2000);
    assert.ok(regularDoneMs < 5000, `the regular file completed its writes (${regularDoneMs.toFixed(0)} ms)`);
    assert.equal((await readFile(tmp.join('beside-fifos.log'), 'utf8')).split('\n').length - 1, 160);
    for (const pipe of pipes) {
      // The kernel pipe buffer (64 KiB) plus at most maxBuffered is kept; the rest is dropped.
      assert.ok(pipe.dropped >= 10 * 1024 * 1024 - 2 * 1024 * 1024, `dropped ${pipe.dropped}`);
      assert.ok(pipe.written > 0 && pipe.written <= 1024 * 1024, `written ${pipe.written}`);
    }
    const before = pipes[0]!.dropped;
    pipes[0]!.write(piece);
    assert.ok(pipes[0]!.dropped > before, 'the dropped count keeps growing');
    assert.ok(logger.lines.some((l) => /^warn log file '.*fifo-1': dropped \d+ bytes of output .*is anyone reading it\?/.test(l)), logger.lines.join('\n'));
    const closing = performance.now();
    await Promise.all(pipes.map((p) => p.close()));
    assert.ok(performance.now() - closing < 2000, 'close() of an unread FIFO does not wait for a reader');
  } finally {
    clearInterval(timer);
  }
});

test('a FIFO with a reader receives every byte, in order', async () => {
  const path = tmp.join('fifo-read');
  execFileSync('mkfifo', [path]);
  const reader = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
  after(() => { reader.kill('SIGKILL'); });
  const received: Buffer[] = [];
  reader.stdout.on('data', (data: Buffer) => received.push(data));
  const ended = new Promise((resolve) => reader.stdout.on('end', resolve));
  const file = logFile({ path, maxBuffered: 8 * 1024 * 1024 });
  const total = 4 * 1024 * 1024;
  const expected = Buffer.alloc(total);
  for (let i = 0; i < total; i += 1000) {
    const piece = Buffer.from(`${String(i).padStart(9, '0')}${'.'.repeat(990)}\n`).subarray(0, Math.min(1000, total - i));
    piece.copy(expected, i);
    file.write(piece);
  }
  // close() waits for a reader that keeps taking data: nothing is dropped.
  await file.close();
  await ended;
  assert.equal(file.dropped, 0);
  assert.equal(file.written, total);
  assert.ok(Buffer.concat(received).equals(expected));
});

test('a character device is written without rotation', async () => {
  const file = logFile({ path: '/dev/null', maxBytes: 10 });
  for (let i = 0; i < 10; i++) file.write(chunk('n', 100));
  await file.close();
  assert.equal(file.written, 1000);
  assert.equal(file.dropped, 0);
});

test('expandLogPath replaces {name}, {session} and {pid} and leaves other placeholders', () => {
  assert.equal(expandLogPath('/var/log/gaffer/{session}.{name}.{pid}.log', { name: 'web', session: 'default', pid: 3 }),
    '/var/log/gaffer/default.web.3.log');
  assert.equal(expandLogPath('{name}-{name}-{host}-{}', { name: 'w', session: 's', pid: '7' }), 'w-w-{host}-{}');
});
