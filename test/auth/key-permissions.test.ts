// The rules of auth.md → Permissions, one assertion per line of the spec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { can, normalizePermissions } from '../../src/auth/key-permissions.js';
import { LruCache } from '../../src/auth/lru-cache.js';
import { ConcurrencyLimit } from '../../src/auth/concurrency-limit.js';
import { parseAuthMessage } from '../../src/protocol/auth.js';

test('admin has every right; create_key/create_user are admin or their flag', () => {
  const admin = { admin: true };
  for (const right of ['admin', 'create_key', 'create_user', 'manage-all', 'write-all', 'read-all'] as const) assert.equal(can(admin, right), true, right);
  for (const right of ['manage', 'write', 'read'] as const) assert.equal(can(admin, right, 'any.job'), true, right);
  assert.equal(can({ create_key: true }, 'create_key'), true);
  assert.equal(can({ create_key: true }, 'create_user'), false);
  assert.equal(can({ create_user: true }, 'create_user'), true);
  assert.equal(can({ create_user: true, create_key: true }, 'admin'), false);
  assert.equal(can({ admin: false, manage: ['*'] }, 'admin'), false);
});

test('can(perm, what): *, the target itself, or the session of a full name', () => {
  const p = { manage: ['app'], write: ['web.front'], read: ['*'] };
  assert.equal(can(p, 'manage', 'app'), true, 'the session');
  assert.equal(can(p, 'manage', 'app.web'), true, 'a job of the session');
  assert.equal(can(p, 'manage', 'application.web'), false, 'a prefix is not the session');
  assert.equal(can(p, 'manage', 'other.app'), false, 'only the session part counts');
  assert.equal(can(p, 'write', 'web.front'), true, 'a job full name');
  assert.equal(can(p, 'write', 'web'), false, 'a job does not cover its session');
  assert.equal(can(p, 'read', 'anything.at.all'), true, '* covers everything');
  assert.equal(can({ manage: ['app.web'] }, 'manage', 'app'), false);
  assert.equal(can({}, 'read', 'app'), false);
  assert.equal(can({ read: ['app'] }, 'read', undefined), false, 'no target, no per-target right');
});

test('manage ⊃ write ⊃ read, and the *-all rights', () => {
  assert.equal(can({ manage: ['app'] }, 'write', 'app.web'), true);
  assert.equal(can({ manage: ['app'] }, 'read', 'app.web'), true);
  assert.equal(can({ write: ['app'] }, 'read', 'app.web'), true);
  assert.equal(can({ write: ['app'] }, 'manage', 'app.web'), false);
  assert.equal(can({ read: ['app'] }, 'write', 'app.web'), false);

  assert.equal(can({ manage: ['*'] }, 'manage-all'), true);
  assert.equal(can({ manage: ['app'] }, 'manage-all'), false);
  assert.equal(can({ write: ['*'] }, 'write-all'), true);
  assert.equal(can({ write: ['*'] }, 'manage-all'), false);
  assert.equal(can({ manage: ['*'] }, 'write-all'), true);
  assert.equal(can({ read: ['*'] }, 'read-all'), true);
  assert.equal(can({ read: ['*'] }, 'write-all'), false);
  assert.equal(can({ write: ['*'] }, 'read-all'), true);
  assert.equal(can({ admin: true }, 'read-all'), true);
});

test('normalizePermissions: validates the shape, drops nulls, trims and deduplicates targets', () => {
  assert.deepEqual(normalizePermissions(undefined), {});
  assert.deepEqual(normalizePermissions({ admin: null, manage: [' app ', 'app', 'b.c'], read: ['*'] }), { manage: ['app', 'b.c'], read: ['*'] });
  for (const bad of [[], 'admin', { manage: 'app' }, { read: [1] }, { write: [''] }, { admin: 1 }, { owner: true }]) {
    assert.throws(() => normalizePermissions(bad), /permission|expected/, JSON.stringify(bad));
  }
});

test('small pieces: LRU order, concurrency bound, AUTH message parsing', async () => {
  const lru = new LruCache<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3);
  assert.deepEqual([lru.get('a'), lru.get('b'), lru.get('c'), lru.size], [1, undefined, 3, 2], 'the least recently used entry goes first');

  const limit = new ConcurrencyLimit(2);
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 6 }, () => limit.run(async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
  })));
  assert.equal(peak, 2);

  assert.equal(parseAuthMessage('AUTH:abc'), 'abc');
  assert.equal(parseAuthMessage('AUTH: abc \n'), 'abc');
  assert.equal(parseAuthMessage('auth:abc'), undefined);
  assert.equal(parseAuthMessage('{"event": "NOP"}'), undefined);
});
