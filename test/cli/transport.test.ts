// The clients over a unix socket and over TLS (--cacert), with real gafferd processes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-transport-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SLEEPER = [process.execPath, join(FIXTURES, 'sleeper.js')];

test('unix:/path endpoints: gafferctl, gaffer, watch (SSE) and send (websocket) over the socket', async () => {
  const socket = join(dir, 'gafferd.sock');
  await startGafferd({ args: ['--bind', `unix:${socket}`] });
  const endpoint = `unix:${socket}`;
  const watch = spawnCli('gafferctl', ['--connect', endpoint, 'watch', 'spawn']);
  const added = await runCli('gafferctl', ['--connect', endpoint, 'add_process', '--start', 'sock', ...SLEEPER]);
  assert.equal(added.stdout, 'sock\n', added.stderr);
  // The watch may subscribe after the first spawn: restart until it sees one.
  let seen = false;
  const line = watch.waitForLine(/ sock \| spawn sock pid \d+ os_pid \d+$/).then(() => { seen = true; });
  for (let i = 0; i < 20 && !seen; i++) {
    await runCli('gafferctl', ['--connect', endpoint, 'restart', 'sock']);
    await Promise.race([line, new Promise((r) => setTimeout(r, 250))]);
  }
  await line;
  watch.kill('SIGINT');
  assert.equal((await watch.done).code, 0);
  const apps = await runCli('gaffer', ['-g', endpoint, 'apps']);
  assert.equal(apps.stdout, 'default\n', apps.stderr);
  const info = await runCli('gaffer', ['-g', endpoint, 'ps:info', 'default.sock'], { cwd: dir });
  assert.equal(info.lines[0], 'active: True');
  // The PID channel websocket over the socket: send waits for the server's OK.
  const echo = JSON.stringify({ name: 'echo', cmd: process.execPath, args: [join(FIXTURES, 'echo.js')], redirect_input: true, redirect_output: ['out'] });
  assert.equal((await runCli('gafferctl', ['--connect', endpoint, 'load_process', '--start', '-'], { input: echo })).stdout, 'echo\n');
  const [pid] = JSON.parse((await runCli('gafferctl', ['--connect', endpoint, 'pids', 'echo'])).stdout) as number[];
  const sent = await runCli('gaffer', ['-g', endpoint, 'send', String(pid), 'hello'], { cwd: dir });
  assert.equal(sent.code, 0, sent.stderr);
});

test('https: --cacert verifies gafferd; without it the TLS failure is one line with the fix', async () => {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const gafferd = await startGafferd({ args: ['--certfile', cert, '--keyfile', key] });
  const url = `https://127.0.0.1:${gafferd.port}`;
  const refused = await runCli('gafferctl', ['--connect', url, 'processes']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^gafferctl: TLS connection to gafferd at https:\/\/127\.0\.0\.1:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\); pass the CA .* with --cacert FILE/);
  const trusted = await runCli('gafferctl', ['--connect', url, '--cacert', cert, 'add_process', '--start', 'secure', ...SLEEPER]);
  assert.equal(trusted.stdout, 'secure\n', trusted.stderr);
  const watch = spawnCli('gafferctl', ['--connect', url, '--cacert', cert, 'watch', 'exit']);
  let seen = false;
  const line = watch.waitForLine(/ secure \| exit secure pid \d+ os_pid \d+ (status|signal) \d+$/).then(() => { seen = true; });
  for (let i = 0; i < 20 && !seen; i++) {
    await runCli('gafferctl', ['--connect', url, '--cacert', cert, 'restart', 'secure']);
    await Promise.race([line, new Promise((r) => setTimeout(r, 250))]);
  }
  await line;
  watch.kill('SIGINT');
  assert.equal((await watch.done).code, 0);
  const gaffer = await runCli('gaffer', ['-g', url, '--cacert', cert, 'apps'], { cwd: dir });
  assert.equal(gaffer.stdout, 'default\n', gaffer.stderr);
  const missingCa = await runCli('gaffer', ['-g', url, '--cacert', join(dir, 'nope.pem'), 'apps'], { cwd: dir });
  assert.equal(missingCa.code, 1);
  assert.match(missingCa.stderr, /cannot read the --cacert file '.*nope\.pem' \(ENOENT\)/);
});

test('gaffer takes the CA (and API key) of the node from the user configuration', async () => {
  const cert = join(dir, 'cert.pem');
  const gafferd = await startGafferd({ args: ['--certfile', cert, '--keyfile', join(dir, 'key.pem')] });
  const url = `https://127.0.0.1:${gafferd.port}`;
  const config = join(dir, 'gaffer.ini');
  writeFileSync(config, `[node "${url}"]\nkey = 0123456789abcdef\ncacert = ${cert}\n`);
  const result = await runCli('gaffer', ['-g', url, 'apps'], { cwd: dir, env: { GAFFER_CONFIG: config } });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  const otherNode = await runCli('gaffer', ['-g', `https://localhost:${gafferd.port}`, 'apps'], { cwd: dir, env: { GAFFER_CONFIG: config } });
  assert.equal(otherNode.code, 1);
  assert.match(otherNode.stderr, /TLS connection to gafferd at https:\/\/localhost:\d+ failed/);
});
