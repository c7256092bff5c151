import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSignal, signalName } from '../../src/util/signals.js';
import { parseScale, applyScale } from '../../src/util/scale.js';
import { substituteEnv } from '../../src/util/substitute.js';
import { parseJobName, legacyName, validateJobName } from '../../src/util/names.js';
import { bytes2human } from '../../src/util/bytes.js';
import { LineSplitter } from '../../src/util/lines.js';
import { parseAddress, formatAddress } from '../../src/util/address.js';
import { formatCpuTime } from '../../src/util/duration.js';
import { parseFlapping, normalizeJobConfig } from '../../src/core/job-config.js';
import { splitCommandLine, buildSpawnCommand } from '../../src/core/command.js';
import { BadRequestError } from '../../src/errors.js';

test('parseSignal accepts numbers, digit strings and names with or without SIG, any case', () => {
  assert.equal(parseSignal(15), 15);
  assert.equal(parseSignal('9'), 9);
  assert.equal(parseSignal('HUP'), 1);
  assert.equal(parseSignal('sighup'), 1);
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(signalName(15), 'SIGTERM');
  for (const bad of ['NOPE', 'SIG', '', 999, -1, 1.5, null, {}]) {
    assert.throws(() => parseSignal(bad), (e: unknown) => e instanceof BadRequestError && e.reason === 'bad_signal' && /expected a signal/.test(e.message));
  }
  assert.throws(() => parseSignal('x', 'bad_value'), (e: unknown) => (e as BadRequestError).reason === 'bad_value');
});

test('parseScale follows the scale syntax and clamps at 0', () => {
  assert.deepEqual(parseScale(2), { op: 'add', n: 2 });
  assert.deepEqual(parseScale(0), { op: 'sub', n: 0 });
  assert.deepEqual(parseScale(-3), { op: 'sub', n: 3 });
  assert.deepEqual(parseScale('3'), { op: 'add', n: 3 });
  assert.deepEqual(parseScale('+2'), { op: 'add', n: 2 });
  assert.deepEqual(parseScale('-1'), { op: 'sub', n: 1 });
  assert.deepEqual(parseScale('=5'), { op: 'set', n: 5 });
  for (const bad of ['x', '+', '=-1', '1.5', 1.5, null, [], '++1']) {
    assert.throws(() => parseScale(bad), (e: unknown) => (e as BadRequestError).reason === 'bad_operation');
  }
  assert.equal(applyScale(2, { op: 'sub', n: 5 }), 0);
  assert.equal(applyScale(2, { op: 'set', n: 7 }), 7);
});

test('substituteEnv replaces $NAME and ${NAME}, keeps unknown names, $$ gives $', () => {
  const env = { PORT: '80', HOME_DIR: '/h' };
  assert.equal(substituteEnv('--port $PORT', env), '--port 80');
  assert.equal(substituteEnv('${HOME_DIR}/x', env), '/h/x');
  assert.equal(substituteEnv('$UNKNOWN and ${NOPE}', env), '$UNKNOWN and ${NOPE}');
  assert.equal(substituteEnv('cost $$5 $ 1$', env), 'cost $5 $ 1$');
});

test('job designations and names', () => {
  assert.deepEqual(parseJobName('web'), { sessionid: 'default', name: 'web' });
  assert.deepEqual(parseJobName('app.web'), { sessionid: 'app', name: 'web' });
  assert.deepEqual(parseJobName('app/web'), { sessionid: 'app', name: 'web' });
  assert.deepEqual(parseJobName('app:web'), { sessionid: 'app', name: 'web' });
  assert.deepEqual(parseJobName('a.b/c'), { sessionid: 'a', name: 'b/c' });
  assert.equal(legacyName('default', 'web'), 'web');
  assert.equal(legacyName('app', 'web'), 'app.web');
  for (const bad of ['', '123', 'a.b', 'a/b', 'a:b', 5]) assert.throws(() => validateJobName(bad), BadRequestError);
});

test('bytes2human, cpu time and addresses', () => {
  assert.equal(bytes2human(1023), '1023B');
  assert.equal(bytes2human(12345), '12K');
  assert.equal(bytes2human(3 * 1024 * 1024 + 5), '3M');
  assert.equal(formatCpuTime(123_456), '2:03.45');
  assert.equal(formatCpuTime(3_600_000 + 1000), '0:01.00');
  assert.deepEqual(parseAddress('127.0.0.1:5000'), { kind: 'tcp', host: '127.0.0.1', port: 5000 });
  assert.deepEqual(parseAddress('localhost'), { kind: 'tcp', host: 'localhost', port: 8000 });
  assert.deepEqual(parseAddress(':7000'), { kind: 'tcp', host: '0.0.0.0', port: 7000 });
  assert.deepEqual(parseAddress('[::1]:5001'), { kind: 'tcp', host: '::1', port: 5001 });
  assert.deepEqual(parseAddress('unix:/tmp/g.sock'), { kind: 'unix', path: '/tmp/g.sock' });
  assert.equal(formatAddress(parseAddress('[::1]:5001')), '[::1]:5001');
  assert.throws(() => parseAddress('host:port'), BadRequestError);
  assert.throws(() => parseAddress('host:70000'), BadRequestError);
});

test('LineSplitter keeps UTF-8 sequences and lines whole across chunk boundaries, bounded', () => {
  const s = new LineSplitter(8);
  const bytes = Buffer.from('héllo wörld\nsecond\r\nthi', 'utf8');
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i++) lines.push(...s.push(bytes.subarray(i, i + 1)));
  lines.push(...s.end());
  assert.deepEqual(lines, ['héllo wö', 'rld', 'second', 'thi']);
});

test('flapping settings: commas and/or spaces, defaults for missing values, invalid disables', () => {
  assert.deepEqual(parseFlapping('2, 1., 7., 5'), { attempts: 2, window: 1, retry_in: 7, max_retry: 5 });
  assert.deepEqual(parseFlapping('3 0.5'), { attempts: 3, window: 0.5, retry_in: 7, max_retry: 5 });
  assert.deepEqual(parseFlapping({ attempts: 4 }), { attempts: 4, window: 1, retry_in: 7, max_retry: 5 });
  assert.deepEqual(parseFlapping([1, 2, 3, 4]), { attempts: 1, window: 2, retry_in: 3, max_retry: 4 });
  assert.equal(parseFlapping('a b'), null);
  assert.equal(parseFlapping({ bogus: 1 }), null);
  assert.equal(parseFlapping(undefined), null);
});

test('normalizeJobConfig applies defaults, keeps unknown members and names the bad member', () => {
  const c = normalizeJobConfig({ name: 'web', cmd: 'node app.js', extra: { a: 1 }, env: { N: 5 }, uid: '', numprocesses: '3' });
  assert.equal(c.numprocesses, 3);
  assert.equal(c.graceful_timeout, 30);
  assert.equal(c.os_env, true);
  assert.equal(c.uid, null);
  assert.deepEqual(c.env, { N: '5' });
  assert.deepEqual(c.extra, { a: 1 });
  assert.throws(() => normalizeJobConfig({ name: 'web' }), { message: 'cmd must be a non-empty command string', details: { field: 'cmd' } });
  assert.throws(() => normalizeJobConfig({ name: 'web', cmd: 'x', numprocesses: -1 }), { message: 'numprocesses must be an integer >= 0 (got -1)' });
  assert.throws(() => normalizeJobConfig({ name: 'web', cmd: 'x', redirect_output: ['a', 'b', 'c'] }), /at most 2/);
  assert.throws(() => normalizeJobConfig({ name: 'web', cmd: 'x', stop_signal: 'NOPE' }), /^BadRequestError: stop_signal must be/);
  assert.throws(() => normalizeJobConfig('nope'), /expected a JSON object/);
});

test('spawn command: shell words, args appended, substitution, shell mode quoting', () => {
  assert.deepEqual(splitCommandLine(`python -u "my app.py" 'a b'`), ['python', '-u', 'my app.py', 'a b']);
  const env = { PORT: '8080' };
  const plain = buildSpawnCommand(normalizeJobConfig({ name: 'w', cmd: 'server --port $PORT', args: ['--name', '${PORT}x'], cwd: '/tmp' }), env);
  assert.deepEqual([plain.file, ...plain.args], ['server', '--port', '8080', '--name', '8080x']);
  assert.equal(plain.cwd, '/tmp');
  const shell = buildSpawnCommand(normalizeJobConfig({ name: 'w', cmd: 'echo $PORT | cat', shell: true, args: ['a b'] }), env);
  assert.deepEqual([shell.file, ...shell.args], ['/bin/sh', '-c', "echo $PORT | cat 'a b'"]);
});
