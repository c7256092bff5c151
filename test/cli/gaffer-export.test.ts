// `gaffer export` (ini, json, systemd; 0.5 and 0.4 forms) and export -> load
// round trips through a real gafferd.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';

const APP_DIR = join(FIXTURES, 'cli');
const work = mkdtempSync(join(tmpdir(), 'gaffer-export-'));
after(() => rmSync(work, { recursive: true, force: true }));

// An application whose commands are absolute, so gafferd can run them from anywhere.
const appDir = join(work, 'roundtrip');
const sleeper = join(FIXTURES, 'sleeper.js');
mkdirSync(appDir);
writeFileSync(join(appDir, 'Procfile'), `web: ${process.execPath} ${sleeper} "two words" --port=$PORT\nworker: ${process.execPath} ${sleeper}\n`);
writeFileSync(join(appDir, '.env'), 'GREETING=hi\n');

async function ok(args: string[], cwd = APP_DIR): Promise<string> {
  const result = await runCli('gaffer', args, { cwd });
  assert.equal(result.code, 0, `gaffer ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

test('export ini (default): the jobs gaffer load sends: cwd, port, priority = position, numprocesses = -c, env', async () => {
  const env = ['env:PRINT_VARS = PORT,GREETING,EXTRA', 'env:GREETING = hello from .env'];
  assert.equal(await ok(['export', '-c', 'web=2']), [
    '[process:cli:web]', 'cmd = node', 'args = ../print-env.js --port $PORT', `cwd = ${APP_DIR}`, 'port = 5100', 'priority = 0',
    'numprocesses = 2', 'redirect_output = out, err', ...env, '',
    '[process:cli:worker]', 'cmd = node', 'args = ../sleeper.js', `cwd = ${APP_DIR}`, 'port = 5200', 'priority = 1',
    'numprocesses = 1', 'redirect_output = out, err', ...env, '',
  ].join('\n'));
  // One type keeps its position's PORT and priority.
  assert.equal(await ok(['export', '--format=ini', 'worker', '--app', 'shop', '-p', '7000']), [
    '[process:shop:worker]', 'cmd = node', 'args = ../sleeper.js', `cwd = ${APP_DIR}`, 'port = 7100', 'priority = 1',
    'numprocesses = 1', 'redirect_output = out, err', ...env, '',
  ].join('\n'));
});

test('export json <type>: the job gaffer load sends, with one-space indent', async () => {
  const text = await ok(['export', '--format', 'json', 'web']);
  assert.deepEqual(JSON.parse(text), {
    name: 'web', cmd: 'node', args: ['../print-env.js', '--port', '$PORT'], cwd: APP_DIR, port: 5100,
    env: { PRINT_VARS: 'PORT,GREETING,EXTRA', GREETING: 'hello from .env' }, numprocesses: 1, redirect_output: ['out', 'err'],
  });
  assert.match(text, /^\{\n "name": "web",\n/);
  const none = await runCli('gaffer', ['export', '--format=json'], { cwd: APP_DIR });
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'you should provide a process type to export\n');
  const unknown = await runCli('gaffer', ['export', 'json', 'nope'], { cwd: APP_DIR });
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "'nope' is not found\n");
});

test('0.4 forms: export ini FILE, export json <type> FILE; --out', async () => {
  await ok(['export', 'ini', join(work, 'app.ini')]);
  assert.match(readFileSync(join(work, 'app.ini'), 'utf8'), /^\[process:cli:web\]\n/);
  await ok(['export', 'json', 'worker', join(work, 'worker.json')]);
  assert.equal((JSON.parse(readFileSync(join(work, 'worker.json'), 'utf8')) as { name: string }).name, 'worker');
  await ok(['export', '--format=json', 'web', '--out', join(work, 'web.json')]);
  assert.equal((JSON.parse(readFileSync(join(work, 'web.json'), 'utf8')) as { name: string }).name, 'web');
});

test('export systemd: a target and one service per instance, with PORT per instance', async () => {
  const dir = join(work, 'units');
  const out = await ok(['export', '--format=systemd', '-c', 'web=2', '--out', dir]);
  assert.match(out, /^4 systemd units written to /);
  assert.deepEqual(readdirSync(dir).sort(), ['cli-web-1.service', 'cli-web-2.service', 'cli-worker-1.service', 'cli.target']);
  assert.match(readFileSync(join(dir, 'cli-web-2.service'), 'utf8'), /^Environment="PORT=5001"$/m);
  assert.match(readFileSync(join(dir, 'cli-worker-1.service'), 'utf8'), /^Environment="PORT=5100"$/m);
  assert.match(await ok(['export', 'systemd']), /^# ==> cli\.target <==\n\[Unit\]/);
});

test('round trip: export ini -> gafferd -c <file> loads the same jobs, words intact', async () => {
  const ini = join(work, 'exported.ini');
  await ok(['export', '--out', ini, '-c', 'worker=2'], appDir);
  const gafferd = await startGafferd({ config: readFileSync(ini, 'utf8') });
  const ctl = async (...args: string[]): Promise<string> => {
    const result = await runCli('gafferctl', ['--connect', gafferd.url, ...args]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  assert.equal(await ctl('processes'), '["roundtrip.web", "roundtrip.worker"]\n');
  assert.equal(await ctl('numprocesses', 'roundtrip.worker'), '2\n');
  const [pid] = JSON.parse(await ctl('pids', 'roundtrip.web')) as number[];
  const info = await runCli('gaffer', ['-g', gafferd.url, 'ps:info', String(pid), '--json'], { cwd: work });
  // The exported `port` gives each instance its PORT, substituted in the plain line's words.
  assert.deepEqual((JSON.parse(info.stdout) as { args: string[] }).args, [sleeper, 'two words', '--port=5100']);
  await gafferd.stop();
});

test('round trip: export json -> gaffer load <file> --app, and gafferctl load_process', async () => {
  const file = join(work, 'rt-web.json');
  await ok(['export', 'json', 'web', file], appDir);
  const gafferd = await startGafferd();
  const loaded = await runCli('gaffer', ['-g', gafferd.url, 'load', file, '--app', 'shop'], { cwd: work });
  assert.equal(loaded.stdout, `'shop.web' has been loaded in ${gafferd.url}\n'${file}' has been loaded\n`, loaded.stderr);
  const config = JSON.parse((await runCli('gafferctl', ['--connect', gafferd.url, 'get_process', 'shop.web'])).stdout) as Record<string, unknown>;
  const exported = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of ['cmd', 'args', 'cwd', 'port', 'env', 'numprocesses']) assert.deepEqual(config[key], exported[key], key);
  const viaCtl = await runCli('gafferctl', ['--connect', gafferd.url, 'load_process', '--start', file]);
  assert.equal(viaCtl.stdout, 'web\n', viaCtl.stderr);
  assert.equal((await runCli('gafferctl', ['--connect', gafferd.url, 'status', 'web'])).stdout, 'active\n');
  await gafferd.stop();
});
