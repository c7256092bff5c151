// Every mistake is an error (issue 14): each mistyped gaffer/gafferctl
// command gets a sentence naming what is wrong and a non-zero status —
// usage errors 2 with the usage line, unknown jobs 1 — and never a raw JSON
// body. Run against a real gafferd from the fixture application `mistakes`
// (types web and worker).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, type CliOptions, type CliResult } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';

const APP_DIR = join(FIXTURES, 'mistakes');
const PROCFILE = join(APP_DIR, 'Procfile');
const gafferd = await startGafferd();
const gaffer = (args: string[], options: CliOptions = {}): Promise<CliResult> =>
  runCli('gaffer', ['-g', gafferd.url, ...args], { cwd: APP_DIR, ...options });
const ctl = (...args: string[]): Promise<CliResult> => runCli('gafferctl', ['--connect', gafferd.url, ...args]);

const UNKNOWN_TYPE = `process type 'nope' not found in ${PROCFILE} (its types: web, worker)\n`;

function usageError(result: CliResult, message: RegExp, usage: string): void {
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.lines[0]!, message);
  assert.equal(result.lines[1], usage);
}

async function webCount(): Promise<number> {
  const info = await gaffer(['ps:info', 'web', '--json']);
  assert.equal(info.code, 0, info.stderr);
  return (JSON.parse(info.stdout) as { max_processes: number }).max_processes;
}

test('load the fixture application', async () => {
  const load = await gaffer(['load']);
  assert.deepEqual([load.code, load.lines], [0, [`==> 'mistakes' has been loaded in ${gafferd.url}`]]);
});

test('gaffer scale: malformed counts are usage errors; nothing is scaled', async () => {
  for (const word of ['web=-1', 'web=abc', 'web=2.5']) {
    usageError(await gaffer(['scale', word]),
      new RegExp(`^Error: invalid scale '${word.replace('.', '\\.')}': expected <type>=<n>, <type>\\+<n> or <type>-<n> with n a whole number >= 0`),
      'Usage: gaffer scale [options] <args...>');
  }
  usageError(await gaffer(['scale', 'web']), /^Error: nothing to scale \('web' was taken as the application\): expected <type>=<n>/,
    'Usage: gaffer scale [options] <args...>');
  assert.equal(await webCount(), 1);
});

test('gaffer scale: an unknown type exits 1 naming it, before anything is scaled', async () => {
  const unknown = await gaffer(['scale', 'nosuch=2']);
  assert.deepEqual([unknown.code, unknown.stdout], [1, '']);
  assert.equal(unknown.stderr, `process type 'nosuch' not found in ${PROCFILE} (its types: web, worker)\n`);
  const mixed = await gaffer(['scale', 'web=3', 'nosuch=2']);
  assert.equal(mixed.code, 1);
  assert.equal(await webCount(), 1, 'web was not scaled');
  const remote = await gaffer(['scale', 'mistakes.nosuch=2']);
  assert.deepEqual([remote.code, remote.stderr], [1, "job 'mistakes.nosuch' not found\n"]);
});

test('gaffer start -c: malformed pairs are usage errors, unknown types exit 1', async () => {
  for (const spec of ['web=-1', 'abc', 'web=2.5']) {
    usageError(await gaffer(['start', '-c', spec]), new RegExp(`^Error: invalid concurrency '${spec.replace('.', '\\.')}': expected <type>=<n>`),
      'Usage: gaffer start [options] [type]');
  }
  const unknown = await gaffer(['start', '-c', 'nope=2']);
  assert.deepEqual([unknown.code, unknown.stdout, unknown.stderr], [1, '', UNKNOWN_TYPE]);
});

test('an unknown job is an error naming it for every job command (local type and qualified name)', async () => {
  const commands = [
    ['ps:stop', 'JOB', '--no-input'], ['ps:start', 'JOB', '--no-input'], ['reload', 'JOB', '--no-input'],
    ['unload', 'JOB', '--no-input'], ['ps:kill', 'JOB', 'HUP', '--no-input'], ['logs', 'JOB'], ['stats', 'JOB'],
    ['ps:info', 'JOB'], ['ps:run', 'JOB'], ['logs', '--ps', 'JOB'],
  ];
  // Independent failing commands: run together to keep the file fast.
  await Promise.all(commands.map(async (command) => {
    const local = await gaffer(command.map((w) => (w === 'JOB' ? 'nope' : w)));
    assert.deepEqual([local.code, local.stdout, local.stderr], [1, '', UNKNOWN_TYPE], command.join(' '));
    if (command[1] === '--ps') return;
    const remote = await gaffer(command.map((w) => (w === 'JOB' ? 'mistakes.nope' : w)));
    assert.equal(remote.code, 1, command.join(' '));
    assert.match(remote.stderr, /^(job )?'mistakes\.nope' not found( in 'mistakes')?\n$/, command.join(' '));
  }));
  usageError(await gaffer(['ps:kill', 'web', 'FOO', '--no-input']), /^Error: unknown signal "FOO"/, 'Usage: gaffer ps:kill [options] <job-or-pid> <sig>');
  usageError(await gaffer(['ps:run', 'web', '-p', 'NOEQUALS', '--graceful-timeout', '3']), /^Error: invalid parameter 'NOEQUALS': expected KEY=VALUE$/,
    'Usage: gaffer ps:run [options] <job>');
});

test('gaffer load: a command that cannot be spawned is an error naming the binary; the job is not left retrying', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gaffer-badcmd-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'Procfile'), `web: /nonexistent/nosuchbin --port 1\nok: ${JSON.stringify(process.execPath)} ${JSON.stringify(join(FIXTURES, 'sleeper.js'))}\n`);
  const load = await runCli('gaffer', ['-g', gafferd.url, 'load', '--app', 'badcmd'], { cwd: dir });
  assert.equal(load.code, 1, load.stdout + load.stderr);
  assert.ok(!load.stdout.includes('has been loaded'), load.stdout);
  assert.match(load.errLines[0]!, /^gaffer: job 'badcmd\.web': process \d+ could not be spawned \(spawn \/nonexistent\/nosuchbin ENOENT\); check that '\/nonexistent\/nosuchbin' exists/);
  assert.equal(load.errLines[1], "gaffer: job 'badcmd.web' was not loaded; fix its Procfile line and run 'gaffer load' again");
  const jobs = await runCli('gaffer', ['-g', gafferd.url, 'jobs', 'badcmd'], { cwd: dir });
  assert.equal(jobs.code, 0, jobs.stderr);
  assert.ok(jobs.lines.some((l) => l.startsWith('badcmd.ok ')), jobs.stdout);
  assert.ok(!jobs.lines.some((l) => l.startsWith('badcmd.web ')), jobs.stdout);
  assert.equal((await runCli('gaffer', ['-g', gafferd.url, 'unload', 'badcmd', '--no-input'], { cwd: dir })).code, 0);
});

test('gafferctl: unknown jobs are one sentence naming the job (no JSON body), bad values are usage errors', async () => {
  const commands = [
    ['status', 'nope'], ['start', 'nope'], ['stop', 'nope'], ['restart', 'nope'], ['add', 'nope', '1'], ['sub', 'nope', '1'],
    ['numprocesses', 'nope'], ['running', 'nope'], ['pids', 'nope'], ['kill', 'nope', 'HUP'], ['get_process', 'nope'],
    ['del_process', 'nope'], ['tail', 'nope'],
  ];
  await Promise.all(commands.map(async (command) => {
    const result = await ctl(...command);
    assert.deepEqual([result.code, result.stdout], [1, ''], command.join(' '));
    assert.equal(result.errLines.length, 1, result.stderr);
    assert.match(result.errLines[0]!, /^gafferctl: job 'default\.nope' not found \((GET|POST|DELETE) \/\S+\)$/, command.join(' '));
  }));
  usageError(await ctl('kill', 'web', 'FOO'), /^Error: unknown signal "FOO"/, 'Usage: gafferctl kill [options] <name_or_pid> <signum>');
  usageError(await ctl('add', 'web', 'abc'), /^Error: .*expected a positive integer, got "abc"/, 'Usage: gafferctl add [options] <name> [inc]');
  const invalid = await ctl('add_process', 'x y', 'true');
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /^gafferctl: name must be 1 to 200 letters, digits, '_' or '-' \(like a Procfile type\), not only digits \(got "x y"\) \(POST \/processes\)\n$/);
});
