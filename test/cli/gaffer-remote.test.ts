// gaffer's gafferd commands (load, ps, scale, ps:*, logs, send/recv, unload...)
// against a real gafferd, from the fixture application directory (app 'cli').
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, spawnCli, type CliOptions } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';

const APP_DIR = join(FIXTURES, 'cli');
const gafferd = await startGafferd();
const gaffer = (args: string[], options: CliOptions = {}): ReturnType<typeof runCli> =>
  runCli('gaffer', ['-g', gafferd.url, ...args], { cwd: APP_DIR, ...options });

async function ok(args: string[], options: CliOptions = {}): Promise<string[]> {
  const result = await gaffer(args, options);
  assert.equal(result.code, 0, `gaffer ${args.join(' ')}: ${result.stderr}`);
  return result.lines;
}

/** Internal pids of a job, from `ps:info`. */
async function pidsOf(job: string): Promise<number[]> {
  const line = (await ok(['ps:info', job])).find((l) => l.startsWith('pids: '))!;
  return line.slice(6).split(',').filter(Boolean).map(Number);
}

test('load the Procfile application; loading it again reports each type', async () => {
  assert.deepEqual(await ok(['load']), [`==> 'cli' has been loaded in ${gafferd.url}`]);
  assert.deepEqual(await ok(['apps']), ['cli']);
  assert.deepEqual(await ok(['load']), ["'web' already loaded", "'worker' already loaded", `==> 'cli' has been loaded in ${gafferd.url}`]);
});

test('scale: set, add, remove; the app as first argument; unknown jobs', async () => {
  assert.deepEqual(await ok(['scale', 'web=3', 'worker+2']), [
    'Scaling web processes... done, now running 3',
    'Scaling worker processes... done, now running 3',
  ]);
  assert.deepEqual(await ok(['scale', 'cli', 'worker-2']), ['Scaling worker processes... done, now running 1']);
  assert.deepEqual(await ok(['ps:scale', '--app', 'cli', 'web=2']), ['Scaling web processes... done, now running 2']);
  const other = await gaffer(['scale', 'other', 'web=2']);
  assert.equal(other.code, 1);
  assert.equal(other.stderr, "job 'other.web' not found\n");
});

test('ps: one block per active job with its processes', async () => {
  const lines = await ok(['ps']);
  assert.match(lines[0]!, /^=== web: `node \.\.\/print-env\.js --port \$PORT`$/);
  assert.match(lines[1]!, /^Total CPU: (\d+\.\d\d|N\/A) Total MEM: (\d+\.\d\d|N\/A)$/);
  assert.equal(lines[2], '');
  const web = lines.slice(3).filter((l) => l.startsWith('web.'));
  assert.equal(web.length, 2);
  for (const line of web) assert.match(line, /^web\.\d+: up for \d\d:\d\d \(CPU time \d+:\d\d\.\d\d\)$/);
  assert.ok(lines.includes('=== worker: `node ../sleeper.js`'), lines.join('\n'));
  const json = JSON.parse((await ok(['ps', '--json']))[0]!) as Array<{ name: string; processes: number[] }>;
  assert.deepEqual(json.map((j) => j.name), ['cli.web', 'cli.worker']);
  const missing = await gaffer(['ps', 'nosuchapp']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "'nosuchapp' not loaded\n");
});

test('jobs, stats and ps:info', async () => {
  const jobs = await ok(['jobs']);
  assert.match(jobs[0]!, /^JOB\s+STATE\s+RUNNING\s+TARGET\s+PIDS$/);
  assert.match(jobs[1]!, /^cli\.web\s+active\s+2\s+2\s+\d+,\d+$/);
  const stats = await ok(['stats', 'web']);
  assert.match(stats[0]!, /^PID\s+OS PID\s+CPU %\s+MEM %\s+RSS\s+VSZ\s+CPU TIME$/);
  assert.match(stats[stats.length - 1]!, /^total\s+/);
  const info = await ok(['ps:info', 'web']);
  assert.deepEqual(info.slice(0, 3), ['active: True', 'running: 2', 'num_processes: 2']);
  const [pid] = await pidsOf('web');
  const proc = await ok(['ps:info', String(pid)]);
  assert.ok(proc.includes(`pid: ${pid}`) && proc.includes('name: cli.web') && proc.includes('active: True'), proc.join('\n'));
  const gone = await gaffer(['ps:info', '99999']);
  assert.equal(gone.stderr, "process '99999' not found\n");
  const unknown = await gaffer(['ps:info', 'nosuchtype']);
  assert.deepEqual([unknown.code, unknown.stdout], [1, '']);
  assert.match(unknown.stderr, /^process type 'nosuchtype' not found in .*Procfile \(its types: web, worker\)\n$/);
});

test('ps:stop / ps:start with confirmations (end of input = yes, n = no, --no-input)', async () => {
  const refused = await ok(['ps:stop', 'worker'], { input: 'n\n' });
  assert.deepEqual(refused, ["Do you want to stop 'worker' [y]|n: "]);
  assert.deepEqual(await ok(['ps:info', 'worker']).then((l) => l[0]), 'active: True');
  const asked = await ok(['ps:stop', 'worker'], { input: 'maybe\ny\n' });
  assert.deepEqual(asked, ["Do you want to stop 'worker' [y]|n: ", 'please enter y or n.', "Do you want to stop 'worker' [y]|n: ", "'worker' stopped"]);
  const eof = await ok(['ps:start', 'worker']);
  assert.deepEqual(eof, ["Do you want to start 'worker' [y]|n: ", "'worker' started"]);
  assert.deepEqual(await ok(['ps:start', '--no-input']), ["job 'cli.web' started", "job 'cli.worker' started", "==> all jobs in 'cli' started"]);
  const [pid] = await pidsOf('worker');
  assert.deepEqual(await ok(['ps:stop', String(pid), '--no-input']), [`'${pid}' stopped`]);
});

test('ps:kill signals a job or a process; unknown targets are errors', async () => {
  assert.deepEqual(await ok(['ps:kill', 'worker', 'WINCH', '--no-input']), ["'WINCH' sent to 'worker'"]);
  const [pid] = await pidsOf('web');
  assert.deepEqual(await ok(['kill', String(pid), 'sigwinch', '--no-input']), [`'sigwinch' sent to '${pid}'`]);
  const unknown = await gaffer(['ps:kill', 'other.web', 'HUP', '--no-input']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "'other.web' not found\n");
  const bad = await gaffer(['ps:kill', 'web', 'NOPE', '--no-input']);
  assert.equal(bad.code, 2);
  assert.match(bad.lines[0]!, /^Error: unknown signal "NOPE"/);
});

test('ps:run commits a one-off process with the .env variables and -p pairs', async () => {
  const lines = await ok(['ps:run', 'web', '-p', 'EXTRA=one-off']);
  const pid = Number(/^'cli\.web': new process (\d+) launched$/.exec(lines[0]!)![1]);
  const info = JSON.parse((await ok(['ps:info', String(pid), '--json']))[0]!) as { env: Record<string, string>; commited: boolean };
  assert.equal(info.commited, true);
  assert.equal(info.env.EXTRA, 'one-off');
  assert.equal(info.env.GREETING, 'hello from .env');
  const unknown = await gaffer(['ps:run', 'other.web']);
  assert.equal(unknown.stderr, "'other.web' not found\n");
});

test('logs follows the events of the application', async () => {
  const logs = spawnCli('gaffer', ['-g', gafferd.url, 'logs', '--ps', 'worker'], { cwd: APP_DIR });
  // Keep scaling until logs, once subscribed, sees a spawn of the worker.
  let n = 1;
  const seen = logs.waitForLine(/^\d\d:\d\d:\d\d cli\.worker \| job\.cli\.worker\.spawn process with pid \d+$/);
  let found = false;
  void seen.then(() => { found = true; }, () => {});
  while (!found && n < 40) {
    await ok(['scale', `worker=${++n}`]);
    await Promise.race([seen.catch(() => {}), new Promise((r) => setTimeout(r, 250))]);
  }
  await seen;
  await ok(['scale', 'worker=1']);
  await logs.waitForLine(/cli\.worker \| job\.cli\.worker\.exit process with pid \d+$/);
  logs.kill('SIGINT');
  const result = await logs.done;
  assert.equal(result.code, 0);
  assert.ok(result.lines.every((l) => / cli\.worker \| job\.cli\.worker\./.test(l)), result.stdout);
});

test('send and recv through the process channel', async () => {
  assert.deepEqual(await ok(['-f', 'Procfile.echo', '-e', 'echo.env', 'load']), [`==> 'cli' has been loaded in ${gafferd.url}`]);
  const [pid] = await pidsOf('cli.echo');
  const recv = spawnCli('gaffer', ['-g', gafferd.url, 'recv', String(pid!)], { cwd: APP_DIR });
  let received = false;
  for (let i = 0; i < 40 && !received; i++) {
    await ok(['send', String(pid), `ping`, String(i)]);
    received = await recv.waitForLine(`ping ${i}`, 300).then(() => true, () => false);
  }
  assert.ok(received, 'recv never printed what send wrote');
  await ok(['send', String(pid), '-'], { input: 'line one\nline two\n.\nnot sent\n' });
  await recv.waitForLine('line two');
  recv.kill('SIGINT');
  const result = await recv.done;
  assert.equal(result.code, 0);
  assert.ok(!result.stdout.includes('not sent'));
  const [web] = await pidsOf('web');
  const noStdin = await gaffer(['send', String(web), 'x']);
  assert.equal(noStdin.code, 1);
  assert.equal(noStdin.stderr, "can't write on this process, (no stdin)\n");
  const gone = await gaffer(['recv', '99999']);
  assert.equal(gone.stderr, "process '99999' not found\n");
  const badPid = await gaffer(['recv', 'web']);
  assert.match(badPid.stderr, /^invalid <pid> value: 'web'/);
  assert.deepEqual(await ok(['-f', 'Procfile.echo', 'unload', '--no-input', 'echo']), ["job 'echo' unloaded"]);
});

test('load a JSON job file: sessions from the names, start flag, --nostart', async () => {
  const lines = await ok(['load', 'jobs.json']);
  assert.deepEqual(lines, [`'testapp.dummy' has been loaded in ${gafferd.url}`, `'cli.dummy1' has been loaded in ${gafferd.url}`, "'jobs.json' has been loaded"]);
  const cwdOf = async (sid: string, name: string): Promise<unknown> =>
    ((await fetch(`${gafferd.url}/jobs/${sid}/${name}`).then((r) => r.json())) as { config: { cwd: unknown } }).config.cwd;
  assert.equal(await cwdOf('testapp', 'dummy'), APP_DIR, 'a job without cwd runs in the job file\'s folder');
  assert.equal((await ok(['ps:info', 'testapp.dummy']))[0], 'active: True');
  assert.equal((await ok(['ps:info', 'cli.dummy1']))[0], 'active: False');
  assert.equal((await gaffer(['ps:info', 'dummy1'])).code, 1, 'dummy1 is not a type of the local Procfile');
  assert.deepEqual(await ok(['load', 'jobs.json']), ["'testapp.dummy' already loaded", "'cli.dummy1' already loaded", "'jobs.json' has been loaded"]);
  const invalid = await gaffer(['load', '-'], { input: '{"name": "x"}' });
  assert.equal(invalid.code, 1);
  assert.equal(invalid.stderr, 'invalid job config\n');
});

test('reload and unload: jobs, another application by name, the whole application', async () => {
  const before = await pidsOf('web');
  assert.deepEqual(await ok(['reload', 'web', '--no-input']), ["job 'web' reloaded"]);
  assert.deepEqual(await ok(['unload', 'worker', '--no-input']), ["job 'worker' unloaded"]);
  const other = await ok(['unload', 'testapp']);
  assert.deepEqual(other, ["Do you want to unload 'testapp'? [y]|n: ", "==> app 'testapp' unloaded"]);
  assert.deepEqual(await ok(['apps']), ['cli']);
  const missing = await gaffer(['unload', 'cli.nosuchtype', '--no-input']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "'cli.nosuchtype' not found in 'cli'\n");
  assert.notDeepEqual(await pidsOf('web'), before);
  assert.deepEqual(await ok(['unload', '--no-input']), ["==> app 'cli' unloaded"]);
  const gone = await gaffer(['unload', '--no-input']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, "'cli' not found\n");
  const ps = await gaffer(['ps']);
  assert.equal(ps.stderr, "'cli' not loaded\n");
});
