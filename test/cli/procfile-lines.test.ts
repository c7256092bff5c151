// The one rule for a Procfile line under gaffer start, gaffer load (a real gafferd), gaffer run and
// the exports: shell syntax runs under /bin/sh -c, a plain line is exec'd (no extra process) with
// $PORT substituted; each instance under gafferd gets its own PORT, also after scale; an exported
// config runs the app from another directory.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freeBase, untilServing } from '../helpers/app-dir.js';
import { consoleLine, runCli, spawnCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'gaffer-lines-'));
after(() => rmSync(work, { recursive: true, force: true }));
const app = join(work, 'lines');
mkdirSync(app);
const server = join(FIXTURES, 'port-server.js');
// Type 0 plain, 1 and 2 need a shell (an operator; a VAR=value prefix), 3 prints two lines through a shell.
writeFileSync(join(app, 'Procfile'), [
  `web-2: node ${server} --port $PORT`,
  `both: true && FOO=and node ${server} --port $PORT`,
  `env_prefix: FOO=bar node ${server} --port $PORT`,
  'echo: echo one && echo two',
  '',
].join('\n'));

interface Info { port: number; pid: number; ppid: number; foo: string | null; args: string[]; cwd: string }

test('gaffer start: shell lines run under /bin/sh -c, plain lines are exec\'d with $PORT substituted; web-2 is a valid type', async () => {
  const base = await freeBase([0, 100, 200]);
  const cli = spawnCli('gaffer', ['start', '-p', String(base)], { cwd: app });
  const infoOf = async (label: string): Promise<Info> => JSON.parse((await cli.waitForLine(consoleLine(label, /\{.*/))).split(' | ')[1]!) as Info;
  const plain = await infoOf('web-2.1');
  assert.deepEqual([plain.port, plain.args], [base, ['--port', String(base)]]);
  const spawned = await cli.waitForLine(consoleLine('web-2.1', /spawn process with pid \d+/));
  assert.equal(Number(/pid (\d+)$/.exec(spawned)![1]), plain.pid, 'a plain line is the process itself (no shell in between)');
  assert.deepEqual([(await infoOf('both.1')).foo, (await infoOf('both.1')).port], ['and', base + 100]);
  assert.deepEqual([(await infoOf('env_prefix.1')).foo, (await infoOf('env_prefix.1')).port], ['bar', base + 200]);
  await cli.waitForLine(consoleLine('echo.1', 'one'));
  await cli.waitForLine(consoleLine('echo.1', 'two'));
  assert.ok(!cli.lines.some((l) => l.includes('one && echo two')), 'the shell ran the && (not echo with literal words)');
  cli.kill('SIGINT');
  assert.equal((await cli.done).code, 0);
});

test('gaffer load: the same rule under gafferd, each instance on its own PORT, also after scale up and down', async () => {
  const gafferd = await startGafferd();
  const base = await freeBase([0, 1, 2, 100, 200]);
  const gaffer = async (...args: string[]): Promise<string> => {
    const result = await runCli('gaffer', ['-g', gafferd.url, ...args], { cwd: app });
    assert.equal(result.code, 0, `gaffer ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  await gaffer('load', '-p', String(base), '-c', 'echo=0');
  const plain = (await untilServing(base)) as unknown as Info;
  const osPidOf = async (job: string): Promise<number> => {
    const [pid] = (await fetch(`${gafferd.url}/jobs/lines/${job}`).then((r) => r.json()) as { processes: number[] }).processes;
    return (await fetch(`${gafferd.url}/${pid}`).then((r) => r.json()) as { os_pid: number }).os_pid;
  };
  assert.equal(await osPidOf('web-2'), plain.pid, 'a plain line is exec\'d directly');
  assert.equal(plain.cwd, app, 'the application root is the cwd');
  const both = (await untilServing(base + 100)) as unknown as Info;
  assert.equal(both.foo, 'and');
  assert.equal(both.ppid, await osPidOf('both'), 'a line with && runs under the shell gafferd started');
  assert.equal(((await untilServing(base + 200)) as unknown as Info).foo, 'bar');

  assert.match(await gaffer('scale', 'web-2=3'), /now running 3/);
  const three = await Promise.all([0, 1, 2].map((k) => untilServing(base + k)));
  assert.deepEqual(three.map((r) => r.port), [base, base + 1, base + 2]);
  assert.match(await gaffer('scale', 'web-2-1'), /now running 2/);
  assert.match(await gaffer('scale', 'web-2+1'), /now running 3/);
  const again = await Promise.all([0, 1, 2].map((k) => untilServing(base + k)));
  assert.deepEqual(again.map((r) => r.port), [base, base + 1, base + 2], 'scaling up again fills the free PORT');
  await gafferd.stop();
});

test('gaffer load warns when gafferd listens inside a type\'s PORT range', async () => {
  const gafferd = await startGafferd();
  const result = await runCli('gaffer', ['-g', gafferd.url, 'load', '--nostart', '-p', String(gafferd.port - 100)], { cwd: app });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`'both' gets PORT ${gafferd.port} and up, and gafferd listens on ${gafferd.port}; choose another base with -p`));
  await gafferd.stop();
});

test('export json -> gaffer load <file> from another folder: the rule, cwd, .env and PORT travel with it', async () => {
  const base = await freeBase([100]);
  const exported = await runCli('gaffer', ['export', 'json', 'both', '-p', String(base)], { cwd: app });
  assert.equal(exported.code, 0, exported.stderr);
  const file = join(work, 'both.json');
  writeFileSync(file, exported.stdout);
  const gafferd = await startGafferd();
  const loaded = await runCli('gaffer', ['-g', gafferd.url, 'load', file, '--app', 'moved'], { cwd: work });
  assert.equal(loaded.code, 0, loaded.stderr);
  const served = (await untilServing(base + 100)) as unknown as Info;
  assert.deepEqual([served.foo, served.cwd], ['and', app]);
  await gafferd.stop();
});

test('gaffer run: one quoted word follows the Procfile rule; several words are exec\'d as typed', async () => {
  const syntax = await runCli('gaffer', ['run', 'node -e process.exit(3)'], { cwd: app });
  assert.equal(syntax.code, 1, 'the shell rejects the unquoted parentheses, as foreman would');
  assert.match(syntax.stdout, /Syntax error|syntax error/);
  const status = await runCli('gaffer', ['run', 'node', '-e', 'process.exit(3)'], { cwd: app });
  assert.equal(status.code, 1, 'a non-zero exit is status 1');
  const shell = await runCli('gaffer', ['run', 'echo one && echo two'], { cwd: app });
  assert.equal(shell.code, 0, shell.stderr);
  assert.ok(shell.lines.some((l) => consoleLine('echo', 'two').test(l)), shell.stdout);
  const literal = await runCli('gaffer', ['run', 'echo', '$$', '$HOME', 'a b'], { cwd: app });
  assert.ok(literal.lines.some((l) => consoleLine('echo', '$$ $HOME a b').test(l)), literal.stdout);
  const pid = await runCli('gaffer', ['run', 'echo $$'], { cwd: app });
  assert.ok(pid.lines.some((l) => consoleLine('echo', /\d+/).test(l)), `$$ is the shell's pid: ${pid.stdout}`);
});
