// `gafferctl watch` against real gafferd processes: event lines, pattern
// filtering, --json, signals, and reconnection when gafferd restarts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';

// A job whose process exits (status 0) every 1.1 s and is respawned: a steady flow of events.
const TICKER = [process.execPath, join(FIXTURES, 'crash-after.js'), '1100', '0'];

const gafferd = await startGafferd();

async function addTicker(url: string, name: string): Promise<void> {
  const result = await runCli('gafferctl', ['--connect', url, 'add_process', '--start', name, ...TICKER]);
  assert.equal(result.code, 0, result.stderr);
}


test('watch prints "HH:MM:SS <name> | <event> <name> pid P os_pid O [status S]" for spawn and exit events until SIGINT (status 0)', async () => {
  const watch = spawnCli('gafferctl', ['--connect', gafferd.url, 'watch']);
  await addTicker(gafferd.url, 'ticker');
  await watch.waitForLine(/^\d\d:\d\d:\d\d ticker \| spawn ticker pid \d+ os_pid \d+$/);
  await watch.waitForLine(/^\d\d:\d\d:\d\d ticker \| proc\.ticker\.spawn ticker pid \d+ os_pid \d+$/);
  await watch.waitForLine(/^\d\d:\d\d:\d\d ticker \| exit ticker pid \d+ os_pid \d+ status \d+$/);
  await watch.waitForLine(/^\d\d:\d\d:\d\d ticker \| proc\.ticker\.exit ticker pid \d+ os_pid \d+ status \d+$/);
  watch.kill('SIGINT');
  const result = await watch.done;
  assert.equal(result.code, 0);
  assert.equal(result.stderr, '');
  // The global event comes before its proc.<name>.* companion.
  const spawnAt = result.lines.findIndex((l) => l.includes('| spawn ticker '));
  const details = result.lines[spawnAt]!.slice(result.lines[spawnAt]!.indexOf(' pid '));
  assert.ok(result.lines[spawnAt + 1]!.endsWith(`| proc.ticker.spawn ticker${details}`), result.stdout);
});

test('watch <pattern> keeps only matching events; SIGTERM and SIGHUP also end it with status 0', async () => {
  const filtered = spawnCli('gafferctl', ['--connect', gafferd.url, 'watch', 'proc.ticker.spawn']);
  const json = spawnCli('gafferctl', ['watch', 'exit', '--json', '--connect', gafferd.url]);
  await filtered.waitForLine(/ticker \| proc\.ticker\.spawn ticker pid \d+ os_pid \d+$/);
  const line = await json.waitForLine(/^\{/);
  const event = JSON.parse(line) as Record<string, unknown>;
  assert.equal(event.event, 'exit');
  assert.equal(event.name, 'ticker');
  assert.equal(typeof event.os_pid, 'number');
  // After the next exit/spawn cycle, still nothing but proc.ticker.spawn lines.
  await json.waitForLine(/"event":"exit"/);
  filtered.kill('SIGTERM');
  json.kill('SIGHUP');
  const [f, j] = await Promise.all([filtered.done, json.done]);
  assert.equal(f.code, 0);
  assert.equal(j.code, 0);
  assert.ok(f.lines.length > 0 && f.lines.every((l) => /^\d\d:\d\d:\d\d ticker \| proc\.ticker\.spawn ticker pid \d+ os_pid \d+$/.test(l)), f.stdout);
  assert.ok(j.lines.every((l) => (JSON.parse(l) as { event: string }).event === 'exit'), j.stdout);
});

test('watch reconnects with a notice when gafferd restarts on the same address', async () => {
  const port = await freePort();
  const first = await startGafferd({ args: ['--bind', `127.0.0.1:${port}`] });
  const url = `http://127.0.0.1:${port}`;
  const watch = spawnCli('gafferctl', ['--connect', url, 'watch', 'spawn']);
  await addTicker(url, 'before');
  await watch.waitForLine(/ before \| spawn before pid \d+ os_pid \d+$/);
  assert.equal(await first.stop(), 0);
  await watch.waitForErrLine(new RegExp(`^gafferctl: lost the connection to gafferd at ${url} \\(.*\\); reconnecting\\.\\.\\.$`));
  const second = await startGafferd({ args: ['--bind', `127.0.0.1:${port}`] });
  await watch.waitForErrLine(`gafferctl: reconnected to gafferd at ${url}`);
  await addTicker(url, 'after');
  await watch.waitForLine(/ after \| spawn after pid \d+ os_pid \d+$/);
  watch.kill('SIGINT');
  assert.equal((await watch.done).code, 0);
  await second.stop();
});

test('watch on an unreachable daemon fails at once with the one-line message', async () => {
  const port = await freePort();
  const result = await runCli('gafferctl', ['--connect', `http://127.0.0.1:${port}`, 'watch']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^gafferctl: cannot reach gafferd at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
});
