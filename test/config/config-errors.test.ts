import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { test } from 'node:test';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { ConfigError } from '../../src/errors.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();
const opts = { env: {}, homeDir: tmp.join('home') };
let counter = 0;

// Write `text` to a fresh gaffer.ini and return the load error's message (asserting it is one-line ConfigError).
async function errorOf(text: string, options = {}): Promise<{ file: string; message: string }> {
  const file = await tmp.write(`case-${counter++}/gaffer.ini`, text);
  try {
    await loadGafferdConfig(file, { ...opts, ...options });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'GAFFER_ERR_CONFIG_INVALID');
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    return { file, message: err.message };
  }
  assert.fail(`no error for:\n${text}`);
}

test('the issue example: a bad numprocesses names file, section, key, value and what was expected', async () => {
  const { file, message } = await errorOf('[process:web]\ncmd = ./web\nnumprocesses = abc\n');
  assert.equal(message, `${file} [process:web] numprocesses = "abc": expected an integer >= 0`);
});

test('each typed job key rejects a bad value with the expected form', async () => {
  const cases: Array<[string, string, string]> = [
    ['cmd', '   ', 'a non-empty command line'],
    ['cwd', '', 'a directory path'],
    ['uid', 'two words', 'a user/group name or a numeric id'],
    ['detach', 'maybe', 'a boolean (1/yes/true/on or 0/no/false/off)'],
    ['shell', '2', 'a boolean (1/yes/true/on or 0/no/false/off)'],
    ['os_env', 'yep', 'a boolean (1/yes/true/on or 0/no/false/off)'],
    ['start', 'later', 'a boolean (1/yes/true/on or 0/no/false/off)'],
    ['redirect_input', 'x', 'a boolean (1/yes/true/on or 0/no/false/off)'],
    ['numprocesses', '-1', 'an integer >= 0'],
    ['numprocesses', '1.5', 'an integer >= 0'],
    ['flapping', '2, x', 'up to 4 numbers "attempts window retry_in max_retry", e.g. "2, 1., 7., 5" (or off)'],
    ['flapping', '1 2 3 4 5', 'up to 4 numbers "attempts window retry_in max_retry", e.g. "2, 1., 7., 5" (or off)'],
    ['redirect_output', 'a, b, c', 'at most 2 comma-separated labels'],
    ['graceful_timeout', 'soon', 'a number of seconds >= 0'],
    ['graceful_timeout', '-3', 'a number of seconds >= 0'],
    ['priority', 'high', 'an integer'],
    ['stop_signal', 'SIGFOO', 'a signal name or number such as TERM, SIGINT or 9'],
    ['stdout_logfile', '', 'a file path'],
    ['logfile_maxbytes', '10 parsecs', 'a size in bytes such as 1048576, 512K, 10MB or 1G'],
    ['logfile_backups', 'some', 'an integer >= 0'],
    ['ready', '', 'a readiness check'],
    ['ready_timeout', 'x', 'a number of seconds >= 0'],
    ['health', ' ', 'a health check'],
    ['health_interval', '1m', 'a number of seconds >= 0'],
    ['health_failures', '0', 'an integer >= 1'],
    ['depends_on', 'a.b.c', 'job names (name or session.name) separated by commas or spaces'],
    ['restart', 'sometimes', 'one of always, on-failure, never'],
    ['success_exit_codes', '0, 256', 'exit codes 0-255 separated by commas or spaces, e.g. "0, 2"'],
    ['restart_delay', 'x', 'a number of seconds >= 0'],
    ['max_memory', '1T', 'a size in bytes such as 1048576, 512K, 10MB or 1G'],
    ['on_give_up', 'notify', 'one of stop, exit'],
  ];
  for (const [key, value, expected] of cases) {
    const cmd = key === 'cmd' ? '' : 'cmd = ./web\n';
    const { file, message } = await errorOf(`[process:web]\n${cmd}${key} = ${value}\n`);
    assert.equal(message, `${file} [process:web] ${key} = ${JSON.stringify(value.trim() === '' ? '' : value)}: expected ${expected}`);
  }
});

test('an unknown job key is an error, with a suggestion for a near miss', async () => {
  let r = await errorOf('[process:web]\ncmd = ./web\nnumprocess = 2\n');
  assert.equal(r.message, `${r.file} [process:web] unknown key "numprocess": did you mean "numprocesses"?`);
  r = await errorOf('[job:web]\ncmd = ./web\nColour = red\n');
  assert.match(r.message, /\[job:web\] unknown key "Colour": expected one of cmd, args, cwd, .*on_give_up, .*env:<VAR>$/);
  r = await errorOf('[process:nocmd]\ncommand = ./web\n');
  assert.match(r.message, /\[process:nocmd\] unknown key "command"/, 'keys are checked even in a section without cmd');
});

test('unknown keys in every known section and unknown sections are errors', async () => {
  const cases: Array<[string, RegExp]> = [
    ['[gaffer]\nbindd = 1\n', /\[gaffer\] unknown key "bindd": did you mean "bind"\?/],
    ['[gaffer]\nhttp_endpoints = a\n[endpoint:a]\nbind = :1\ncert = x\n', /\[endpoint:a\] unknown key "cert"/],
    ['[ssl]\nca_cert = x\n', /\[ssl\] unknown key "ca_cert": did you mean "ca_certs"\?/],
    ['[lookup_ssl]\ncert_reqs = none\n', /\[lookup_ssl\] unknown key "cert_reqs"/],
    ['[auth]\nbackend = x\n', /\[auth\] unknown key "backend"/],
    ['[gafer]\nbind = :1\n', /\[gafer\] unknown section: expected \[gaffer\], \[endpoint:<name>\], .* or \[plugin:<name>\]$/],
    ['[Gaffer]\nbind = :1\n', /\[Gaffer\] unknown section/],
    ['[endpoint:]\nbind = :1\n', /\[endpoint:\] unknown section/],
    ['[program:web]\ncmd = x\n', /\[program:web\] unknown section/],
  ];
  for (const [text, pattern] of cases) {
    const { file, message } = await errorOf(text);
    assert.ok(message.startsWith(`${file} [`), message);
    assert.match(message, pattern);
  }
});

test('bad [gaffer], endpoint and ssl values name the key', async () => {
  const cases: Array<[string, string]> = [
    ['[gaffer]\nbind = 127.0.0.1:99999\n', '[gaffer] bind = "127.0.0.1:99999": expected host:port, [ipv6]:port or unix:/path/to/socket'],
    ['[gaffer]\nbacklog = lots\n', '[gaffer] backlog = "lots": expected an integer >= 1'],
    ['[gaffer]\ndaemonize = sure\n', '[gaffer] daemonize = "sure": expected a boolean (1/yes/true/on or 0/no/false/off)'],
    ['[gaffer]\nlog_level = verbose\n', '[gaffer] log_level = "verbose": expected one of critical, error, warning, info, debug'],
    ['[gaffer]\nbroadcast_address = node1:5000\n', '[gaffer] broadcast_address = "node1:5000": expected an http:// or https:// URL'],
    ['[gaffer]\nlookupd_address2 = ws://x:5010\n', '[gaffer] lookupd_address2 = "ws://x:5010": expected an http:// or https:// URL'],
    ['[gaffer]\nrequire_key = please\n', '[gaffer] require_key = "please": expected a boolean (1/yes/true/on or 0/no/false/off)'],
    ['[gaffer]\nhttp_endpoints = a\n[endpoint:a]\nbind = 1.2.3.4:x\n', '[endpoint:a] bind = "1.2.3.4:x": expected host:port, [ipv6]:port or unix:/path/to/socket'],
    ['[gaffer]\nhttp_endpoints = a\n[endpoint:a]\nbind = ,\n', '[endpoint:a] bind = ",": expected one or more comma-separated addresses'],
    ['[gaffer]\nhttp_endpoints = a\n[endpoint:a]\nbind = :1\nbacklog = 0\n', '[endpoint:a] backlog = "0": expected an integer >= 1'],
    ['[ssl]\ncert_reqs = always\n', '[ssl] cert_reqs = "always": expected none, optional or required (or CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED, 0, 1, 2)'],
    ['[auth]\nauth_dbname =\n', '[auth] auth_dbname = "": expected a non-empty value'],
  ];
  for (const [text, expected] of cases) {
    const { file, message } = await errorOf(text);
    assert.equal(message, `${file} ${expected}`);
  }
});

test('designation and duplicate-job errors name the section', async () => {
  let r = await errorOf('[process:a.b.c]\ncmd = x\n');
  assert.match(r.message, /\[process:a\.b\.c\] invalid job designation "a\.b\.c": expected name, session:name, session\.name or session\/name/);
  r = await errorOf('[process:123]\ncmd = x\n');
  assert.match(r.message, /\[process:123\] invalid job designation "123"/);
  r = await errorOf('[env:]\nx = 1\n');
  assert.match(r.message, /\[env:\] invalid job designation ""/);
  r = await errorOf('[process:web]\ncmd = x\n[job:default.web]\ncmd = y\n');
  assert.equal(r.message, `${r.file} [job:default.web] job 'default.web' is already declared by [process:web]`);
});

test('syntax errors name the file and line', async () => {
  let r = await errorOf('[gaffer]\nbind = :1\nthis line has no delimiter\n');
  assert.equal(r.message, `${r.file} line 3: cannot parse "this line has no delimiter": expected "[section]", "key = value" or a comment starting with ; or #`);
  r = await errorOf('; header missing\nbind = :1\n');
  assert.equal(r.message, `${r.file} line 2: key "bind" appears before any [section] header`);
  r = await errorOf('[gaffer\n');
  assert.match(r.message, /line 1: cannot parse "\[gaffer"/);
  r = await errorOf('[process:web]\ncmd = x\nlist[] = 1\n');
  assert.equal(r.message, `${r.file} line 3 [process:web]: unsupported key "list[]"`);
});

test('an unreadable main file is a ConfigError naming the file and the OS reason', async () => {
  const missing = tmp.join('does-not-exist.ini');
  await assert.rejects(loadGafferdConfig(missing, opts), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, `cannot read configuration file '${missing}': no such file or directory (ENOENT)`);
    assert.equal((err.cause as NodeJS.ErrnoException).code, 'ENOENT');
    return true;
  });
  await assert.rejects(loadGafferdConfig(tmp.path, opts), { message: `cannot read configuration file '${tmp.path}': illegal operation on a directory (EISDIR)` });
});

test('a file without read permission is reported with EACCES', async () => {
  const file = await tmp.write('secret.ini', '[gaffer]\n');
  await chmod(file, 0o000);
  if (process.getuid?.() !== 0) {
    await assert.rejects(loadGafferdConfig(file, opts), { message: `cannot read configuration file '${file}': permission denied (EACCES)` });
    return;
  }
  // root reads any file: check as the unprivileged user nobody, in a child process.
  const module = new URL('../../src/config/gafferd-config.js', import.meta.url).href;
  const script = `import { loadGafferdConfig } from ${JSON.stringify(module)};
    loadGafferdConfig(${JSON.stringify(file)}, { configDir: '/', homeDir: '/', env: {} }).then(() => console.log('read'), (e) => console.log(e.message));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, cwd: '/' });
  assert.equal(stdout.trim(), `cannot read configuration file '${file}': permission denied (EACCES)`);
});

test('bad command-line overrides name the option', async () => {
  const file = await tmp.write('ok.ini', '[gaffer]\n');
  await assert.rejects(loadGafferdConfig(file, { ...opts, overrides: { backlog: 'x' } }), { message: '--backlog "x": expected an integer >= 1' });
  await assert.rejects(loadGafferdConfig(file, { ...opts, overrides: { bind: 'a:b:c' } }),
    { message: '--bind "a:b:c": expected host:port, [ipv6]:port or unix:/path/to/socket' });
  await assert.rejects(loadGafferdConfig(file, { ...opts, overrides: { broadcastAddress: 'ftp://x' } }),
    { message: '--broadcast-address "ftp://x": expected an http:// or https:// URL' });
  await assert.rejects(loadGafferdConfig(file, { ...opts, overrides: { lookupdAddresses: ['nope'] } }),
    { message: '--lookupd-address "nope": expected an http:// or https:// URL' });
});
