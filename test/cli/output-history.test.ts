// The output history with no configuration, through a real gafferd: the last lines of a process that
// already crashed (no log file) over HTTP, `gaffer logs` and `gafferctl tail`, following new lines,
// and the log line of the crash.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { errorBody, openStream, request } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-history-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const gafferd = await startGafferd({
  config: `[process:app:crash]
cmd = ${fixtureCmd('last-words.js', 8, 2)}
restart = never

[process:app:chatty]
cmd = ${fixtureCmd('echo.js')}
redirect_input = true
output_history = 100 64K

[process:app:quiet]
cmd = ${fixtureCmd('sleeper.js')}
output_history = off
`,
});

const gaffer = (args: string[]): Promise<CliResult> => runCli('gaffer', ['-g', gafferd.url, ...args], { cwd: dir });
const ctl = (args: string[]): Promise<CliResult> => runCli('gafferctl', ['--connect', gafferd.url, ...args], { cwd: dir });

// The crash is logged once its pipes are drained: from then on its history is complete.
const crashLine = await gafferd.waitForLog(/job 'app\.crash': process \d+ \(os pid \d+\) ended/);

test('the crash is logged with the job, pid, OS pid, exit status and its last stderr lines', () => {
  assert.match(crashLine, /job 'app\.crash': process (\d+) \(os pid \d+\) ended \(exit status 2\) and is not restarted \(restart = never\); last stderr: "err 4" \| "err 5" \| "err 6" \| "err 7" \| "err 8"$/);
});

test('GET /jobs/<sid>/<name>/output: the last lines of a crashed process without a log file (text, json, filters)', async () => {
  const text = await request(`${gafferd.url}/jobs/app/crash/output?lines=3&stream=stderr`);
  assert.equal(text.status, 200);
  assert.match(String(text.headers['content-type']), /^text\/plain/);
  assert.equal(text.text, 'err 6\nerr 7\nerr 8\n');
  const body = (await request(`${gafferd.url}/jobs/app/crash/output?n=2&stream=stdout&format=json`)).json<{
    name: string; limits: { lines: number; bytes: number }; lines: Array<{ time: number; pid: number; os_pid: number; stream: string; line: string }>;
  }>();
  assert.equal(body.name, 'app.crash');
  assert.deepEqual(body.limits, { lines: 1000, bytes: 256 * 1024 });
  assert.deepEqual(body.lines.map((l) => [l.stream, l.line]), [['stdout', 'out 7'], ['stdout', 'out 8']]);
  assert.ok(body.lines.every((l) => l.pid > 0 && l.os_pid > 0 && l.time > 1e9));
  // The 0.4 alias, by job name.
  assert.equal((await request(`${gafferd.url}/processes/app.crash/output?lines=1&stream=stderr`)).text, 'err 8\n');
  // Both streams by default: every line once, each stream in order.
  const all = (await request(`${gafferd.url}/jobs/app/crash/output?lines=100`)).text.trimEnd().split('\n');
  assert.deepEqual(all.filter((l) => l.startsWith('out')), Array.from({ length: 8 }, (_, i) => `out ${i + 1}`));
  assert.deepEqual(all.filter((l) => l.startsWith('err')), Array.from({ length: 8 }, (_, i) => `err ${i + 1}`));
  assert.equal(all.length, 16);
});

test('errors: a job without history is a 404 naming the key; bad parameters are 400s', async () => {
  const none = await request(`${gafferd.url}/jobs/app/quiet/output`);
  assert.equal(none.status, 404);
  assert.deepEqual(none.json(), errorBody('no_history', 404));
  assert.equal((await request(`${gafferd.url}/jobs/app/nope/output`)).status, 404);
  for (const query of ['lines=-1', 'lines=x', 'stream=stdin', 'format=xml', 'pid=a', 'follow=maybe']) {
    const bad = await request(`${gafferd.url}/jobs/app/crash/output?${query}`);
    assert.equal(bad.status, 400, query);
    assert.deepEqual(bad.json(), errorBody('bad_value', 400), query);
  }
  const quiet = await ctl(['tail', 'app.quiet']);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.errLines.at(-1), "gafferctl: job 'app.quiet' writes no stdout log file and keeps no output history; set stdout_logfile or output_history in its configuration");
});

test('gaffer logs and gafferctl tail show the last lines of a crashed process with no log file', async () => {
  const logs = await gaffer(['logs', 'app.crash', '-n', '2', '--stderr']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.deepEqual(logs.lines, ['err 7', 'err 8']);
  assert.equal(logs.stderr, '');
  const tail = await ctl(['tail', 'app.crash', '--stderr', '-n', '3']);
  assert.equal(tail.code, 0, tail.stderr);
  assert.deepEqual(tail.lines, ['err 6', 'err 7', 'err 8']);
  const both = await ctl(['tail', 'app.crash', '-n', '16']);
  assert.deepEqual([...both.lines].sort(), [...Array.from({ length: 8 }, (_, i) => `err ${i + 1}`), ...Array.from({ length: 8 }, (_, i) => `out ${i + 1}`)]);
});

test('following: GET .../output?follow=true and gaffer logs -f print new lines as they come', async () => {
  const { pids } = (await request(`${gafferd.url}/jobs/app/chatty/pids`)).json<{ pids: number[] }>();
  const say = async (line: string): Promise<void> => {
    assert.equal((await request(`${gafferd.url}/streams/${pids[0]}/stdin`, { body: `${line}\n` })).status, 200);
  };
  const feed = await openStream(`${gafferd.url}/jobs/app/chatty/output?follow=true&lines=1`);
  try {
    assert.equal(feed.status, 200);
    await feed.waitFor('ready\n');
    await say('hello history');
    await say('ERR on stderr');
    await feed.waitFor('ready\nhello history\nERR on stderr\n');
  } finally {
    feed.close();
  }
  const follow = spawnCli('gaffer', ['-g', gafferd.url, 'logs', 'app.chatty', '-f', '-n', '1'], { cwd: dir });
  await follow.waitForLine('ERR on stderr');
  // The follow is live once the history line was printed: a new line arrives after it.
  await say('live line');
  await follow.waitForLine('live line');
  follow.kill('SIGINT');
  const result = await follow.done;
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.lines, ['ERR on stderr', 'live line']);
});
