// Every gafferctl command against a real gafferd process.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startGafferd, type RunningGafferd } from '../helpers/gafferd.js';
import { FIXTURES, fixtureCmd } from '../helpers/paths.js';

const SLEEPER = [process.execPath, join(FIXTURES, 'sleeper.js')];
// Started once for the file (its after() hook stops it when the file is done).
const gafferd: RunningGafferd = await startGafferd();
const ctl = (...args: string[]): ReturnType<typeof runCli> => runCli('gafferctl', ['--connect', gafferd.url, ...args], { cwd: join(FIXTURES, 'cli') });

/** stdout of a successful command. */
async function ok(...args: string[]): Promise<string> {
  const result = await ctl(...args);
  assert.equal(result.code, 0, `gafferctl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

test('job lifecycle: add_process, status, start, add/sub, pids, get/update, kill, stop, del_process', async () => {
  assert.equal(await ok('processes'), '[]\n');
  assert.equal(await ok('add_process', 'ticker', ...SLEEPER), 'ticker\n');
  assert.equal(await ok('processes'), '["ticker"]\n');
  assert.equal(await ok('status', 'ticker'), 'stopped\n');
  assert.equal(await ok('start', 'ticker'), 'ok\n');
  assert.equal(await ok('status', 'ticker'), 'active\n');
  assert.equal(await ok('running', 'ticker'), '1\n');
  assert.equal(await ok('numprocesses', 'ticker'), '1\n');
  assert.equal(await ok('add', 'ticker', '2'), '3\n');
  const pids = JSON.parse(await ok('pids', 'ticker')) as number[];
  assert.equal(pids.length, 3);
  assert.match(await ok('pids', 'ticker'), /^\[\d+, \d+, \d+\]\n$/);
  assert.deepEqual(JSON.parse(await ok('processes', '--running')), pids);
  assert.equal(await ok('sub', 'ticker'), '2\n');
  const config = await ok('get_process', 'ticker');
  assert.match(config, /^\{\n  "args": \[\],\n  "cmd": ".*sleeper\.js"/);
  assert.equal((JSON.parse(config) as { numprocesses: number }).numprocesses, 1);
  assert.equal(await ok('update_process', 'ticker', process.execPath, join(FIXTURES, 'sleeper.js'), 'updated'), 'ticker\n');
  assert.match((JSON.parse(await ok('get_process', 'ticker')) as { cmd: string }).cmd, /sleeper\.js updated$/);
  assert.equal(await ok('kill', 'ticker', 'hup'), 'ok\n');
  const [first] = JSON.parse(await ok('pids', 'ticker')) as number[];
  assert.equal(await ok('kill', String(first), '9'), 'ok\n');
  assert.equal(await ok('restart', 'ticker'), 'ok\n');
  assert.equal(await ok('stop', 'ticker'), 'ok\n');
  assert.equal(await ok('status', 'ticker'), 'stopped\n');
  assert.equal(await ok('del_process', 'ticker'), 'ok\n');
  assert.equal(await ok('processes'), '[]\n');
});

test('load_process from a file and from stdin; --start; missing file and invalid job', async () => {
  const echoJob = JSON.stringify({ name: 'fromstdin', cmd: fixtureCmd('sleeper.js') });
  assert.equal(await ok('load_process', 'echo-job.json'), 'echo\n');
  assert.equal(await ok('status', 'echo'), 'stopped\n');
  const stdin = await runCli('gafferctl', ['--connect', gafferd.url, 'load_process', '--start', '-'], { input: echoJob });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal(stdin.stdout, 'fromstdin\n');
  assert.equal(await ok('status', 'fromstdin'), 'active\n');
  const missing = await ctl('load_process', 'nope.json');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /'nope\.json' not found/);
  const invalid = await runCli('gafferctl', ['--connect', gafferd.url, 'load_process', '-'], { input: '{"name": "x"}' });
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /name or cmd properties are missing/);
  await ok('del_process', 'echo');
  await ok('del_process', 'fromstdin');
});

test('HTTP 404 and 409: one sentence from gafferd on stderr (no raw JSON), status 1', async () => {
  const notFound = await ctl('status', 'nope');
  assert.equal(notFound.code, 1);
  assert.equal(notFound.stdout, '');
  assert.deepEqual(notFound.errLines, ["gafferctl: job 'default.nope' not found (GET /status/nope)"]);
  await ok('add_process', 'twice', 'true');
  const conflict = await ctl('add_process', 'twice', 'true');
  assert.equal(conflict.code, 1);
  assert.equal(conflict.errLines.length, 1);
  assert.equal(conflict.errLines[0], 'gafferctl: the job is already loaded; unload it first or update it (POST /processes)');
  await ok('del_process', 'twice');
});

test('list (table) and --json', async () => {
  await ok('add_process', '--start', 'web', ...SLEEPER);
  await ok('add_process', 'worker', 'true');
  const table = (await ok('list')).trimEnd().split('\n');
  assert.match(table[0]!, /^NAME\s+STATE\s+RUNNING\s+TARGET\s+PIDS\s+RESTARTS\s+LAST EXIT\s+NEXT RETRY$/);
  assert.match(table[1]!, /^web\s+running\s+1\s+1\s+\d+\s+0\s+-\s+-$/);
  assert.match(table[2]!, /^worker\s+idle\s+0\s+1\s+-\s+0\s+-\s+-$/);
  assert.deepEqual(JSON.parse(await ok('--json', 'status', 'web')), { active: true, running: 1, max_processes: 1, numprocesses: 1, state: 'running', restarts: 0, last_exit: null, next_retry: null, spawn_error: null });
  assert.deepEqual(JSON.parse(await ok('del_process', 'worker', '--json')), { ok: true });
  const listed = JSON.parse(await ok('list', '--json')) as Array<{ name: string; pids: number[] }>;
  assert.deepEqual(listed.map((j) => j.name), ['web']);
  await ok('del_process', 'web');
});

test('global options after the command, --host/--port and GAFFERCTL_ENDPOINT', async () => {
  assert.equal((await runCli('gafferctl', ['processes', '--connect', gafferd.url])).stdout, '[]\n');
  assert.equal((await runCli('gafferctl', ['--host', '127.0.0.1', '--port', String(gafferd.port), 'processes'])).stdout, '[]\n');
  const env = await runCli('gafferctl', ['processes'], { env: { GAFFERCTL_ENDPOINT: gafferd.url } });
  assert.equal(env.stdout, '[]\n', env.stderr);
});

test('bad signal names are refused before any request (a usage error)', async () => {
  const result = await ctl('kill', 'web', 'SIGNOPE');
  assert.equal(result.code, 2);
  assert.match(result.lines[0]!, /^Error: unknown signal "SIGNOPE": expected a signal number or a name such as TERM/);
});
