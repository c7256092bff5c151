// `gaffer logs <job>` and `gafferctl tail <job>` (-n, -f, --stderr) against a
// real gafferd whose job writes its output to log files.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GafferClient } from '../../src/client/gaffer-client.js';
import { NotFoundError } from '../../src/errors.js';
import { runCli, spawnCli, type CliOptions, type CliResult } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { request, waitUntil } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { fileHolds } from '../helpers/files.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const OUT = join(dir, 'echo.out');
const ERR = join(dir, 'echo.err');
writeFileSync(OUT, Array.from({ length: 20 }, (_, i) => `old ${i + 1}\n`).join(''));
const gafferd = await startGafferd({
  config: `[process:app:echo]
cmd = ${fixtureCmd('echo.js')}
redirect_input = true
stdout_logfile = ${OUT}
stderr_logfile = ${ERR}

[process:app:plain]
cmd = ${fixtureCmd('sleeper.js')}
output_history = off
`,
});

const gaffer = (args: string[], options: CliOptions = {}): Promise<CliResult> => runCli('gaffer', ['-g', gafferd.url, ...args], { cwd: dir, ...options });
const ctl = (args: string[]): Promise<CliResult> => runCli('gafferctl', ['--connect', gafferd.url, ...args], { cwd: dir });


/** Write a line to the echo job's stdin (0.4 stdin route). */
async function say(line: string): Promise<void> {
  const { pids } = (await request(`${gafferd.url}/jobs/app/echo/pids`)).json<{ pids: number[] }>();
  const sent = await request(`${gafferd.url}/streams/${pids[0]}/stdin`, { body: `${line}\n` });
  assert.equal(sent.status, 200, sent.text);
}

await fileHolds(OUT, 'ready\n', 15000);

test('gaffer logs <job> -n N prints the last lines of its stdout log file; --stderr reads the stderr one', async () => {
  const last = await gaffer(['logs', 'app.echo', '-n', '3']);
  assert.deepEqual([last.code, last.lines], [0, ['old 19', 'old 20', 'ready']]);
  const byApp = await gaffer(['logs', 'echo', '--app', 'app']);
  assert.deepEqual(byApp.lines, [...Array.from({ length: 9 }, (_, i) => `old ${i + 12}`), 'ready']);
  await say('ERR something failed');
  await fileHolds(ERR, 'ERR something failed\n', 15000);
  assert.deepEqual((await gaffer(['logs', 'app.echo', '--stderr'])).lines, ['ERR something failed']);
  assert.deepEqual((await gaffer(['logs', 'app.echo', '-n', '0'])).stdout, '');
});

test('gaffer logs <job> -f prints the tail, then each new line, until interrupted', async () => {
  const logs = spawnCli('gaffer', ['-g', gafferd.url, 'logs', 'app.echo', '-f', '-n', '1'], { cwd: dir });
  await logs.waitForLine(/./);
  await say('follow 1');
  await logs.waitForLine('follow 1');
  await say('follow 2');
  await logs.waitForLine('follow 2');
  logs.kill('SIGINT');
  const result = await logs.done;
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.lines.slice(-2), ['follow 1', 'follow 2']);
});

test('gafferctl tail <job> [-n N] [-f] [--stderr]', async () => {
  await say('tail 1');
  await fileHolds(OUT, 'tail 1\n', 15000);
  assert.deepEqual((await ctl(['tail', 'app.echo', '-n', '1'])).lines, ['tail 1']);
  assert.deepEqual((await ctl(['tail', 'app.echo', '--stderr', '-n', '1'])).lines, ['ERR something failed']);
  const tail = spawnCli('gafferctl', ['--connect', gafferd.url, 'tail', 'app.echo', '-f', '--stderr', '-n', '0'], { cwd: dir });
  // The feed is open once its first line comes: keep writing until one does.
  let n = 0;
  let seen = false;
  const first = tail.waitForLine(/^ERR tailed \d+$/).then(() => { seen = true; });
  while (!seen) {
    await say(`ERR tailed ${++n}`);
    await Promise.race([first, new Promise((r) => setTimeout(r, 200))]);
  }
  await say('not on stderr');
  await say('ERR last');
  await tail.waitForLine('ERR last');
  tail.kill('SIGTERM');
  const result = await tail.done;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.lines.includes('not on stderr'), false);
});

test('errors: unknown job, a job without a log file, bad -n', async () => {
  const unknown = await gaffer(['logs', 'app.nope']);
  assert.deepEqual([unknown.code, unknown.stderr], [1, "job 'app.nope' not found\n"]);
  const ctlUnknown = await ctl(['tail', 'app.nope']);
  assert.equal(ctlUnknown.code, 1);
  assert.deepEqual(ctlUnknown.errLines, ["gafferctl: job 'app.nope' not found (GET /jobs/app/nope/logfile?stream=stdout)"]);
  const plain = await ctl(['tail', 'app.plain']);
  assert.deepEqual([plain.code, plain.errLines], [1, [
    "gafferctl: job 'app.plain' writes no stdout log file and keeps no output history; set stdout_logfile or output_history in its configuration",
  ]]);
  for (const [program, args] of [['gaffer', ['-g', gafferd.url, 'logs', 'app.echo', '-n', 'x']], ['gafferctl', ['--connect', gafferd.url, 'tail', 'app.echo', '-n', '-2']]] as const) {
    const bad = await runCli(program, args, { cwd: dir });
    assert.equal(bad.code, 2, `${program}: ${bad.stdout}`);
    assert.match(bad.lines[0]!, /^Error: option '-n, --lines <N>' argument '.*' is invalid\. expected a number of lines/);
  }
});

test('gaffer logs <job> without a log file and without output history follows the events of that job, as before', async () => {
  const logs = spawnCli('gaffer', ['-g', gafferd.url, 'logs', 'app.plain'], { cwd: dir });
  await logs.waitForErrLine("gaffer: job 'app.plain' has no stdout log file (stdout_logfile/stderr_logfile in its configuration) and keeps no output history (output_history); following its events instead");
  // Once subscribed, a restart of the job shows its events.
  let seen = false;
  const spawn = logs.waitForLine(/^\d\d:\d\d:\d\d app\.plain \| job\.app\.plain\.spawn process with pid \d+$/).then(() => { seen = true; });
  while (!seen) {
    await request(`${gafferd.url}/jobs/app/plain/state`, { body: '2' });
    await Promise.race([spawn, new Promise((r) => setTimeout(r, 250))]);
  }
  logs.kill('SIGINT');
  assert.equal((await logs.done).code, 0);
});

test('the client library: tailLogfile and openLogfile', async () => {
  const client = new GafferClient({ endpoint: gafferd.url });
  try {
    await fileHolds(ERR, 'ERR last\n', 15000);
    assert.equal(await client.tailLogfile('app', 'echo', { stream: 'stderr', lines: 1 }), 'ERR last\n');
    await assert.rejects(client.tailLogfile('app', 'plain'), (err: unknown) => err instanceof NotFoundError && err.reason === 'no_logfile');
    const res = await client.openLogfile('app', 'echo', { lines: 0, follow: true });
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    res.destroy();
  } finally {
    client.close();
  }
});
