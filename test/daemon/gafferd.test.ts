import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { isAlive } from '../helpers/events.js';
import { getJson, runGafferd, startGafferd, until } from '../helpers/gafferd.js';

async function osPidsOf(url: string): Promise<number[]> {
  const { pids } = await getJson(`${url}/pids`);
  return Promise.all((pids as number[]).map(async (pid) => (await getJson(`${url}/${pid}`)).os_pid as number));
}

test('with no config file gafferd runs on defaults and serves the API', async () => {
  const d = await startGafferd();
  assert.deepEqual(await getJson(`${d.url}/`), { welcome: 'gaffer', version: '0.5.2' });
  assert.deepEqual(await getJson(`${d.url}/jobs`), { jobs: [] });
  assert.match(d.logs.join('\n'), /no config file: defaults/);
  assert.equal(await d.stop(), 0);
});

test('jobs of the config are loaded in priority order, groups are sessions', async () => {
  const d = await startGafferd({
    config: [
      '[process:late]', `cmd = ${fixtureCmd('sleeper.js')}`, '',
      '[process:app:second]', `cmd = ${fixtureCmd('sleeper.js')}`, 'priority = 2', '',
      '[job:first]', `cmd = ${fixtureCmd('sleeper.js')}`, 'priority = 1', 'numprocesses = 2', '',
    ].join('\n'),
  });
  assert.deepEqual((await getJson(`${d.url}/jobs`)).jobs, ['default.first', 'default.late', 'app.second']);
  assert.deepEqual(await getJson(`${d.url}/processes`), ['first', 'late', 'app.second']);
  assert.deepEqual((await getJson(`${d.url}/pids`)).pids, [1, 2, 3, 4]);
  assert.deepEqual((await getJson(`${d.url}/jobs/default/first/pids`)).pids, [1, 2]);
});

test('SIGTERM stops every child, including one that ignores SIGTERM, then exits 0', async () => {
  const d = await startGafferd({
    config: [
      '[process:sleepy]', `cmd = ${fixtureCmd('sleeper.js')}`, 'numprocesses = 3', '',
      '[process:stubborn]', `cmd = ${fixtureCmd('ignore-sigterm.js')}`, 'graceful_timeout = 0.5', 'redirect_output = out', '',
      '[process:pipeline]', 'cmd = sleep 1000 | sleep 1001', 'shell = true', '',
    ].join('\n'),
  });
  const osPids = await until(() => osPidsOf(d.url), (p) => p.length === 5 && p.every((x) => x > 0), '5 processes');
  assert.ok(osPids.every(isAlive));
  assert.equal(await d.stop('SIGTERM'), 0);
  assert.deepEqual(osPids.filter(isAlive), [], 'no child outlives gafferd');
  assert.match(d.logs.join('\n'), /gafferd stopped/);
});

test('SIGINT and SIGQUIT also stop gracefully with status 0', async () => {
  for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
    const d = await startGafferd({ config: `[process:s]\ncmd = ${fixtureCmd('sleeper.js')}\n` });
    const [osPid] = await until(() => osPidsOf(d.url), (p) => p.length === 1 && p[0]! > 0, 'one process');
    assert.equal(await d.stop(signal), 0);
    assert.ok(!isAlive(osPid!));
  }
});

test('SIGHUP reloads: new jobs load, removed jobs unload, changed jobs update, untouched jobs keep their pids', async () => {
  const keep = `[process:keep]\ncmd = ${fixtureCmd('sleeper.js')}\nnumprocesses = 2\n`;
  const d = await startGafferd({
    config: `${keep}\n[process:gone]\ncmd = ${fixtureCmd('sleeper.js')}\n\n[process:change]\ncmd = ${fixtureCmd('sleeper.js')}\n`,
  });
  const keepPids = (await getJson(`${d.url}/jobs/default/keep/pids`)).pids;
  const changePids = (await getJson(`${d.url}/jobs/default/change/pids`)).pids;
  writeFileSync(join(d.dir, 'gaffer.ini'), [
    keep,
    '[process:change]', `cmd = ${fixtureCmd('sleeper.js')}`, 'numprocesses = 3', 'env:MODE = changed', '',
    '[process:fresh]', `cmd = ${fixtureCmd('sleeper.js')}`, '',
  ].join('\n'));
  d.child.kill('SIGHUP');
  await d.waitForLog(/reloading the configuration: 1 new, 1 removed, 1 changed, 1 unchanged/);
  const jobs = await until(() => getJson(`${d.url}/jobs`), (j) => j.jobs.length === 3 && j.jobs.includes('default.fresh'), 'the reloaded job list');
  assert.deepEqual(jobs.jobs.sort(), ['default.change', 'default.fresh', 'default.keep']);
  assert.deepEqual((await getJson(`${d.url}/jobs/default/keep/pids`)).pids, keepPids, 'untouched job keeps its processes');
  const changed = await until(() => getJson(`${d.url}/jobs/default/change/pids`), (p) => p.pids.length === 3, '3 processes of the changed job');
  assert.ok(changed.pids.every((p: number) => !changePids.includes(p)), 'the changed job was restarted');
  const info = await getJson(`${d.url}/jobs/default/change`);
  assert.equal(info.config.env.MODE, 'changed');
});

test('a configuration that fails to parse on SIGHUP changes nothing and is logged', async () => {
  const d = await startGafferd({ config: `[process:s]\ncmd = ${fixtureCmd('sleeper.js')}\n` });
  const before = (await getJson(`${d.url}/pids`)).pids;
  writeFileSync(join(d.dir, 'gaffer.ini'), `[process:s]\ncmd = ${fixtureCmd('sleeper.js')}\nnumprocesses = lots\n`);
  d.child.kill('SIGHUP');
  const line = await d.waitForLog(/reload failed/);
  assert.match(line, /\[process:s\] numprocesses = "lots": expected an integer/);
  assert.deepEqual((await getJson(`${d.url}/pids`)).pids, before);
});

test('a bad configuration stops start-up with one line naming file, section and key, status 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gafferd-bad-'));
  const file = join(dir, 'gaffer.ini');
  writeFileSync(file, '[process:web]\ncmd = node x.js\nnumproceses = 2\n');
  const result = await runGafferd(['-c', file]);
  assert.equal(result.code, 1);
  assert.match(result.stderr.trim(), /gaffer\.ini \[process:web\] unknown key "numproceses": did you mean "numprocesses"\?/);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  const missing = await runGafferd(['-c', join(dir, 'missing.ini')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing\.ini/);
});

test('a bind failure is a start-up error', async () => {
  const d = await startGafferd();
  const result = await runGafferd(['--bind', `127.0.0.1:${d.port}`]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /EADDRINUSE|in use/);
});

test('pid file: written, removed on exit; a live one refuses start; a stale one is replaced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gafferd-pid-'));
  const pidfile = join(dir, 'gafferd.pid');
  const d = await startGafferd({ args: ['--pidfile', pidfile] });
  assert.equal(readFileSync(pidfile, 'utf8'), `${d.child.pid}\n`);
  const second = await runGafferd(['--pidfile', pidfile, '--bind', '127.0.0.1:0']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`Already running on PID ${d.child.pid}`));
  assert.equal(await d.stop(), 0);
  assert.ok(!existsSync(pidfile), 'removed on exit');
  writeFileSync(pidfile, '999999\n');
  const fresh = await startGafferd({ args: ['--pidfile', pidfile] });
  assert.equal(readFileSync(pidfile, 'utf8'), `${fresh.child.pid}\n`);
});

test('--daemon detaches, returns once serving, and the daemon stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gafferd-daemon-'));
  const pidfile = join(dir, 'gafferd.pid');
  const log = join(dir, 'gafferd.log');
  const ini = join(dir, 'gaffer.ini');
  writeFileSync(ini, `[process:s]\ncmd = ${fixtureCmd('sleeper.js')}\n`);
  const result = await runGafferd(['--daemon', '-c', ini, '--pidfile', pidfile, '--error-log', log, '--bind', '127.0.0.1:0'], dir);
  assert.equal(result.code, 0, result.stderr);
  const pid = Number(readFileSync(pidfile, 'utf8'));
  assert.ok(isAlive(pid));
  // The log file is written asynchronously by the daemon: wait for the line.
  const listening = await until(async () => (existsSync(log) ? readFileSync(log, 'utf8') : ''), (text) => /HTTP API listening on/.test(text), 'the listen log line');
  const port = Number(/HTTP API listening on 127\.0\.0\.1:(\d+)/.exec(listening)?.[1]);
  const [osPid] = await until(() => osPidsOf(`http://127.0.0.1:${port}`), (p) => p.length === 1 && p[0]! > 0, 'the daemon job');
  process.kill(pid, 'SIGTERM');
  await until(async () => isAlive(pid), (alive) => !alive, 'the daemon to exit');
  assert.ok(!isAlive(osPid!));
  assert.ok(!existsSync(pidfile));
});

test('several endpoints at once: TCP and a unix socket from [endpoint:*] sections', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gafferd-ep-'));
  const sock = join(dir, 'gafferd.sock');
  const d = await startGafferd({
    config: ['[gaffer]', 'http_endpoints = public, local', '',
      '[endpoint:public]', 'bind = 127.0.0.1:0', '',
      '[endpoint:local]', `bind = unix:${sock}`, '',
      '[process:s]', `cmd = ${fixtureCmd('sleeper.js')}`, ''].join('\n'),
  });
  await d.waitForLog(new RegExp(`HTTP API listening on unix:${sock.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  assert.deepEqual((await getJson(`${d.url}/jobs`)).jobs, ['default.s']);
  const { request } = await import('node:http');
  const viaSocket = await new Promise<string>((resolve, reject) => {
    request({ socketPath: sock, path: '/jobs' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(body));
    }).on('error', reject).end();
  });
  assert.deepEqual(JSON.parse(viaSocket), { jobs: ['default.s'] });
});

test('-v prints every event once and -vv the output of processes too', async () => {
  const d = await startGafferd({
    args: ['-vv'],
    config: `[process:talker]\ncmd = ${fixtureCmd('crash-after.js', 60000, 0)}\nredirect_output = out, err\n`,
  });
  await d.waitForLog(/^\d\d:\d\d:\d\d talker \| spawn process with pid \d+$/);
  await d.waitForLog(/^\d\d:\d\d:\d\d talker \| started \d+$/);
  assert.ok(d.stdout.some((l) => / talker \| create talker$/.test(l)), 'every event with -v');
  // Once: the per-job companions (proc.talker.spawn...) of the global events are not printed again.
  assert.deepEqual(d.stdout.filter((l) => / talker \| (proc\.talker\.)?spawn /.test(l)).map((l) => l.slice(9)), [d.stdout.find((l) => / talker \| spawn /.test(l))!.slice(9)]);
  assert.ok(!d.stdout.some((l) => l.includes('proc.talker.')), d.stdout.join('\n'));
  assert.ok(d.stdout.every((l) => !l.includes('\u001b[')), 'no colour when stdout is not a terminal');
});

test('crash recovery: after a SIGKILL of gafferd, the next start stops the survivors and the jobs run once', async () => {
  const state = mkdtempSync(join(tmpdir(), 'gafferd-crash-'));
  // output_history = off: the sleepers' stdout is not a pipe to gafferd, so one that prints its line
  // after the SIGKILL does not die of EPIPE; they must survive to be recovered (docs/config.md).
  const config = [
    '[process:web]', `cmd = ${fixtureCmd('sleeper.js')}`, 'numprocesses = 2', 'output_history = off', '',
    '[process:pipe]', 'cmd = sleep 1000 | sleep 1001', 'shell = true', '',
  ].join('\n');
  const first = await startGafferd({ config, env: { GAFFERD_STATE_DIR: state } });
  const osPids = await until(() => osPidsOf(first.url), (p) => p.length === 3 && p.every((x) => x > 0), 'three processes');
  // The record of live children is written (debounced) to the state directory.
  await until(async () => {
    try {
      return JSON.parse(readFileSync(join(state, 'children.json'), 'utf8')).children.length as number;
    } catch {
      return 0;
    }
  }, (n) => n === 3, 'the children record');
  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok(osPids.every(isAlive), 'the children outlived the SIGKILLed gafferd');
  const t0 = Date.now();
  const second = await startGafferd({ config, env: { GAFFERD_STATE_DIR: state } });
  await second.waitForLog(/recovered 5 processes left by a previous gafferd .* default\.pipe os pid \d+ \(\+2 in its process group/);
  const recoveryMs = Date.now() - t0;
  assert.deepEqual(osPids.filter(isAlive), [], 'no process of the first run is left (pipeline members included)');
  const fresh = await until(() => osPidsOf(second.url), (p) => p.length === 3 && p.every((x) => x > 0), 'the jobs running again');
  assert.ok(fresh.every((p) => !osPids.includes(p)));
  assert.deepEqual((await getJson(`${second.url}/jobs/default/web/pids`)).pids.length, 2, 'the job runs once, not twice');
  process.stdout.write(`# crash recovery: gafferd restart to survivors stopped in ${recoveryMs} ms\n`);
});

test('on_give_up = exit: when a critical job flaps out, gafferd stops everything and exits 1', async () => {
  const d = await startGafferd({
    config: [
      '[process:steady]', `cmd = ${fixtureCmd('sleeper.js')}`, '',
      '[process:critical]', `cmd = ${fixtureCmd('crash-after.js', 0, 3)}`, 'flapping = 2, 5, 0.1, 0', 'on_give_up = exit', '',
    ].join('\n'),
  });
  const code = await d.exited;
  assert.equal(code, 1);
  assert.match(d.logs.join('\n'), /job 'default\.critical' was given up and has on_give_up = exit: stopping gafferd with status 1/);
  assert.match(d.logs.join('\n'), /gafferd stopped/);
});

test('a log reader that goes away (EPIPE on stderr) neither loops nor stops gafferd; SIGTERM still exits 0', async () => {
  const { spawn } = await import('node:child_process');
  const { ROOT } = await import('../helpers/paths.js');
  const dir = mkdtempSync(join(tmpdir(), 'gafferd-epipe-'));
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gafferd.js'), '--bind', '127.0.0.1:0', '-v'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GAFFERD_STATE_DIR: join(dir, 'state') },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve) => {
    let text = '';
    child.stderr.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /HTTP API listening on 127\.0\.0\.1:(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
  });
  // The reader goes away: every later write to stdout/stderr fails with EPIPE.
  child.stdout.destroy();
  child.stderr.destroy();
  child.kill('SIGHUP');
  await fetch(`http://127.0.0.1:${port}/jobs/default`, { method: 'POST', body: JSON.stringify({ name: 'x', cmd: '/no/such/binary' }) });
  assert.deepEqual(await getJson(`http://127.0.0.1:${port}/jobs`), { jobs: ['default.x'] }, 'still serving');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
