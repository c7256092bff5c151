// `gaffer start`: the built CLI running a fixture Procfile in the foreground.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { consoleLine, runCli, spawnCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/paths.js';

const APP = join(FIXTURES, 'cli');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('prefixed lines per instance, PORT per instance, graceful Ctrl-C with status 0', async () => {
  const cli = spawnCli('gaffer', ['start', '-c', 'web=2'], { cwd: APP });
  type Printed = { args: string[]; env: Record<string, string | null>; pid: number };
  const web1 = JSON.parse((await cli.waitForLine(/^\d\d:\d\d:\d\d web\.1 \| \{/)).split(' | ')[1]!) as Printed;
  const web2 = JSON.parse((await cli.waitForLine(/^\d\d:\d\d:\d\d web\.2 \| \{/)).split(' | ')[1]!) as Printed;
  assert.equal(web1.env.PORT, '5000');
  assert.equal(web2.env.PORT, '5001');
  // $PORT in the command is substituted per instance.
  assert.deepEqual(web1.args, ['--port', '5000']);
  assert.deepEqual(web2.args, ['--port', '5001']);
  assert.equal(web1.env.GREETING, 'hello from .env');
  await cli.waitForLine(consoleLine('worker.1', /spawn process with pid \d+/));
  await cli.waitForLine(consoleLine('web.1', `spawn process with pid ${web1.pid}`));
  cli.kill('SIGINT');
  const result = await cli.done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /SIGINT received: stopping every process/);
  for (const label of ['web.1', 'web.2', 'worker.1']) {
    assert.ok(result.lines.some((l) => consoleLine(label, /exit process with pid \d+/).test(l)), `no exit line for ${label}:\n${result.stdout}`);
  }
  assert.ok(!isAlive(web1.pid) && !isAlive(web2.pid));
  // Only spawn/reap/exit/stop_pid events are printed by local runs (no start/stop lines).
  assert.ok(!result.lines.some((l) => /\| (start|stop) /.test(l)), result.stdout);
});

test('-p sets the base port: type i gets base + 100 i, instance k adds k - 1', async () => {
  const cli = spawnCli('gaffer', ['start', '-p', '7000', '-f', 'Procfile.dup'], { cwd: APP });
  const line = await cli.waitForLine(/ web\.1 \| \{/);
  assert.equal((JSON.parse(line.split(' | ')[1]!) as { env: { PORT: string } }).env.PORT, '7000');
  assert.match(await cli.waitForErrLine(/warning/), /line 3: type 'web' is defined again \(first on line 1\)/);
  cli.kill('SIGTERM');
  assert.equal((await cli.done).code, 0);
});

test('a process ignoring SIGTERM is SIGKILLed after the -t timeout; exit status 0', async () => {
  const cli = spawnCli('gaffer', ['start', '-f', 'Procfile.stubborn', '-t', '1'], { cwd: APP });
  const spawned = await cli.waitForLine(consoleLine('stubborn.1', /spawn process with pid \d+/));
  const pid = Number(/pid (\d+)$/.exec(spawned)![1]);
  await cli.waitForLine(consoleLine('stubborn.1', 'ready'));
  const started = Date.now();
  cli.kill('SIGINT');
  await cli.waitForLine(consoleLine('stubborn.1', 'got SIGTERM, ignoring'));
  const result = await cli.done;
  const elapsed = Date.now() - started;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.lines.some((l) => consoleLine('stubborn.1', `exit process with pid ${pid}`).test(l)), result.stdout);
  assert.ok(elapsed >= 900, `stopped after ${elapsed} ms, before the 1 s timeout`);
  assert.ok(!isAlive(pid), 'the SIGTERM-ignoring process survived');
});

test('a second Ctrl-C kills at once', async () => {
  const cli = spawnCli('gaffer', ['start', '-f', 'Procfile.stubborn', '-t', '60'], { cwd: APP });
  await cli.waitForLine(consoleLine('stubborn.1', 'ready'));
  cli.kill('SIGINT');
  await cli.waitForLine(consoleLine('stubborn.1', 'got SIGTERM, ignoring'));
  cli.kill('SIGINT');
  const result = await cli.done;
  assert.equal(result.code, 0);
  assert.match(result.stderr, /received again: killing every process now/);
});

test('a process that crashes during the run makes the exit status 1; it is respawned meanwhile', async () => {
  const cli = spawnCli('gaffer', ['start', '-f', 'Procfile.crash', '-t', '1'], { cwd: APP });
  const first = await cli.waitForLine(consoleLine('crash.1', /exit process with pid \d+/));
  await cli.waitForLine(new RegExp(`crash\\.1 \\| spawn process with pid (?!${/pid (\d+)/.exec(first)![1]})\\d+`));
  cli.kill('SIGTERM');
  const result = await cli.done;
  assert.equal(result.code, 1);
  assert.match(result.stderr, /job 'default\.crash': process \d+ .*unexpectedly \(exit status 3\)/);
});

test('start <type> runs only that type; an unknown type is an error', async () => {
  const cli = spawnCli('gaffer', ['start', 'worker'], { cwd: APP });
  await cli.waitForLine(consoleLine('worker.1', /spawn process with pid \d+/));
  cli.kill('SIGINT');
  const result = await cli.done;
  assert.equal(result.code, 0);
  assert.ok(!result.stdout.includes('web.1'), result.stdout);
  const unknown = await runCli('gaffer', ['start', 'nope'], { cwd: APP });
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "'nope' not found\n");
});

test('dev:start shows the output of the processes only with -v', async () => {
  const quiet = spawnCli('gaffer', ['dev:start', 'web'], { cwd: APP });
  await quiet.waitForLine(consoleLine('web.1', /spawn process with pid \d+/));
  const loud = spawnCli('gaffer', ['dev:start', '-v', 'web'], { cwd: APP });
  await loud.waitForLine(/ web\.1 \| \{"args"/);
  loud.kill('SIGINT');
  quiet.kill('SIGINT');
  const [q, l] = await Promise.all([quiet.done, loud.done]);
  assert.equal(q.code, 0);
  assert.equal(l.code, 0);
  assert.ok(!q.stdout.includes('"args"'), q.stdout);
});

test('Procfile problems: missing file, given file missing, bad line with its number, empty file', async () => {
  const missing = await runCli('gaffer', ['start'], { cwd: join(FIXTURES, 'config', 'conf.d') });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^procfile not found \(no .*Procfile; use -f FILE/);
  const given = await runCli('gaffer', ['start', '-f', 'Nope'], { cwd: APP });
  assert.equal(given.code, 1);
  assert.equal(given.stderr, "procfile 'Nope' not found\n");
  const bad = await runCli('gaffer', ['start', '-f', 'Procfile.bad'], { cwd: APP });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^config error: .*Procfile\.bad line 2: cannot parse "this line is not a process type"/);
  const empty = await runCli('gaffer', ['start', '-f', 'Procfile.empty'], { cwd: APP });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /^procfile '.*Procfile\.empty' has no process type/);
});
