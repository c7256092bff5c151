// Usage errors, help, version, unknown commands and an unreachable daemon,
// for both gaffer and gafferctl (no daemon needed).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/paths.js';


test('gafferctl: version, help, help <command>, no command', async () => {
  const version = await runCli('gafferctl', ['--version']);
  assert.equal(version.stdout, 'gaffer (version 0.5.2)\nReleased under the MIT licence.\n');
  assert.equal((await runCli('gafferctl', ['-v'])).code, 0);
  for (const args of [[], ['help'], ['--help']]) {
    const help = await runCli('gafferctl', args);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: gafferctl \[--version\] \[--connect=<endpoint>\]/);
    const commands = help.lines.filter((l) => l.startsWith('\t')).map((l) => l.split('\t')[1]!.trim());
    assert.deepEqual(commands, [...commands].sort());
    for (const name of ['processes', 'add_process', 'load_process', 'get_process', 'update_process', 'del_process', 'start', 'stop',
      'add', 'sub', 'status', 'running', 'numprocesses', 'pids', 'kill', 'watch', 'help']) assert.ok(commands.includes(name), name);
  }
  const watchHelp = await runCli('gafferctl', ['help', 'watch']);
  assert.match(watchHelp.stdout, /^Usage: gafferctl watch \[options\] \[pattern\]/);
  assert.match(watchHelp.stdout, /--no-colorize/);
  assert.equal((await runCli('gafferctl', ['status', '-h'])).code, 0);
});

test('gafferctl: unknown command exits 1, usage errors exit 2 with the usage on stdout', async () => {
  const unknown = await runCli('gafferctl', ['frobnicate']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "Unknown command 'frobnicate'\n");
  const missing = await runCli('gafferctl', ['status']);
  assert.equal(missing.code, 2);
  assert.deepEqual(missing.lines.slice(0, 2), ["Error: missing required argument 'name'", 'Usage: gafferctl status [options] <name>']);
  const option = await runCli('gafferctl', ['status', 'web', '--frob']);
  assert.equal(option.code, 2);
  assert.equal(option.lines[0], "Error: unknown option '--frob'");
  const extra = await runCli('gafferctl', ['status', 'a', 'b']);
  assert.equal(extra.code, 2);
  const count = await runCli('gafferctl', ['add', 'web', 'many']);
  assert.equal(count.code, 2);
  assert.match(count.lines[0]!, /^Error: .*expected a positive integer, got "many"/);
});

test('an unreachable daemon is one line naming the address and how to point elsewhere', async () => {
  const port = await freePort();
  const ctl = await runCli('gafferctl', ['--connect', `http://127.0.0.1:${port}`, 'status', 'web']);
  assert.equal(ctl.code, 1);
  assert.deepEqual(ctl.errLines, [`gafferctl: cannot reach gafferd at http://127.0.0.1:${port} (ECONNREFUSED); is it running? use --connect URL (or GAFFERCTL_ENDPOINT) to point elsewhere`]);
  const gaffer = await runCli('gaffer', ['--endpoint', `http://127.0.0.1:${port}`, 'apps']);
  assert.equal(gaffer.code, 1);
  assert.deepEqual(gaffer.errLines, [`gaffer: cannot reach gafferd at http://127.0.0.1:${port} (ECONNREFUSED); is it running? use --endpoint URL (or -g URL) to point elsewhere`]);
  const socket = await runCli('gafferctl', ['--connect', 'unix:/nonexistent/gafferd.sock', 'processes']);
  assert.deepEqual(socket.errLines, ['gafferctl: cannot reach gafferd at unix:/nonexistent/gafferd.sock (ENOENT); is it running? use --connect URL (or GAFFERCTL_ENDPOINT) to point elsewhere']);
  const bad = await runCli('gafferctl', ['--connect', 'ftp://x', 'processes']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid gafferd address "ftp:\/\/x": expected http:\/\/host:port, https:\/\/host:port or unix:\/path\/to\/socket/);
});

test('gaffer: version, help, unknown command, usage errors', async () => {
  assert.equal((await runCli('gaffer', ['--version'])).stdout, 'gaffer version 0.5.2\n');
  const help = await runCli('gaffer', ['--help']);
  assert.equal(help.code, 0);
  for (const name of ['start', 'run', 'export', 'load', 'unload', 'scale', 'ps', 'apps', 'reload', 'ps:info', 'ps:start', 'ps:stop',
    'ps:kill', 'ps:run', 'ps:scale', 'logs', 'send', 'recv', 'lookup:nodes', 'dev:start', 'dev:run']) {
    assert.match(help.stdout, new RegExp(`^  ${name.replace(':', '\\:')} `, 'm'), name);
  }
  assert.match(help.stdout, /\nUsers and API keys \(gafferd with require_key\):\n  login  /);
  for (const name of ['login', 'user', 'user:add', 'user:del', 'user:setpassword', 'user:setkey', 'key', 'key:create', 'key:delete']) {
    assert.match(help.stdout, new RegExp(`^  ${name.replace(':', '\\:')} `, 'm'), name);
  }
  assert.doesNotMatch(help.stdout, /not available/i);
  const unknown = await runCli('gaffer', ['frobnicate']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.errLines[0], "Unknown command: 'frobnicate'");
  assert.match(unknown.stdout, /^usage: gaffer/);
  const option = await runCli('gaffer', ['start', '--frob']);
  assert.equal(option.code, 2);
  assert.equal(option.lines[0], "Error: unknown option '--frob'");
  const port = await runCli('gaffer', ['start', '-p', 'http']);
  assert.equal(port.code, 2);
  assert.match(port.lines[0]!, /^Error: option '-p, --port <PORT>' argument 'http' is invalid/);
  const scale = await runCli('gaffer', ['help', 'scale']);
  assert.match(scale.stdout, /^Usage: gaffer scale \[options\] <args\.\.\.>/);
});

test('gaffer: the user and key commands check their arguments before asking gafferd anything', async () => {
  const perm = await runCli('gaffer', ['key:create', 'app+z', '--no-input']);
  assert.equal(perm.code, 1);
  assert.match(perm.stderr, /^invalid permission 'app\+z': expected/);
  const type = await runCli('gaffer', ['user:add', 'bob', '-t', '7']);
  assert.deepEqual([type.code, type.stderr], [1, "invalid user type '7': expected 0 (user/administrator) or 1 (application)\n"]);
  const missing = await runCli('gaffer', ['user:setkey']);
  assert.equal(missing.code, 2);
  assert.equal(missing.lines[0], "Error: missing required argument 'username'");
});

test('gaffer: explicit application names are checked', async () => {
  const result = await runCli('gaffer', ['ps', '--app', 'Bad.Name'], { cwd: join(FIXTURES, 'cli') });
  assert.equal(result.code, 1);
  assert.equal(result.stderr, "Invalid APP name: 'Bad.Name'\n");
});
