// `gafferd --create-admin-user` and `--list-admins` through bin/gafferd.js
// (cli.md → gafferd), and a running gafferd with keys required.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyStore } from '../../src/auth/key-store.js';
import { UserStore } from '../../src/auth/user-store.js';
import { startGafferd } from '../helpers/gafferd.js';
import { request } from '../helpers/http.js';
import { ROOT } from '../helpers/paths.js';
import { basic, tempDir, withKey } from './auth-server.js';

interface Run { code: number | null; stdout: string; stderr: string }

// Run gafferd to completion with `input` on its stdin (a pipe: the input then ends).
function gafferd(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'gafferd.js'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const CREATED = /^User '(\w+)' created\.\nAPI Key: ([0-9a-f]{32})\n$/;

test('--create-admin-user with --username/--password: an admin key labelled "admin key" and a type-0 user bound to it', async () => {
  const dir = tempDir();
  const run = await gafferd(['-c', dir, '--create-admin-user', '--username', 'admin', '--password', 'pw']);
  assert.deepEqual([run.code, run.stderr], [0, '']);
  const [, username, key] = CREATED.exec(run.stdout) ?? [];
  assert.equal(username, 'admin');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.db')).sort(), ['auth.db', 'keys.db']);
  for (const db of ['auth.db', 'keys.db']) assert.equal((statSync(join(dir, db)).mode & 0o777).toString(8), '600', db);

  const keys = new KeyStore(join(dir, 'keys.db'));
  const users = new UserStore(join(dir, 'auth.db'));
  try {
    assert.deepEqual(keys.get(key!), { key, label: 'admin key', permissions: { admin: true } });
    assert.deepEqual(users.get('admin'), { username: 'admin', user_type: 0, key });
    assert.equal((await users.verify('admin', 'pw'))?.username, 'admin');
  } finally {
    keys.close();
    users.close();
  }
  assert.deepEqual(await gafferd(['-c', dir, '--list-admins']), { code: 0, stdout: `admin - ${key}\n`, stderr: '' });

  assert.deepEqual(await gafferd(['-c', dir, '--create-admin-user', '--username', 'admin', '--password', 'x']),
    { code: 1, stdout: '', stderr: "username 'admin' already exists. Please choose another\n" });
  assert.deepEqual(await gafferd(['-c', dir, '--create-admin-user', '--username', '', '--password', 'x']),
    { code: 1, stdout: '', stderr: 'Error: username is empty\n' });
});

test('--create-admin-user prompts: lower-cased username re-asked while taken, password asked twice, end of input aborts', async () => {
  const dir = tempDir();
  await gafferd(['-c', dir, '--create-admin-user', '--username', 'admin', '--password', 'pw']);

  const prompted = await gafferd(['-c', dir, '--create-admin-user'], 'ADMIN\n\nRoot\nfirst\nsecond\nthird\nthird\n');
  assert.equal(prompted.code, 0, prompted.stderr);
  const [head, tail] = prompted.stdout.split('User ');
  assert.equal(head, "username: username 'admin' already exists. Please enter another\nusername: username: password: \nconfirm password: \n" +
    'Passwords are different.\npassword: \nconfirm password: \n');
  assert.match(`User ${tail}`, CREATED);
  assert.equal(CREATED.exec(`User ${tail}`)?.[1], 'root');

  const aborted = await gafferd(['-c', dir, '--create-admin-user', '--username', 'late'], 'secret\n');
  assert.deepEqual([aborted.code, aborted.stdout], [0, 'password: \nconfirm password: \nadmin not created.\n']);
  const empty = await gafferd(['-c', dir, '--create-admin-user']);
  assert.deepEqual([empty.code, empty.stdout], [0, 'username: \nadmin not created.\n']);
  const admins = (await gafferd(['-c', dir, '--list-admins'])).stdout.split('\n').filter(Boolean).map((l) => l.split(' - ')[0]);
  assert.deepEqual(admins, ['admin', 'root'], 'aborted runs created nothing');
});

test('[auth] keys_dbname/auth_dbname choose the database files; an unknown backend is a configuration error', async () => {
  const dir = tempDir();
  const config = join(dir, 'gafferd.ini');
  writeFileSync(config, '[auth]\nauth_dbname = people.db\nkeys_dbname = secrets/keys.sqlite\n');
  const run = await gafferd(['-c', config, '--create-admin-user', '--username', 'ops', '--password', 'pw']);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(statSync(join(dir, 'people.db')).isFile());
  assert.ok(statSync(join(dir, 'secrets', 'keys.sqlite')).isFile());
  writeFileSync(config, '[auth]\nkeys_backend = ldap\n');
  const refused = await gafferd(['-c', config, '--list-admins']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /keys_backend = ldap: only the built-in 'default' store is available/);
});

test('gafferd --require-key: no key 401, the admin key works, GET /auth logs in; an admin created while it runs works at once', async () => {
  const d = await startGafferd({ config: '', args: ['--require-key'] });
  assert.equal((await request(`${d.url}/jobs`)).status, 401);
  const run = await gafferd(['-c', join(d.dir, 'gaffer.ini'), '--create-admin-user', '--username', 'admin', '--password', 'pw']);
  const key = CREATED.exec(run.stdout)?.[2];
  assert.ok(key, run.stdout + run.stderr);
  assert.equal((await request(`${d.url}/jobs`, { headers: withKey(key) })).status, 200);
  assert.equal((await request(`${d.url}/jobs`, { headers: withKey('f'.repeat(32)) })).status, 403);
  assert.deepEqual((await request(`${d.url}/auth`, { headers: basic('admin', 'pw') })).json(), { api_key: key });
});
