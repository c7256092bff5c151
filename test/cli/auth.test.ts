// API keys: a gafferd that requires them (--require-key) and the clients'
// --key / --api-key, environment variables, user configuration and messages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES, ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-cli-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const created = spawnSync(process.execPath, [join(ROOT, 'bin', 'gafferd.js'), '-c', dir, '--create-admin-user', '--username', 'admin', '--password', 'secret'], { encoding: 'utf8' });
const KEY = /API Key: ([0-9a-f]{32})/.exec(created.stdout)?.[1] ?? '';
const gafferd = await startGafferd({ args: ['-c', dir, '--require-key'] });

test('the admin key was created', () => {
  assert.match(KEY, /^[0-9a-f]{32}$/, created.stdout + created.stderr);
});

test('gafferctl: no key is 401, a wrong key 403, --key and GAFFERCTL_KEY work', async () => {
  const none = await runCli('gafferctl', ['--connect', gafferd.url, 'processes']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'gafferctl: Unauthorized access. You need an API key: pass --key KEY or set GAFFERCTL_KEY\n');
  const wrong = await runCli('gafferctl', ['--connect', gafferd.url, '--key', '0'.repeat(32), 'processes']);
  assert.equal(wrong.code, 1);
  assert.equal(wrong.stderr, "gafferctl: Forbidden access. API key permissions aren't enough for this command, or gafferd does not know the key (check --key or GAFFERCTL_KEY)\n");
  assert.equal((await runCli('gafferctl', ['--connect', gafferd.url, '--key', KEY, 'processes'])).stdout, '[]\n');
  const env = await runCli('gafferctl', ['--connect', gafferd.url, 'add_process', '--start', 'keyed', process.execPath, join(FIXTURES, 'sleeper.js')], { env: { GAFFERCTL_KEY: KEY } });
  assert.equal(env.stdout, 'keyed\n', env.stderr);
});

test('gafferctl watch sends the key with the feed request', async () => {
  const watch = spawnCli('gafferctl', ['--connect', gafferd.url, '--key', KEY, 'watch', 'spawn']);
  let seen = false;
  const line = watch.waitForLine(/ keyed \| spawn keyed pid \d+ os_pid \d+$/).then(() => { seen = true; });
  for (let i = 0; i < 20 && !seen; i++) {
    await runCli('gafferctl', ['--connect', gafferd.url, '--key', KEY, 'restart', 'keyed']);
    await Promise.race([line, new Promise((r) => setTimeout(r, 250))]);
  }
  await line;
  watch.kill('SIGINT');
  assert.equal((await watch.done).code, 0);
  const refused = await runCli('gafferctl', ['--connect', gafferd.url, 'watch']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Unauthorized access/);
});

test('gaffer: the cli.md messages, --api-key, GAFFER_API_KEY and the user configuration', async () => {
  const none = await runCli('gaffer', ['-g', gafferd.url, 'apps'], { cwd: dir });
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'Unauthorized access. You need an API key\n');
  const wrong = await runCli('gaffer', ['-g', gafferd.url, '--api-key', 'f'.repeat(32), 'apps'], { cwd: dir });
  assert.equal(wrong.stderr, "Forbidden access. API key permissions aren't enough\n");
  assert.equal((await runCli('gaffer', ['-g', gafferd.url, '--api-key', KEY, 'apps'], { cwd: dir })).stdout, 'default\n');
  assert.equal((await runCli('gaffer', ['-g', gafferd.url, 'apps'], { cwd: dir, env: { GAFFER_API_KEY: KEY } })).stdout, 'default\n');
  const config = join(dir, 'gaffer.ini');
  writeFileSync(config, `[node "${gafferd.url}"]\nkey = ${KEY}\n`);
  const fromConfig = await runCli('gaffer', ['-g', gafferd.url, 'apps'], { cwd: dir, env: { GAFFER_CONFIG: config } });
  assert.equal(fromConfig.stdout, 'default\n', fromConfig.stderr);
});

test('gaffer send authenticates the process channel with AUTH:<key>', async () => {
  const echo = JSON.stringify({ name: 'echo', cmd: process.execPath, args: [join(FIXTURES, 'echo.js')], redirect_input: true, redirect_output: ['out'] });
  const loaded = await runCli('gafferctl', ['--connect', gafferd.url, '--key', KEY, 'load_process', '--start', '-'], { input: echo });
  assert.equal(loaded.stdout, 'echo\n', loaded.stderr);
  const [pid] = JSON.parse((await runCli('gafferctl', ['--connect', gafferd.url, '--key', KEY, 'pids', 'echo'])).stdout) as number[];
  const sent = await runCli('gaffer', ['-g', gafferd.url, '--api-key', KEY, 'send', String(pid), 'hello'], { cwd: dir });
  assert.equal(sent.code, 0, sent.stderr);
});
