// `gaffer run` (local one-off commands) and the .env files of local runs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { consoleLine, runCli, spawnCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/paths.js';

const ENV_APP = join(FIXTURES, 'cli', 'env');
const APP = join(FIXTURES, 'cli');

/** The JSON printed by env-dump.js in a `gaffer run` output. */
function dumped(lines: readonly string[], label = 'node'): { argv: string[]; env: Record<string, string | null> } {
  const line = lines.find((l) => consoleLine(label, /\{.*\}/).test(l));
  assert.ok(line, `no env-dump line labelled ${label} in:\n${lines.join('\n')}`);
  return JSON.parse(line.slice(line.indexOf(' | ') + 3)) as { argv: string[]; env: Record<string, string | null> };
}

test('run: exit status 0 when the command exits 0, 1 otherwise; lines labelled with the executable', async () => {
  const ok = await runCli('gaffer', ['run', 'node', '../env-dump.js', '0'], { cwd: ENV_APP });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.lines[0]!, consoleLine('node', /spawn process with pid \d+/));
  assert.match(ok.lines[ok.lines.length - 1]!, consoleLine('node', /exit process with pid \d+/));
  assert.deepEqual(dumped(ok.lines).argv, ['0']);
  const failed = await runCli('gaffer', ['run', 'node', '../env-dump.js', '3'], { cwd: ENV_APP });
  assert.equal(failed.code, 1);
});

test('run -c N starts N copies labelled name.1..N and waits for all', async () => {
  const result = await runCli('gaffer', ['run', '-c', '2', 'node', '../env-dump.js'], { cwd: ENV_APP });
  assert.equal(result.code, 0, result.stderr);
  dumped(result.lines, 'node.1');
  dumped(result.lines, 'node.2');
  assert.equal(result.lines.filter((l) => / exit process with pid /.test(l)).length, 2);
});

test('run: one quoted word is split like a shell; arguments that look like options are passed through', async () => {
  const split = await runCli('gaffer', ['run', 'node ../env-dump.js 0 "two words"'], { cwd: ENV_APP });
  assert.deepEqual(dumped(split.lines).argv, ['0', 'two words']);
  const through = await runCli('gaffer', ['run', 'node', '../env-dump.js', '0', '-c', '--help'], { cwd: ENV_APP });
  assert.deepEqual(dumped(through.lines).argv, ['0', '-c', '--help']);
});

test('run errors: no command, a missing executable, no Procfile', async () => {
  const none = await runCli('gaffer', ['run'], { cwd: ENV_APP });
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'command is missing\n');
  const missing = await runCli('gaffer', ['run', 'no-such-program-xyz'], { cwd: ENV_APP });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /could not be spawned \(spawn no-such-program-xyz ENOENT\); check that 'no-such-program-xyz' exists and is on PATH/);
  const noProcfile = await runCli('gaffer', ['run', 'node', '-e', '0'], { cwd: join(FIXTURES, 'config', 'conf.d') });
  assert.equal(noProcfile.code, 1);
  assert.match(noProcfile.stderr, /^procfile not found/);
});

test('run: Ctrl-C stops the command; it did not exit 0, so the status is 1', async () => {
  const cli = spawnCli('gaffer', ['run', 'node', '../../sleeper.js'], { cwd: ENV_APP });
  await cli.waitForLine(consoleLine('node', /alive \d+/));
  cli.kill('SIGINT');
  const result = await cli.done;
  assert.equal(result.code, 1);
  assert.match(result.stdout, /node \| exit process with pid \d+/);
});

test('.env: <root>/.env first, then each -e file in order (later wins); dotenv quoting, export, comments', async () => {
  const result = await runCli('gaffer', ['run', '-e', 'base.env', '-e', 'override.env', 'node', '../env-dump.js'], { cwd: ENV_APP });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(dumped(result.lines).env, {
    A: 'from-base', B: 'quoted value', C: 'single # not a comment', D: 'override wins', E: '', F: 'multi word',
  });
});

test('.env: without -e only <root>/.env (and ./.env); a missing -e file is an error naming it; a directory is an error', async () => {
  const plain = await runCli('gaffer', ['run', 'node', '../env-dump.js'], { cwd: ENV_APP });
  assert.deepEqual(dumped(plain.lines).env, { A: 'root', B: null, C: null, D: 'root', E: null, F: null, PORT: null });
  const missing = await runCli('gaffer', ['run', '-e', 'no-such.env', 'node', '../env-dump.js'], { cwd: ENV_APP });
  assert.equal(missing.code, 1);
  assert.deepEqual(missing.errLines, [`env file 'no-such.env' not found (no ${join(ENV_APP, 'no-such.env')}); fix the -e/--env path`]);
  assert.equal(missing.stdout, '');
  const dir = await runCli('gaffer', ['run', '-e', '..', 'node', '../env-dump.js'], { cwd: ENV_APP });
  assert.equal(dir.code, 1);
  assert.match(dir.stderr, /^config error: cannot read env file '.*': /);
});

test('.env: PORT from an env file is the base port of gaffer start', async () => {
  const cli = spawnCli('gaffer', ['start', '-e', 'env/port.env', 'web'], { cwd: APP });
  const line = await cli.waitForLine(/ web\.1 \| \{/);
  assert.equal((JSON.parse(line.split(' | ')[1]!) as { env: { PORT: string } }).env.PORT, '6000');
  cli.kill('SIGINT');
  assert.equal((await cli.done).code, 0);
});

test('run with --app, --graceful-timeout or -p K=V is ps:run (on gafferd)', async () => {
  const result = await runCli('gaffer', ['-g', 'http://127.0.0.1:9', 'run', 'web', '-p', 'K=V'], { cwd: APP });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^gaffer: cannot reach gafferd at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  const timeout = await runCli('gaffer', ['run', '--graceful-timeout', 'soon', 'web'], { cwd: APP });
  assert.equal(timeout.code, 2);
  assert.equal(timeout.lines[0], "Error: invalid graceful timeout 'soon': expected a whole number of seconds");
});
