// gaffer login, user*, key* (cli.md) against a real gafferd started with
// --require-key, its first administrator made by `gafferd --create-admin-user`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { GafferClient } from '../../src/client/gaffer-client.js';
import { parsePermissionArgs, permissionLines } from '../../src/cli/gaffer/permission-args.js';
import { BadRequestError } from '../../src/errors.js';
import { runCli, type CliOptions, type CliResult } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { ROOT, fixtureCmd } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-auth-commands-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const created = spawnSync(process.execPath, [join(ROOT, 'bin', 'gafferd.js'), '-c', dir, '--create-admin-user', '--username', 'admin', '--password', 'secret'], { encoding: 'utf8' });
const ADMIN = /API Key: ([0-9a-f]{32})/.exec(created.stdout)?.[1] ?? '';
const gafferd = await startGafferd({ args: ['-c', dir, '--require-key'] });
const admin = new GafferClient({ endpoint: gafferd.url, apiKey: ADMIN });
after(() => admin.close());
for (const sid of ['app', 'other']) await admin.loadJob(sid, { name: 'web', cmd: fixtureCmd('sleeper.js') });

let serial = 0;
/** A user configuration path in a directory that does not exist yet. */
const freshConfig = (): string => join(dir, `home${++serial}`, '.gaffer', 'gaffer.ini');

/** gaffer on the test gafferd, from an empty directory, with no user configuration unless given. */
function gaffer(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return runCli('gaffer', ['-g', gafferd.url, ...args], { cwd: dir, ...options });
}
const asAdmin = (args: string[], options: CliOptions = {}): Promise<CliResult> => gaffer(['--api-key', ADMIN, ...args], options);

function ok(result: CliResult): string[] {
  assert.equal(result.code, 0, result.stderr);
  return result.lines;
}

/** Create a key with key:create; returns it. */
async function createKey(...perms: string[]): Promise<string> {
  const last = ok(await asAdmin(['key:create', ...perms, '--no-input'])).at(-1)!;
  const key = /^The key '([0-9a-f]{32})' has been created\.$/.exec(last)?.[1];
  assert.ok(key, last);
  return key;
}

test('the admin was created', () => {
  assert.match(ADMIN, /^[0-9a-f]{32}$/, created.stdout + created.stderr);
});

test('login -u/-p: the key goes to a new user configuration (0600 in a 0700 directory); later commands use it', async () => {
  const config = freshConfig();
  const login = await gaffer(['login', '-u', 'admin', '-p', 'secret'], { env: { GAFFER_CONFIG: config } });
  assert.deepEqual(ok(login), ["User 'admin' authenticated."]);
  assert.equal(readFileSync(config, 'utf8'), `[node "${gafferd.url}"]\nkey = ${ADMIN}\n`);
  assert.equal((statSync(config).mode & 0o777).toString(8), '600');
  assert.equal((statSync(dirname(config)).mode & 0o777).toString(8), '700');
  assert.deepEqual(ok(await gaffer(['apps'], { env: { GAFFER_CONFIG: config } })), ['app', 'other']);
  assert.equal(login.stdout.includes('secret') || login.stderr.includes('secret'), false);
});

test('login keeps the rest of an existing user configuration and its mode; only the key of this node changes', async () => {
  const config = join(dir, 'existing.ini');
  writeFileSync(config, `# my nodes\n[node "http://elsewhere:5000"]\nkey = keep-me\n\n[node "${gafferd.url}"]\nkey = stale\n  continued\ncertfile = /etc/client.pem\n`);
  chmodSync(config, 0o640);
  ok(await gaffer(['login', '-u', 'admin', '-p', 'secret'], { env: { GAFFER_CONFIG: config } }));
  assert.equal(readFileSync(config, 'utf8'),
    `# my nodes\n[node "http://elsewhere:5000"]\nkey = keep-me\n\n[node "${gafferd.url}"]\nkey = ${ADMIN}\ncertfile = /etc/client.pem\n`);
  assert.equal((statSync(config).mode & 0o777).toString(8), '640');
});

test('login asks for what is missing; a wrong password exits 1 and stores nothing; end of input aborts', async () => {
  const config = freshConfig();
  const asked = await gaffer(['login'], { input: '\nadmin\nsecret\n', env: { GAFFER_CONFIG: config } });
  assert.equal(asked.code, 0, asked.stderr);
  assert.equal(asked.stdout, "username: \nusername is empty. Please enter a username.\nusername: \npassword: \nUser 'admin' authenticated.\n");
  assert.ok(readFileSync(config, 'utf8').includes(ADMIN));

  const other = freshConfig();
  const wrong = await gaffer(['login', '-u', 'admin'], { input: 'not-the-password\n', env: { GAFFER_CONFIG: other } });
  assert.deepEqual([wrong.code, wrong.stdout, wrong.stderr], [1, 'password: \n', 'unauthorized: username or password is wrong\n']);
  assert.equal(existsSync(other), false);
  const unknown = await gaffer(['login', '-u', 'nobody', '-p', 'x'], { env: { GAFFER_CONFIG: other } });
  assert.deepEqual([unknown.code, unknown.stderr], [1, 'unauthorized: username or password is wrong\n']);
  const ended = await gaffer(['login', '-u', 'admin'], { env: { GAFFER_CONFIG: other } });
  assert.deepEqual([ended.code, ended.stdout, ended.stderr], [1, 'password: \n', 'not authenticated\n']);
  assert.equal(existsSync(other), false);
});

test('login on a gafferd that does not require keys says so and stores nothing', async () => {
  const open = await startGafferd();
  const config = freshConfig();
  const result = await runCli('gaffer', ['-g', open.url, 'login', '-u', 'admin', '-p', 'secret'], { cwd: dir, env: { GAFFER_CONFIG: config } });
  assert.deepEqual([result.code, result.stdout], [0, `gafferd at ${open.url} does not require API keys: there is nothing to log in to.\n`]);
  assert.equal(existsSync(config), false);
});

test('key:create shows the permissions, confirms, creates; key shows it; a scoped key works on its session only (403 elsewhere)', async () => {
  const declined = await asAdmin(['key:create', 'app+m', '*+r'], { input: 'n\n' });
  assert.deepEqual(ok(declined), [
    'A key with the following permissions will be created:', '',
    '  admin: False', '  create_key: False', '  create_user: False', '  manage: app', '  read: *', '  write: ', '',
    'Create the key [y]|n: ',
  ]);
  const made = ok(await asAdmin(['key:create', 'app+m', '*+r', '--label', 'deploy app'], { input: 'y\n' }));
  const scoped = /^The key '([0-9a-f]{32})' has been created\.$/.exec(made.at(-1)!)?.[1];
  assert.ok(scoped, made.join('\n'));
  assert.deepEqual(ok(await asAdmin(['key', scoped])), [
    `Key '${scoped}' found.`, 'Label: deploy app', 'Permissions:',
    '  admin: False', '  create_key: False', '  create_user: False', '  manage: app', '  read: *', '  write: ',
  ]);

  assert.deepEqual(ok(await gaffer(['--api-key', scoped, 'ps:kill', 'app.web', 'CONT', '--no-input'])), ["'CONT' sent to 'app.web'"]);
  assert.equal((await gaffer(['--api-key', scoped, 'stats', 'other.web'])).code, 0, 'read *');
  for (const args of [['ps:kill', 'other.web', 'CONT', '--no-input'], ['apps']]) {
    const refused = await gaffer(['--api-key', scoped, ...args]);
    assert.deepEqual([refused.code, refused.stderr], [1, "Forbidden access. API key permissions aren't enough\n"], args.join(' '));
  }
  // A key may read itself, not others.
  assert.equal((await gaffer(['--api-key', scoped, 'key', scoped])).code, 0);
  assert.equal((await gaffer(['--api-key', scoped, 'key', ADMIN])).stderr, "Forbidden access. API key permissions aren't enough\n");

  assert.deepEqual(ok(await asAdmin(['key:delete', scoped], { input: '\n' })), [`Delete the key '${scoped}' [y]|n: `, `The key '${scoped}' has been deleted.`]);
  assert.equal((await gaffer(['--api-key', scoped, 'ps:kill', 'app.web', 'CONT', '--no-input'])).stderr, "Forbidden access. API key permissions aren't enough\n");
  for (const args of [['key:delete', scoped, '--no-input'], ['key', scoped]]) {
    const missing = await asAdmin(args);
    assert.deepEqual([missing.code, missing.stderr], [1, `Key '${scoped}' not found\n`], args[0]);
  }
});

test('key:create: +a shows every right; a word that means nothing is refused; no key is refused', async () => {
  const adminKey = ok(await asAdmin(['key:create', '+a', '--no-input']));
  assert.deepEqual(adminKey.slice(0, 8), [
    'A key with the following permissions will be created:', '',
    '  admin: True', '  create_user: True', '  create_key: True', '  manage: *', '  read: *', '  write: *',
  ]);
  const bad = await asAdmin(['key:create', 'app+x', '--no-input']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^invalid permission 'app\+x': expected \+a, \+u, \+k, \+m or <target>\+<letters of r, w, m>/);
  const none = await gaffer(['key:create', '+k', '--no-input']);
  assert.deepEqual([none.code, none.stderr], [1, 'Unauthorized access. You need an API key\n']);
});

test('user:add (options, then questions), user, login as that user, user:setpassword, user:setkey, user:del', async () => {
  const first = await createKey('app+r');
  const second = await createKey('app+m');
  assert.deepEqual(ok(await asAdmin(['user:add', 'ci', '-p', 's3cret', '-k', first, '-t', '1', '--no-input'])), [
    '', "Creating the user 'ci' with the following infos:", `API Key: ${first}`, 'Type: 1', '', "User 'ci' created",
  ]);
  const again = await asAdmin(['user:add', 'ci', '-p', 'x', '--no-input']);
  assert.deepEqual([again.code, again.stderr], [1, "User 'ci' already exists\n"]);
  assert.deepEqual(ok(await asAdmin(['user', 'ci'])), ["User 'ci' found", `API Key: ${first}`]);
  const nobody = await asAdmin(['user', 'nobody']);
  assert.deepEqual([nobody.code, nobody.stderr], [1, "User 'nobody' not found\n"]);

  const config = freshConfig();
  ok(await gaffer(['login', '-u', 'ci', '-p', 's3cret'], { env: { GAFFER_CONFIG: config } }));
  assert.equal(readFileSync(config, 'utf8'), `[node "${gafferd.url}"]\nkey = ${first}\n`);

  const asked = await asAdmin(['user:add'], { input: 'bob\npw\nnope\npw\npw\n\nx\n1\ny\n' });
  assert.equal(asked.code, 0, asked.stderr);
  assert.equal(asked.stdout, 'username: \npassword: \nconfirm password: \nPasswords are different.\npassword: \nconfirm password: \n' +
    'api key: \ntype [1]: \ninvalid user type\ntype [1]: \n\nCreating the user \'bob\' with the following infos:\nAPI Key: None\nType: 1\n\n' +
    "Confirm the creation of the user 'bob' [y]|n: \nUser 'bob' created\n");
  assert.deepEqual(ok(await asAdmin(['user', 'bob'])), ["User 'bob' found", 'API Key: None']);
  const aborted = await asAdmin(['user:add', 'carol']);
  assert.deepEqual([aborted.code, aborted.stdout, aborted.stderr], [1, 'password: \n', 'user not created\n']);
  const noInput = await asAdmin(['user:add', 'carol', '--no-input']);
  assert.deepEqual([noInput.code, noInput.stderr], [1, 'password is required with --no-input (-p PASSWORD)\n']);

  assert.deepEqual(ok(await asAdmin(['user:setpassword', 'ci'], { input: 'n3w\nn3w\ny\n' })),
    ['password: ', 'confirm password: ', "Confirm the change of ci's password [y]|n: ", "ci's password changed"]);
  assert.equal((await gaffer(['login', '-u', 'ci', '-p', 's3cret'], { env: { GAFFER_CONFIG: config } })).code, 1);
  ok(await gaffer(['login', '-u', 'ci', '-p', 'n3w'], { env: { GAFFER_CONFIG: config } }));

  assert.deepEqual(ok(await asAdmin(['user:setkey', 'ci', '-k', second, '--no-input'])), ["ci's key changed"]);
  assert.deepEqual(ok(await asAdmin(['user', 'ci'])), ["User 'ci' found", `API Key: ${second}`]);
  // The user bound to a key may see itself, not others (create_user).
  assert.deepEqual(ok(await gaffer(['--api-key', second, 'user', 'ci'])), ["User 'ci' found", `API Key: ${second}`]);
  assert.equal((await gaffer(['--api-key', second, 'user', 'bob'])).stderr, "Forbidden access. API key permissions aren't enough\n");

  assert.deepEqual(ok(await asAdmin(['user:del', 'bob', '--no-input'])), ["User 'bob' deleted"]);
  for (const args of [['user', 'bob'], ['user:del', 'bob', '--no-input'], ['user:setpassword', 'bob', '-p', 'x', '--no-input'], ['user:setkey', 'bob', '-k', first, '--no-input']]) {
    const missing = await asAdmin(args);
    assert.deepEqual([missing.code, missing.stderr], [1, "User 'bob' not found\n"], args[0]);
  }
});

test('permission words: every form, admin implies create_user and create_key, bad words name the expected forms', () => {
  assert.deepEqual(parsePermissionArgs(['+u', '+k', 'app+rw', 'app.web+m', '*+r', 'a+b+r', '+m', 'app+r']), {
    admin: false, create_user: true, create_key: true, manage: ['app.web', '*'], read: ['app', '*', 'a+b'], write: ['app'],
  });
  assert.deepEqual(parsePermissionArgs(['+a']), { admin: true, create_user: true, create_key: true, manage: [], read: [], write: [] });
  for (const word of ['app', 'app+', '+rw', '+x', 'app+rx']) assert.throws(() => parsePermissionArgs([word]), BadRequestError, word);
  assert.deepEqual(permissionLines({}), ['  admin: False', '  create_key: False', '  create_user: False', '  manage: ', '  read: ', '  write: ']);
});
