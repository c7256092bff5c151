// KeyStore, UserStore and the password hash: records, durability across
// reopening, private files, no clear password anywhere in the database files.
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Authenticator } from '../../src/auth/authenticator.js';
import { KeyStore } from '../../src/auth/key-store.js';
import { DEFAULT_HASH_ITERATIONS, hashPassword, isPasswordHash, verifyPassword } from '../../src/auth/password-hash.js';
import { checkIntegrity } from '../../src/auth/sqlite-db.js';
import { UserStore } from '../../src/auth/user-store.js';
import { isGafferError } from '../../src/errors.js';
import { tempDir } from './auth-server.js';

test('password hashes: PBKDF2-256$<32 hex salt>:<iterations>$<hex>, SHA-256 600 000 by default, 0.5 SHA-1 hashes still verify', async () => {
  const hash = await hashPassword('s3cret');
  assert.match(hash, /^PBKDF2-256\$[0-9a-f]{32}:600000\$[0-9a-f]{64}$/);
  assert.equal(DEFAULT_HASH_ITERATIONS, 600_000);
  assert.equal(await verifyPassword('s3cret', hash), true);
  assert.equal(await verifyPassword('s3cret ', hash), false);
  assert.notEqual(await hashPassword('s3cret', 1000), await hashPassword('s3cret', 1000), 'a fresh salt every time');

  // The 0.5 format: HMAC-SHA1, 1000 iterations, 24 bytes as 48 hex chars.
  const salt = '0123456789abcdef0123456789abcdef';
  const legacy = `PBKDF2-256$${salt}:1000$${pbkdf2Sync('old pass', salt, 1000, 24, 'sha1').toString('hex')}`;
  assert.equal(await verifyPassword('old pass', legacy), true);
  assert.equal(await verifyPassword('new pass', legacy), false);
  for (const broken of ['', 'old pass', `PBKDF2-256$${salt}:1000$abc`, `PBKDF2-256$${salt}:0$${'a'.repeat(48)}`, `SHA$${salt}:1000$${'a'.repeat(48)}`]) {
    assert.equal(await verifyPassword('old pass', broken), false, broken);
  }
  assert.equal(isPasswordHash(hash), true);
  await assert.rejects(hashPassword('x', 10), /iterations/);
});

test('KeyStore: create, lookup, list, sub-keys, recursive delete; survives reopening; files are private', () => {
  const dir = tempDir();
  const path = join(dir, 'conf', 'keys.db');
  let store = new KeyStore(path);
  const root = store.create({ permissions: { admin: true }, label: 'admin key' });
  const child = store.create({ parent: root.key, permissions: { read: ['app'] } });
  const grandchild = store.create({ parent: child.key });
  const other = store.create();
  assert.match(root.key, /^[0-9a-f]{32}$/);
  assert.deepEqual(store.get(root.key), { key: root.key, label: 'admin key', permissions: { admin: true } });
  assert.equal(store.get('nope'), undefined);
  assert.equal(store.get('x'.repeat(10_000)), undefined);
  assert.deepEqual(store.subkeys(root.key).map((k) => k.key), [child.key]);
  assert.throws(() => store.create({ parent: 'f'.repeat(32) }), (err) => isGafferError(err) && err.status === 400);
  assert.throws(() => store.create({ permissions: { manage: 'app' } as never }), (err) => isGafferError(err) && err.status === 400);
  assert.ok(Object.isFrozen(store.get(child.key)!.permissions.read), 'cached records cannot be changed by callers');
  store.close();

  assert.equal((statSync(path).mode & 0o777).toString(8), '600');
  assert.equal((statSync(join(dir, 'conf')).mode & 0o777).toString(8), '700');
  store = new KeyStore(path);
  assert.deepEqual(store.list().map((k) => k.key), [root.key, child.key, grandchild.key, other.key], 'everything is still there, in creation order');
  assert.deepEqual(store.delete(root.key).sort(), [root.key, child.key, grandchild.key].sort());
  assert.deepEqual(store.delete(root.key), []);
  assert.deepEqual(store.list().map((k) => k.key), [other.key]);
  assert.equal(checkIntegrity(store.database), 'ok');
  assert.equal(store.database.pragma('journal_mode', { simple: true }), 'wal');
  store.close();
});

test('UserStore: the database files never contain a clear password; records, conflicts, verification', async () => {
  const dir = tempDir();
  const path = join(dir, 'auth.db');
  const users = new UserStore(path);
  const password = 'clear-text-password-4711';
  await users.create('alice', { password, key: 'k1', user_type: 0, extra: { email: 'a@example.org', password: 'ignored' } });
  await users.create('bob', { password: 'other password' });
  await assert.rejects(users.create('alice', { password: 'x' }), (err) => isGafferError(err) && err.status === 409);
  await assert.rejects(users.create('carol', { password: '' }), (err) => isGafferError(err) && err.status === 400);
  await assert.rejects(users.create('', { password: 'x' }), (err) => isGafferError(err) && err.status === 400);
  await assert.rejects(users.create('a:b', { password: 'x' }), /without ':'/, 'Basic credentials could not name this user');
  assert.deepEqual(users.get('alice'), { username: 'alice', user_type: 0, key: 'k1', email: 'a@example.org' });
  assert.deepEqual(users.listByType(0).map((u) => u.username), ['alice']);
  assert.equal((await users.verify('alice', password))?.username, 'alice');
  assert.equal(await users.verify('alice', 'wrong'), undefined);
  assert.equal(await users.verify('nobody', password), undefined);
  await users.setPassword('bob', 'changed');
  assert.equal((await users.verify('bob', 'changed'))?.username, 'bob');

  // Look at every byte SQLite wrote (database, WAL, shared memory) before and after a checkpoint.
  const scan = (): void => {
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, file));
      for (const secret of [password, 'other password', 'changed']) {
        assert.equal(bytes.includes(Buffer.from(secret)), false, `${file} contains a clear password`);
      }
    }
  };
  scan();
  const stored = users.database.prepare<[], { password: string }>('SELECT password FROM users ORDER BY rowid').all();
  assert.ok(stored.every((r) => isPasswordHash(r.password)), 'only hashes are stored');
  assert.throws(() => users.database.prepare("UPDATE users SET password = 'plain' WHERE username = 'bob'").run(), /CHECK constraint/,
    'the schema itself refuses a clear password');
  users.close();
  assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0, 'a clean close checkpoints the WAL');
  scan();
});

test('Authenticator: lazy stores (no file until needed), unknown backends refused, require_key switch', async () => {
  const dir = tempDir();
  const auth = new Authenticator({ required: false, authDb: join(dir, 'auth.db'), keysDb: join(dir, 'keys.db') });
  assert.deepEqual(await auth.authenticateRequest({ headers: {} }), { key: '', permissions: { admin: true } });
  assert.deepEqual(readdirSync(dir), [], 'a gafferd that never uses keys creates no database');
  auth.setRequired(true);
  await assert.rejects(auth.authenticateRequest({ headers: {} }), (err) => isGafferError(err) && err.status === 401);
  await assert.rejects(auth.authenticateRequest({ headers: { 'x-api-key': 'nope' } }), (err) => isGafferError(err) && err.status === 403);
  const key = auth.keys.create({ permissions: { read: ['app'] } }).key;
  const caller = await auth.authenticateRequest({ headers: { 'x-api-key': key } });
  assert.equal(auth.can(caller, 'read', 'app.web'), true);
  assert.equal(auth.can(caller, 'write', 'app.web'), false);
  assert.throws(() => auth.authorize(caller, 'manage', 'app'), (err) => isGafferError(err) && err.status === 403);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.db')).sort(), ['keys.db']);
  auth.close();
  assert.throws(() => new Authenticator({ required: true, authDb: ':memory:', keysDb: ':memory:', keysBackend: 'redis' }), /only the built-in 'default'/);
});

test('a database written by a newer gafferd, or not a database at all, is an operator-facing error', () => {
  const dir = tempDir();
  const path = join(dir, 'keys.db');
  const store = new KeyStore(path);
  store.database.pragma('user_version = 99');
  store.close();
  assert.throws(() => new KeyStore(path), /schema version 99 is newer than this gafferd knows/);
  const garbage = join(dir, 'garbage.db');
  writeFileSync(garbage, 'this is not a database, just text that fills more than one header page '.repeat(100));
  assert.throws(() => new UserStore(garbage), /the users database '.*garbage\.db' is unusable|cannot open the users database/);
});
