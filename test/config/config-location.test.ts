import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { test } from 'node:test';
import { locateConfig } from '../../src/config/config-location.js';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { ConfigError } from '../../src/errors.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();
const file = await tmp.write('explicit/my.ini', '[gaffer]\n');
const dirWithFile = tmp.join('withfile');
await tmp.write('withfile/gafferd.ini', '[gaffer]\nbind = 127.0.0.1:5100\n');
const dirWithoutFile = tmp.join('nofile');
await mkdir(dirWithoutFile);
const user = { homeDir: tmp.join('home'), isRoot: false, cwd: tmp.path };

test('a regular file is the config file and its directory the config directory', () => {
  assert.deepEqual(locateConfig(file, {}, user), { configDir: tmp.join('explicit'), configFile: file, source: 'argument', dirExists: true });
  assert.deepEqual(locateConfig('explicit/my.ini', {}, user).configFile, file, 'relative to cwd');
});

test('a directory is the config directory; its gafferd.ini is read when present', () => {
  assert.deepEqual(locateConfig(dirWithFile, {}, user),
    { configDir: dirWithFile, configFile: tmp.join('withfile', 'gafferd.ini'), source: 'argument', dirExists: true });
  assert.deepEqual(locateConfig(dirWithoutFile, {}, user), { configDir: dirWithoutFile, configFile: undefined, source: 'argument', dirExists: true });
});

test('a missing path is a config directory that is not created; gafferd runs on defaults', async () => {
  const missing = tmp.join('not', 'there');
  const location = locateConfig(missing, {}, user);
  assert.deepEqual(location, { configDir: missing, configFile: undefined, source: 'argument', dirExists: false });
  assert.equal(existsSync(missing), false);
  const config = await loadGafferdConfig(location.configFile, { configDir: location.configDir, env: {}, homeDir: user.homeDir });
  assert.deepEqual(config.bind, { kind: 'tcp', host: '127.0.0.1', port: 5000 });
  assert.deepEqual(config.jobs, []);
});

test('a missing path ending in .ini is an error', () => {
  const missing = tmp.join('typo.ini');
  assert.throws(() => locateConfig(missing, {}, user), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, `configuration file '${missing}' does not exist`);
    return true;
  });
});

test('a path that is neither a file nor a directory is an error', () => {
  assert.throws(() => locateConfig('/dev/null', {}, user), { message: "configuration path '/dev/null' is neither a file nor a directory" });
});

test('without a path: $GAFFERD_CONFIG, with the same rules; an explicit path wins over it', () => {
  assert.deepEqual(locateConfig(undefined, { GAFFERD_CONFIG: dirWithFile }, user),
    { configDir: dirWithFile, configFile: tmp.join('withfile', 'gafferd.ini'), source: 'environment', dirExists: true });
  assert.equal(locateConfig(file, { GAFFERD_CONFIG: dirWithFile }, user).configFile, file);
  assert.throws(() => locateConfig(undefined, { GAFFERD_CONFIG: tmp.join('nope.ini') }, user), ConfigError);
});

test('users: ~/.gaffer when it exists, else the default ~/.gaffer without a file', async () => {
  const home = tmp.join('userhome');
  assert.deepEqual(locateConfig(undefined, {}, { ...user, homeDir: home }),
    { configDir: tmp.join('userhome', '.gaffer'), configFile: undefined, source: 'default', dirExists: false });
  await tmp.write('userhome/.gaffer/gafferd.ini', '[gaffer]\n');
  assert.deepEqual(locateConfig(undefined, {}, { ...user, homeDir: home }),
    { configDir: tmp.join('userhome', '.gaffer'), configFile: tmp.join('userhome', '.gaffer', 'gafferd.ini'), source: 'search', dirExists: true });
});

test('root: <prefix>/etc/gaffer, then /etc/gaffer; default <prefix>/etc/gaffer when <prefix>/etc exists, else /usr/local/etc/gaffer', async () => {
  const prefix = tmp.join('prefix');
  const root = { ...user, isRoot: true, execPath: tmp.join('prefix', 'bin', 'node'), etcDir: tmp.join('etc') };
  assert.deepEqual(locateConfig(undefined, {}, root), { configDir: '/usr/local/etc/gaffer', configFile: undefined, source: 'default', dirExists: false });
  await mkdir(tmp.join('prefix', 'etc'), { recursive: true });
  assert.equal(locateConfig(undefined, {}, root).configDir, tmp.join('prefix', 'etc', 'gaffer'));
  await mkdir(tmp.join('etc', 'gaffer'), { recursive: true });
  assert.deepEqual(locateConfig(undefined, {}, root), { configDir: tmp.join('etc', 'gaffer'), configFile: undefined, source: 'search', dirExists: true });
  await tmp.write('prefix/etc/gaffer/gafferd.ini', '[gaffer]\n');
  assert.deepEqual(locateConfig(undefined, {}, root),
    { configDir: `${prefix}/etc/gaffer`, configFile: `${prefix}/etc/gaffer/gafferd.ini`, source: 'search', dirExists: true });
});
