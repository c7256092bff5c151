import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { FIXTURES } from '../helpers/paths.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();
const HOME = tmp.join('home');
const noEnv = { env: {}, homeDir: HOME };

test('without a file the defaults apply: 127.0.0.1:5000, no jobs', async () => {
  const config = await loadGafferdConfig(undefined, noEnv);
  assert.deepEqual(config.bind, { kind: 'tcp', host: '127.0.0.1', port: 5000 });
  assert.equal(config.backlog, 128);
  assert.deepEqual(config.listeners, [{ name: 'default', addresses: [{ kind: 'tcp', host: '127.0.0.1', port: 5000 }], backlog: 128 }]);
  assert.deepEqual(config.endpoints, []);
  assert.deepEqual(config.jobs, []);
  assert.deepEqual(config.files, []);
  assert.equal(config.configFile, undefined);
  assert.equal(config.daemonize, false);
  assert.equal(config.pidfile, undefined);
  assert.equal(config.errorLog, undefined);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.requireKey, false);
  assert.equal(config.broadcastAddress, undefined);
  assert.deepEqual(config.lookupdAddresses, []);
  assert.deepEqual(config.webhooks, []);
  assert.deepEqual(config.ssl, {});
  assert.deepEqual(config.lookupSsl, {});
  assert.equal(config.pluginsDir, join(HOME, '.gafferd', 'plugins'));
  assert.deepEqual(config.auth, {
    authBackend: 'default', keysBackend: 'default', authDbname: 'auth.db', keysDbname: 'keys.db', authDb: 'auth.db', keysDb: 'keys.db',
  });
});

test('the complete example of config.md loads dummy then echo, plus the included jobs', async () => {
  const file = join(FIXTURES, 'config', 'gafferd.ini');
  const config = await loadGafferdConfig(file, noEnv);
  assert.deepEqual(config.files, [file, join(FIXTURES, 'config', 'conf.d', 'nested', 'test-group.ini'), join(FIXTURES, 'config', 'conf.d', 'priority.ini')]);
  assert.deepEqual(config.jobs.map((j) => [j.fullName, j.start]),
    [['default.priority0', true], ['default.dummy', true], ['default.echo', true], ['test.dummy', false]]);
  const dummy = config.jobs[1]!.config;
  assert.equal(dummy.cmd, './dummy.py');
  assert.deepEqual(dummy.redirect_output, ['stdout', 'stderr']);
  assert.deepEqual(dummy.env, { PORT: '80' });
  assert.equal(dummy.redirect_input, false);
  assert.equal(config.jobs[2]!.config.redirect_input, true);
  assert.deepEqual(config.listeners.map((l) => l.name), ['public']);
  assert.deepEqual(config.webhooks, []);
  assert.equal(config.configDir, join(FIXTURES, 'config'));
});

test('[gaffer] keys are read with their types', async () => {
  await mkdir(tmp.join('gaffer-keys', 'plugins-here'), { recursive: true });
  const file = await tmp.write('gaffer-keys/gafferd.ini', `
[gaffer]
bind = 0.0.0.0:5001
backlog = 64
daemonize = yes
pidfile = /run/gafferd.pid
error_log = /var/log/gafferd.log
log_level = DEBUG
broadcast_address = https://node1.example.com:5001
lookupd_address1 = http://127.0.0.1:5010
lookupd_address2 = http://10.0.0.2:5010
lookupd_address3 = http://127.0.0.1:5010
require_key = on
plugins_dir = plugins-here
`);
  const config = await loadGafferdConfig(file, noEnv);
  assert.deepEqual(config.bind, { kind: 'tcp', host: '0.0.0.0', port: 5001 });
  assert.equal(config.backlog, 64);
  assert.equal(config.daemonize, true);
  assert.equal(config.pidfile, '/run/gafferd.pid');
  assert.equal(config.errorLog, '/var/log/gafferd.log');
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.broadcastAddress, 'https://node1.example.com:5001');
  assert.deepEqual(config.lookupdAddresses, ['http://127.0.0.1:5010', 'http://10.0.0.2:5010']);
  assert.equal(config.requireKey, true);
  assert.equal(config.pluginsDir, tmp.join('gaffer-keys', 'plugins-here'));
  assert.deepEqual(config.listeners, [{ name: 'default', addresses: [config.bind], backlog: 64 }]);
});

test('error_log "-" means stderr, plugin_dir is an alias, a bind without port gets 8000', async () => {
  const file = await tmp.write('alias/gafferd.ini', '[gaffer]\nerror_log = -\nplugin_dir = /opt/plugins\nbind = unix:/tmp/g.sock\n');
  const config = await loadGafferdConfig(file, noEnv);
  assert.equal(config.errorLog, undefined);
  assert.equal(config.pluginsDir, '/opt/plugins');
  assert.deepEqual(config.bind, { kind: 'unix', path: '/tmp/g.sock' });
  const noPort = await tmp.write('alias/noport.ini', '[gaffer]\nbind = 10.1.2.3\n');
  assert.deepEqual((await loadGafferdConfig(noPort, noEnv)).bind, { kind: 'tcp', host: '10.1.2.3', port: 8000 });
});

test('booleans accept 1/yes/true/on and 0/no/false/off in any case', async () => {
  for (const [word, expected] of [['1', true], ['YES', true], ['True', true], ['on', true], ['0', false], ['No', false], ['FALSE', false], ['off', false]] as const) {
    const file = await tmp.write(`bool-${word}.ini`, `[gaffer]\nrequire_key = ${word}\n`);
    assert.equal((await loadGafferdConfig(file, noEnv)).requireKey, expected, word);
  }
});

test('endpoints: comma-separated addresses, backlog, TLS files; only listed usable ones are served', async () => {
  const file = await tmp.write('endpoints.ini', `
[gaffer]
http_endpoints = public , secure,missing,nobind
bind = 127.0.0.1:7000

[endpoint:public]
bind = 127.0.0.1:5000, [::1]:5002, unix:/tmp/gaffer.sock, localhost

[endpoint:secure]
bind = 0.0.0.0:5443
backlog = 10
certfile = /etc/ssl/gaffer.crt
keyfile = /etc/ssl/gaffer.key

[endpoint:nobind]
backlog = 5

[endpoint:unused]
bind = 127.0.0.1:9999
`);
  const config = await loadGafferdConfig(file, noEnv);
  assert.deepEqual(config.httpEndpoints, ['public', 'secure', 'missing', 'nobind']);
  assert.deepEqual(config.endpoints, [
    { name: 'public', backlog: 128, addresses: [
      { kind: 'tcp', host: '127.0.0.1', port: 5000 }, { kind: 'tcp', host: '::1', port: 5002 },
      { kind: 'unix', path: '/tmp/gaffer.sock' }, { kind: 'tcp', host: 'localhost', port: 8000 }] },
    { name: 'secure', backlog: 10, addresses: [{ kind: 'tcp', host: '0.0.0.0', port: 5443 }], certfile: '/etc/ssl/gaffer.crt', keyfile: '/etc/ssl/gaffer.key' },
  ]);
  assert.deepEqual(config.listeners, config.endpoints);
  assert.equal(config.warnings.length, 3);
  assert.match(config.warnings.join('\n'), /\[endpoint:unused\] is not listed in http_endpoints/);
  assert.match(config.warnings.join('\n'), /no \[endpoint:missing\] section/);
  assert.match(config.warnings.join('\n'), /\[endpoint:nobind\] has no bind; endpoint skipped/);
});

test('without a usable endpoint the default listener uses bind, backlog and [ssl]', async () => {
  const file = await tmp.write('ssl.ini', `
[gaffer]
bind = 127.0.0.1:5443
backlog = 32

[ssl]
certfile = /etc/gaffer/cert.pem
keyfile = /etc/gaffer/key.pem
ca_certs = /etc/gaffer/ca.pem
cert_reqs = CERT_REQUIRED

[lookup_ssl]
certfile = /etc/gaffer/client.pem
keyfile = /etc/gaffer/client.key
ca_certs = /etc/gaffer/lookup-ca.pem
`);
  const config = await loadGafferdConfig(file, noEnv);
  assert.deepEqual(config.ssl, { certfile: '/etc/gaffer/cert.pem', keyfile: '/etc/gaffer/key.pem', caCerts: '/etc/gaffer/ca.pem', certReqs: 'required' });
  assert.deepEqual(config.lookupSsl, { certfile: '/etc/gaffer/client.pem', keyfile: '/etc/gaffer/client.key', caCerts: '/etc/gaffer/lookup-ca.pem' });
  assert.deepEqual(config.listeners, [{
    name: 'default', addresses: [{ kind: 'tcp', host: '127.0.0.1', port: 5443 }], backlog: 32,
    certfile: '/etc/gaffer/cert.pem', keyfile: '/etc/gaffer/key.pem',
  }]);
  for (const [written, expected] of [['none', 'none'], ['1', 'optional'], ['cert_optional', 'optional'], ['2', 'required']]) {
    const f = await tmp.write(`reqs-${written}.ini`, `[ssl]\ncert_reqs = ${written}\n`);
    assert.equal((await loadGafferdConfig(f, noEnv)).ssl.certReqs, expected);
  }
});

test('[auth]: backends, databases relative to the config directory, :memory: kept', async () => {
  const file = await tmp.write('auth/gafferd.ini', '[auth]\nauth_backend = custom\nkeys_backend = other\nauth_dbname = :memory:\nkeys_dbname = db/keys.sqlite\n');
  const config = await loadGafferdConfig(file, { ...noEnv, configDir: '/etc/gaffer' });
  assert.deepEqual(config.auth, {
    authBackend: 'custom', keysBackend: 'other', authDbname: ':memory:', keysDbname: 'db/keys.sqlite',
    authDb: ':memory:', keysDb: '/etc/gaffer/db/keys.sqlite',
  });
  const absolute = await tmp.write('auth/abs.ini', '[auth]\nauth_dbname = /var/lib/gaffer/auth.db\n');
  assert.equal((await loadGafferdConfig(absolute, noEnv)).auth.authDb, '/var/lib/gaffer/auth.db');
});

test('[webhooks]: event = url, the URL is the first word, event case kept, empty values ignored', async () => {
  const file = await tmp.write('hooks.ini', `
[webhooks]
create = http://echohttp.com/echo you
proc.MyJob.spawn = http://example.com/other
. = http://example.com/everything
load: not-validated-url
empty =
`);
  const config = await loadGafferdConfig(file, noEnv);
  assert.deepEqual(config.webhooks, [
    { event: 'create', url: 'http://echohttp.com/echo' },
    { event: 'proc.MyJob.spawn', url: 'http://example.com/other' },
    { event: '.', url: 'http://example.com/everything' },
    { event: 'load', url: 'not-validated-url' },
  ]);
  assert.match(config.warnings.join('\n'), /\[webhooks\] empty has no URL; ignored/);
});

test('INI dialect: key: value, continuation lines, ; and # comments, literal % ; # in values, case-insensitive keys', async () => {
  const file = await tmp.write('dialect.ini', [
    '# comment', '; comment', '[process:web]', 'CMD: python -m http.server', '    --bind 127.0.0.1', '  # indented comment', '  8080',
    'Env:Greeting = 100% ; not a comment # neither', 'args=', '', '[gaffer]', 'log_level : warning',
  ].join('\r\n'));
  const config = await loadGafferdConfig(file, noEnv);
  assert.equal(config.logLevel, 'warning');
  const web = config.jobs[0]!.config;
  assert.equal(web.cmd, 'python -m http.server --bind 127.0.0.1 8080');
  assert.deepEqual(web.env, { GREETING: '100% ; not a comment # neither' });
  assert.equal(web.args, '');
});

test('values are not interpolated and true/false/null stay text', async () => {
  const file = await tmp.write('literal.ini', '[process:web]\ncmd = echo %(here)s $HOME ${X}\nenv:A = true\nenv:B = null\nenv:C = "quoted"\n');
  const web = (await loadGafferdConfig(file, noEnv)).jobs[0]!.config;
  assert.equal(web.cmd, 'echo %(here)s $HOME ${X}');
  assert.deepEqual(web.env, { A: 'true', B: 'null', C: '"quoted"' });
});

test('command-line overrides win over the file and recompute the default listener', async () => {
  const file = await tmp.write('overrides.ini', `
[gaffer]
bind = 127.0.0.1:5000
pidfile = /run/a.pid
lookupd_address1 = http://a:5010
log_level = debug
plugins_dir = /from/file
`);
  const config = await loadGafferdConfig(file, {
    ...noEnv,
    overrides: {
      bind: '0.0.0.0:6000', backlog: '12', pidfile: '/run/b.pid', daemonize: true, errorLog: '/tmp/g.log', logLevel: 'WARNING',
      requireKey: true, lookupdAddresses: ['http://b:5010', 'http://b:5010'], broadcastAddress: 'http://me:6000',
      certfile: '/c.pem', keyfile: '/k.pem', cacert: '/ca.pem', clientCertfile: '/cc.pem', clientKeyfile: '/ck.pem', pluginsDir: '/from/option',
    },
  });
  assert.deepEqual(config.listeners, [{
    name: 'default', addresses: [{ kind: 'tcp', host: '0.0.0.0', port: 6000 }], backlog: 12, certfile: '/c.pem', keyfile: '/k.pem',
  }]);
  assert.equal(config.pidfile, '/run/b.pid');
  assert.equal(config.daemonize, true);
  assert.equal(config.errorLog, '/tmp/g.log');
  assert.equal(config.logLevel, 'warning', '--log-level in any case');
  await assert.rejects(loadGafferdConfig(file, { ...noEnv, overrides: { logLevel: 'LOUD' } }),
    { message: '--log-level "LOUD": expected one of critical, error, warning, info, debug' }, 'a typo is an error, as log_level in the file');
  assert.equal(config.requireKey, true);
  assert.deepEqual(config.lookupdAddresses, ['http://b:5010']);
  assert.equal(config.broadcastAddress, 'http://me:6000');
  assert.deepEqual(config.lookupSsl, { caCerts: '/ca.pem', certfile: '/cc.pem', keyfile: '/ck.pem' });
  assert.equal(config.pluginsDir, '/from/option');
});

test('plugin directory precedence: file, then $GAFFER_PLUGIN_DIR, then <config dir>/plugins when it exists, then ~/.gafferd/plugins', async () => {
  await mkdir(tmp.join('withplugins', 'plugins'), { recursive: true });
  const file = await tmp.write('withplugins/gafferd.ini', '[gaffer]\n');
  assert.equal((await loadGafferdConfig(file, { homeDir: HOME, env: { GAFFER_PLUGIN_DIR: '/env/plugins' } })).pluginsDir, '/env/plugins');
  assert.equal((await loadGafferdConfig(file, noEnv)).pluginsDir, tmp.join('withplugins', 'plugins'));
  const bare = await tmp.write('noplugins/gafferd.ini', '[gaffer]\n');
  assert.equal((await loadGafferdConfig(bare, noEnv)).pluginsDir, join(HOME, '.gafferd', 'plugins'));
});

test('[plugin:<name>] sections are handed to plugins as written', async () => {
  const file = await tmp.write('plugin-cfg/gafferd.ini', '[plugin:dashboard]\nTitle = My node\nrefresh = 2\n');
  const config = await loadGafferdConfig(file, { env: {}, homeDir: tmp.path });
  assert.deepEqual(config.plugins, { dashboard: { title: 'My node', refresh: '2' } });
});
