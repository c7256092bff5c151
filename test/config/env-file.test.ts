import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { envFilePaths, loadEnvFiles, parseEnvText } from '../../src/config/env-file.js';
import { ConfigError } from '../../src/errors.js';
import { FIXTURES } from '../helpers/paths.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();

test('KEY=value lines; spaces around key and value trimmed; comments and lines without = ignored', () => {
  assert.deepEqual(parseEnvText('# comment\nPORT=80\n  NAME = web  \nno equals sign\n   # indented comment\nEMPTY=\nURL=http://h/p?a=b\n'),
    { PORT: '80', NAME: 'web', EMPTY: '', URL: 'http://h/p?a=b' });
});

test('quotes: double, single and back quotes are removed; # inside quotes is kept; an unquoted # starts a comment', () => {
  assert.deepEqual(parseEnvText(`A="hello world"\nB='single $NOT_EXPANDED'\nC=\`back\`\nD="a # b"\nE=plain # trailing comment\nF=a"b\n`),
    { A: 'hello world', B: 'single $NOT_EXPANDED', C: 'back', D: 'a # b', E: 'plain', F: 'a"b' });
});

test('multi-line values in quotes and \\n escapes in double quotes', () => {
  assert.deepEqual(parseEnvText('KEY="-----BEGIN-----\nline2\n-----END-----"\nESC="a\\nb"\nRAW=\'a\\nb\'\nNEXT=1\n'),
    { KEY: '-----BEGIN-----\nline2\n-----END-----', ESC: 'a\nb', RAW: 'a\\nb', NEXT: '1' });
});

test('an export prefix, CRLF line ends and a byte-order mark are accepted', () => {
  assert.deepEqual(parseEnvText('\uFEFFexport A=1\r\nexport   B="two"\r\nC=3\r\n'), { A: '1', B: 'two', C: '3' });
});

test('loadEnvFiles: later files win, missing files are skipped, special GAFFER_* keys are exposed', async () => {
  const first = await tmp.write('one/.env', 'A=1\nB=from-first\nGAFFER_UID=1000\n');
  const second = await tmp.write('two.env', 'B=from-second\nGAFFER_GID=staff\nGAFFER_REDIRECT_INPUT=web  worker\n');
  const loaded = await loadEnvFiles([first, tmp.join('missing.env'), tmp.join('no', 'such', 'dir', '.env'), second]);
  assert.deepEqual(loaded.env, { A: '1', B: 'from-second', GAFFER_UID: '1000', GAFFER_GID: 'staff', GAFFER_REDIRECT_INPUT: 'web  worker' });
  assert.deepEqual(loaded.files, [first, second]);
  assert.deepEqual(loaded.redirectInput, ['web', 'worker']);
  assert.equal(loaded.uid, 1000);
  assert.equal(loaded.gid, 'staff');
  const none = await loadEnvFiles([]);
  assert.deepEqual(none, { env: {}, files: [], redirectInput: [], uid: undefined, gid: undefined });
});

test('the fixture .env: export prefix, quotes and GAFFER_REDIRECT_INPUT', async () => {
  const loaded = await loadEnvFiles([join(FIXTURES, 'config', 'app.env')]);
  assert.deepEqual(loaded.env, { PORT: '6000', GREETING: 'hello world', GAFFER_REDIRECT_INPUT: 'dummy web' });
  assert.deepEqual(loaded.redirectInput, ['dummy', 'web']);
});

test('an env path that cannot be read for another reason than absence is an error', async () => {
  await assert.rejects(loadEnvFiles([tmp.path]), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, `cannot read env file '${tmp.path}': illegal operation on a directory (EISDIR)`);
    return true;
  });
});

test('envFilePaths: <root>/.env then each -e file; ./.env when no -e is given; duplicates read once', () => {
  assert.deepEqual(envFilePaths('app', [], '/home/u'), ['/home/u/app/.env', '/home/u/.env']);
  assert.deepEqual(envFilePaths('/srv/app', ['a.env', '/etc/b.env'], '/home/u'), ['/srv/app/.env', '/home/u/a.env', '/etc/b.env']);
  assert.deepEqual(envFilePaths('.', [], '/home/u'), ['/home/u/.env']);
});
