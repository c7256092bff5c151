// Mistakes a new user makes that issue 14 does not list, found by walking the
// tour with the built bins: each is a sentence naming what is wrong and a
// non-zero status (usage errors 2 with the usage line). gafferd's own command
// line, gaffer run/export/-e, gaffer load without a Procfile, an unresolvable
// --bind host and a wrong gafferctl key.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { runGafferd, startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

const APP_DIR = join(FIXTURES, 'mistakes');
const EMPTY = mkdtempSync(join(tmpdir(), 'first-hour-'));
after(() => rmSync(EMPTY, { recursive: true, force: true }));

const GAFFERD_USAGE = ['Usage: gafferd [options] [config]', "Run 'gafferd --help' for the options."];

test('gafferd: an unknown option, a missing value or a second config is a usage error (status 2, usage line, nothing started)', async () => {
  const typo = await runGafferd(['--bnd', '127.0.0.1:5001']);
  assert.equal(typo.code, 2);
  assert.deepEqual(typo.stderr.trimEnd().split('\n'), ["gafferd: unknown option '--bnd'", '(Did you mean --bind?)', ...GAFFERD_USAGE]);
  assert.equal(typo.stdout, '');
  const missing = await runGafferd(['--bind']);
  assert.equal(missing.code, 2);
  assert.deepEqual(missing.stderr.trimEnd().split('\n'), ["gafferd: option '--bind <address>' argument missing", ...GAFFERD_USAGE]);
  const extra = await runGafferd(['a.ini', 'b.ini']);
  assert.equal(extra.code, 2);
  assert.deepEqual(extra.stderr.trimEnd().split('\n'), ['gafferd: too many arguments. Expected 1 argument but got 2.', ...GAFFERD_USAGE]);
  const help = await runGafferd(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: gafferd \[options\] \[config\]/);
});

test('gafferd --log-level with a typo is refused like log_level in the file (status 1), not taken as info', async () => {
  const result = await runGafferd(['--log-level', 'dbug', '--bind', '127.0.0.1:0']);
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'gafferd: --log-level "dbug": expected one of critical, error, warning, info, debug\n');
});

test('gafferd --bind with a host name that does not resolve says so (status 1)', async () => {
  const port = await freePort();
  const result = await runGafferd(['--bind', `no-such-host.invalid:${port}`]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`^gafferd: cannot listen on no-such-host\\.invalid:${port}: getaddrinfo (ENOTFOUND|EAI_AGAIN) no-such-host\\.invalid; the host name does not resolve; give an IP address \\(127\\.0\\.0\\.1, 0\\.0\\.0\\.0\\) or a resolvable name\\n$`));
});

test('gaffer run -c takes a number of copies: anything else is a usage error and nothing runs', async () => {
  for (const value of ['abc', '0', 'web=2', '1.5']) {
    const result = await runCli('gaffer', ['run', '-c', value, 'node', '-e', 'console.log("ran")'], { cwd: APP_DIR });
    assert.equal(result.code, 2, value);
    assert.deepEqual(result.lines.slice(0, 2), [`Error: invalid -c '${value}': run takes a number of copies >= 1, e.g. -c 2`, 'Usage: gaffer run [options] [command...]'], value);
    assert.ok(!result.stdout.includes('ran'), value);
  }
});

test('gaffer export: an unknown format or an extra argument is a usage error', async () => {
  const format = await runCli('gaffer', ['export', '--format', 'yaml'], { cwd: APP_DIR });
  assert.equal(format.code, 2);
  assert.deepEqual(format.lines.slice(0, 2), ["Error: unknown export format 'yaml': expected ini, json or systemd", 'Usage: gaffer export [options] [args...]']);
  const extra = await runCli('gaffer', ['export', 'ini', 'web', 'extra'], { cwd: APP_DIR });
  assert.equal(extra.code, 2);
  assert.equal(extra.lines[0], "Error: unexpected argument 'extra'");
});

test('gaffer -e with a file that does not exist is an error naming it, for start, export and load', async () => {
  for (const args of [['start'], ['export'], ['load', '-g', 'http://127.0.0.1:1']]) {
    const result = await runCli('gaffer', [...args, '-e', 'nope.env'], { cwd: APP_DIR });
    assert.equal(result.code, 1, args.join(' '));
    assert.deepEqual(result.errLines, [`env file 'nope.env' not found (no ${join(APP_DIR, 'nope.env')}); fix the -e/--env path`], args.join(' '));
    assert.equal(result.stdout, '', args.join(' '));
  }
});

test('gaffer load in a folder without a Procfile names the path it looked for', async () => {
  const result = await runCli('gaffer', ['load', '-g', 'http://127.0.0.1:1'], { cwd: EMPTY });
  assert.equal(result.code, 1);
  assert.deepEqual(result.errLines, [`procfile or job file is missing (no ${join(EMPTY, 'Procfile')}; run it in the application's folder, use -f FILE, or give a JSON job file)`]);
});

test('gafferctl with a key gafferd does not know: one line saying the key may be the problem', async () => {
  const gafferd = await startGafferd({ config: '[gaffer]\nrequire_key = true\n' });
  try {
    const wrong = await runCli('gafferctl', ['--connect', gafferd.url, '--key', 'f'.repeat(32), 'list']);
    assert.equal(wrong.code, 1);
    assert.deepEqual(wrong.errLines, ["gafferctl: Forbidden access. API key permissions aren't enough for this command, or gafferd does not know the key (check --key or GAFFERCTL_KEY)"]);
    assert.equal(wrong.stdout, '');
  } finally {
    await gafferd.stop();
  }
});

test('a mistyped command: the Unknown command line, then the nearest command when there is one (status 1)', async () => {
  const ctl = await runCli('gafferctl', ['stauts', 'web']);
  assert.equal(ctl.code, 1);
  assert.deepEqual(ctl.errLines, ["Unknown command 'stauts'", "Did you mean 'status'? ('gafferctl help' lists the commands)"]);
  const ctlHelp = await runCli('gafferctl', ['help', 'lst']);
  assert.deepEqual([ctlHelp.code, ctlHelp.errLines], [1, ["Unknown command 'lst'", "Did you mean 'list'? ('gafferctl help' lists the commands)"]]);
  const gaffer = await runCli('gaffer', ['lod'], { cwd: APP_DIR });
  assert.equal(gaffer.code, 1);
  assert.deepEqual(gaffer.errLines, ["Unknown command: 'lod'", "Did you mean 'load'? ('gaffer help' lists the commands)"]);
  const gafferHelp = await runCli('gaffer', ['help', 'ps:kil']);
  assert.deepEqual([gafferHelp.code, gafferHelp.errLines], [1, ["Unknown command: 'ps:kil'", "Did you mean 'ps:kill'? ('gaffer help' lists the commands)"]]);
  const far = await runCli('gafferctl', ['frobnicate']);
  assert.deepEqual([far.code, far.stderr], [1, "Unknown command 'frobnicate'\n"]);
});
