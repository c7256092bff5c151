// `/auth`, `/keys...`, `/users...`: shapes, status codes and the rules of
// auth.md → Key and user routes; keys and passwords never reach the log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorBody, request } from '../helpers/http.js';
import { recordingLogger } from '../helpers/manager.js';
import { basic, startAuthServer, withKey } from './auth-server.js';

test('GET /auth: Basic credentials → the user key (body and X-Api-Key); anything else 401; 404 when keys are not required', async () => {
  const server = await startAuthServer();
  const key = server.key({ read: ['app'] });
  await server.auth.users.create('alice', { password: 'wonder land', key });
  await server.auth.users.create('keyless', { password: 'pw' });
  const ok = await request(`${server.url}/auth`, { headers: basic('alice', 'wonder land') });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json(), { api_key: key });
  assert.equal(ok.headers['x-api-key'], key);
  assert.equal(ok.headers['www-authenticate'], undefined);
  const head = await request(`${server.url}/auth`, { method: 'HEAD', headers: basic('alice', 'wonder land') });
  assert.deepEqual([head.status, head.text], [200, '']);
  const keyless = await request(`${server.url}/auth`, { headers: basic('keyless', 'pw') });
  assert.deepEqual([keyless.status, keyless.json(), keyless.headers['x-api-key']], [200, { api_key: null }, undefined]);

  for (const headers of [{}, basic('alice', 'wrong'), basic('nobody', 'wonder land'), { Authorization: 'Basic !!!' }, { Authorization: 'Bearer x' },
    { Authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` }]) {
    const refused = await request(`${server.url}/auth`, { headers });
    assert.deepEqual([refused.status, refused.json()], [401, errorBody('unauthorized', 401)], JSON.stringify(headers));
    assert.match(String(refused.headers['www-authenticate']), /^Basic realm="gaffer"/);
  }
  // /auth needs no X-Api-Key, even a wrong one.
  assert.equal((await request(`${server.url}/auth`, { headers: { ...basic('alice', 'wonder land'), ...withKey('f'.repeat(32)) } })).status, 200);

  const open = await startAuthServer({ required: false });
  await open.auth.users.create('alice', { password: 'pw' });
  const notFound = await request(`${open.url}/auth`, { headers: basic('alice', 'pw') });
  assert.deepEqual([notFound.status, notFound.json()], [404, errorBody('not_found', 404)]);
});

test('POST /keys: 32-hex key in body, X-Api-Key and Location; admin keys need admin; bad bodies 400', async () => {
  const server = await startAuthServer();
  // A non-admin creator hands out rights within its own (test/security/escalation-*.test.ts).
  const creator = server.key({ create_key: true, manage: ['app'], read: ['*'] });
  const admin = server.key({ admin: true });
  const created = await request(`${server.url}/keys`, {
    headers: withKey(creator), body: { permissions: { manage: ['app'], read: ['*'] }, label: 'ci', key: 'chosen-by-client' },
  });
  assert.equal(created.status, 200);
  const body = created.json<{ ok: boolean; api_key: string }>();
  assert.equal(body.ok, true);
  assert.match(body.api_key, /^[0-9a-f]{32}$/);
  assert.equal(created.headers['x-api-key'], body.api_key);
  assert.equal(created.headers.location, `http://127.0.0.1:${server.port}/keys/${body.api_key}`);
  const fetched = await request(`${server.url}/keys/${body.api_key}`, { headers: withKey(creator) });
  assert.deepEqual(fetched.json(), { key: body.api_key, label: 'ci', permissions: { manage: ['app'], read: ['*'] } });

  const empty = await request(`${server.url}/keys`, { method: 'POST', headers: withKey(creator), body: '' });
  assert.equal(empty.status, 200, 'every member is optional, the body too');
  assert.deepEqual((await request(`${server.url}/keys/${empty.json<{ api_key: string }>().api_key}`, { headers: withKey(admin) })).json<{ permissions: unknown }>().permissions, {});

  const adminByCreator = await request(`${server.url}/keys`, { headers: withKey(creator), body: { permissions: { admin: true } } });
  assert.deepEqual([adminByCreator.status, adminByCreator.json()], [403, errorBody('forbidden', 403)]);
  assert.equal((await request(`${server.url}/keys`, { headers: withKey(admin), body: { permissions: { admin: true } } })).status, 200);

  for (const bad of ['{not json', '[1]', JSON.stringify({ permissions: { manage: 'app' } }), JSON.stringify({ permissions: { superuser: true } }),
    JSON.stringify({ permissions: { admin: 'yes' } }), JSON.stringify({ label: 42 }), JSON.stringify({ parent: 'f'.repeat(32) })]) {
    const refused = await request(`${server.url}/keys`, { method: 'POST', headers: withKey(admin), body: bad });
    assert.deepEqual([refused.status, refused.json()], [400, errorBody('bad_request', 400)], bad);
  }
});

test('/keys/<key>: create_key or the key itself; sub-keys listed, deleted with their parent and refused at once', async () => {
  const server = await startAuthServer();
  const admin = server.key({ admin: true });
  const plain = server.key({ read: ['app'] }, 'plain');
  const other = server.key({});
  const parent = (await request(`${server.url}/keys`, { headers: withKey(admin), body: { label: 'parent' } })).json<{ api_key: string }>().api_key;
  const child = (await request(`${server.url}/keys`, { headers: withKey(admin), body: { parent, permissions: { read: ['app'] } } })).json<{ api_key: string }>().api_key;
  const grandchild = server.auth.keys.create({ parent: child }).key;

  // A key reads and deletes itself, not another one.
  assert.deepEqual((await request(`${server.url}/keys/${plain}`, { headers: withKey(plain) })).json(), { key: plain, label: 'plain', permissions: { read: ['app'] } });
  assert.equal((await request(`${server.url}/keys/${plain}`, { method: 'HEAD', headers: withKey(plain) })).status, 200);
  assert.equal((await request(`${server.url}/keys/${other}`, { headers: withKey(plain) })).status, 403);
  assert.equal((await request(`${server.url}/keys/${other}`, { method: 'DELETE', headers: withKey(plain) })).status, 403);

  const withSubkeys = (await request(`${server.url}/keys/${parent}?include_keys=true`, { headers: withKey(admin) })).json<{ keys: Array<{ key: string; parent: string }> }>();
  assert.deepEqual(withSubkeys.keys.map((k) => [k.key, k.parent]), [[child, parent]]);
  const listed = (await request(`${server.url}/keys`, { headers: withKey(admin) })).json<{ keys: string[] }>().keys;
  assert.deepEqual(listed, [admin, plain, other, parent, child, grandchild]);
  const objects = (await request(`${server.url}/keys?include_keys=true`, { headers: withKey(admin) })).json<{ keys: Array<{ key: string }> }>().keys;
  assert.deepEqual(objects.map((k) => k.key), listed);

  // The child key is in use (cached) when its parent is deleted: it stops working at once.
  assert.equal((await request(`${server.url}/jobs/app`, { headers: withKey(child) })).status, 403, 'read is not manage');
  assert.equal((await request(`${server.url}/keys/${child}`, { headers: withKey(child) })).status, 200);
  assert.deepEqual((await request(`${server.url}/keys/${parent}`, { method: 'DELETE', headers: withKey(admin) })).json(), { ok: true });
  for (const gone of [parent, child, grandchild]) {
    assert.equal((await request(`${server.url}/keys/${gone}`, { headers: withKey(admin) })).status, 404);
    const refused = await request(`${server.url}/keys/${gone}`, { headers: withKey(gone) });
    assert.deepEqual([refused.status, refused.json()], [403, errorBody('forbidden', 403)]);
  }
  assert.equal((await request(`${server.url}/keys/${parent}`, { method: 'HEAD', headers: withKey(admin) })).status, 404);
  assert.equal((await request(`${server.url}/keys/${parent}`, { method: 'DELETE', headers: withKey(admin) })).status, 404);

  assert.deepEqual((await request(`${server.url}/keys/${plain}`, { method: 'DELETE', headers: withKey(plain) })).json(), { ok: true });
  assert.equal((await request(`${server.url}/keys/${plain}`, { headers: withKey(plain) })).status, 403, 'a deleted key is refused');
});

test('/users: create (409, 400, type 0 needs admin), list, read without password, update, password, key, delete', async () => {
  const server = await startAuthServer();
  const admin = server.key({ admin: true });
  const creator = server.key({ create_user: true, read: ['app'] });
  const post = (body: unknown, key = creator): ReturnType<typeof request> => request(`${server.url}/users`, { headers: withKey(key), body });

  assert.deepEqual((await post({ username: 'bob', password: 'pw', team: 'ops' })).json(), { ok: true });
  assert.deepEqual([(await post({ username: 'bob', password: 'other' })).status], [409]);
  for (const bad of [{ username: 'x' }, { password: 'x' }, { username: '', password: 'x' }, { username: 'x', password: 'x', user_type: 7 }]) {
    const refused = await post(bad);
    assert.deepEqual([refused.status, refused.json()], [400, errorBody('bad_request', 400)], JSON.stringify(bad));
  }
  assert.equal((await post({ username: 'root', password: 'pw', user_type: 0 })).status, 403);
  assert.equal((await post({ username: 'root', password: 'pw', user_type: 0, key: admin }, admin)).status, 200);

  assert.deepEqual((await request(`${server.url}/users`, { headers: withKey(admin) })).json(), { users: ['bob', 'root'] });
  assert.deepEqual((await request(`${server.url}/users?include_user=true`, { headers: withKey(admin) })).json(), {
    users: [{ username: 'bob', user_type: 1, key: null, team: 'ops' }, { username: 'root', user_type: 0, key: admin }],
  });
  assert.equal((await request(`${server.url}/users`, { headers: withKey(creator) })).status, 403, 'listing users needs admin');
  // Only admins see other users' keys.
  assert.deepEqual((await request(`${server.url}/users/bob`, { headers: withKey(creator) })).json(), { username: 'bob', user_type: 1, team: 'ops' });
  assert.equal((await request(`${server.url}/users/nobody`, { headers: withKey(creator) })).status, 404);

  const bobKey = server.key({ read: ['app'] });
  assert.deepEqual((await request(`${server.url}/users/bob/key`, { method: 'PUT', headers: withKey(creator), body: { key: bobKey } })).json(), { ok: true });
  assert.deepEqual((await request(`${server.url}/auth`, { headers: basic('bob', 'pw') })).json(), { api_key: bobKey });
  assert.equal((await request(`${server.url}/users/bob/key`, { method: 'PUT', headers: withKey(creator), body: {} })).status, 400);
  assert.deepEqual((await request(`${server.url}/users/bob/password`, { method: 'PUT', headers: withKey(creator), body: { password: 'new' } })).json(), { ok: true });
  assert.equal((await request(`${server.url}/auth`, { headers: basic('bob', 'pw') })).status, 401);
  assert.equal((await request(`${server.url}/auth`, { headers: basic('bob', 'new') })).status, 200);
  assert.equal((await request(`${server.url}/users/bob/password`, { method: 'PUT', headers: withKey(creator), body: {} })).status, 400);

  // PUT replaces password, type and extras; an absent key keeps the bound key.
  assert.deepEqual((await request(`${server.url}/users/bob`, { method: 'PUT', headers: withKey(creator), body: { password: 'third', username: 'ignored', team: 'dev' } })).json(), { ok: true });
  assert.deepEqual((await request(`${server.url}/users/bob`, { headers: withKey(admin) })).json(), { username: 'bob', user_type: 1, key: bobKey, team: 'dev' });
  assert.equal((await request(`${server.url}/users/bob`, { method: 'PUT', headers: withKey(creator), body: { team: 'x' } })).status, 400);
  assert.equal((await request(`${server.url}/users/nobody`, { method: 'PUT', headers: withKey(creator), body: { password: 'x' } })).status, 404);

  assert.deepEqual((await request(`${server.url}/users/bob`, { method: 'DELETE', headers: withKey(creator) })).json(), { ok: true });
  assert.equal((await request(`${server.url}/users/bob`, { method: 'DELETE', headers: withKey(creator) })).status, 404);
});

test('/users/<u> self-service: the user bound to the caller key manages itself only; HEAD hides others as 404', async () => {
  const server = await startAuthServer();
  const carolKey = server.key({});
  await server.auth.users.create('carol', { password: 'pw', key: carolKey });
  await server.auth.users.create('dave', { password: 'pw' });
  const as = withKey(carolKey);
  assert.deepEqual((await request(`${server.url}/users/carol`, { headers: as })).json(), { username: 'carol', user_type: 1, key: carolKey });
  assert.equal((await request(`${server.url}/users/carol`, { method: 'HEAD', headers: as })).status, 200);
  assert.equal((await request(`${server.url}/users/dave`, { headers: as })).status, 403);
  assert.equal((await request(`${server.url}/users/dave`, { method: 'HEAD', headers: as })).status, 404, 'not permitted looks like absent');
  assert.equal((await request(`${server.url}/users/nobody`, { method: 'HEAD', headers: as })).status, 404);
  assert.equal((await request(`${server.url}/users/dave/password`, { method: 'PUT', headers: as, body: { password: 'x' } })).status, 403);
  assert.equal((await request(`${server.url}/users/carol/password`, { method: 'PUT', headers: as, body: { password: 'mine' } })).status, 200);
  assert.equal((await request(`${server.url}/auth`, { headers: basic('carol', 'mine') })).status, 200);
  const promote = await request(`${server.url}/users/carol`, { method: 'PUT', headers: as, body: { password: 'mine', user_type: 0 } });
  assert.deepEqual([promote.status, promote.json()], [403, errorBody('forbidden', 403)], 'becoming an administrator needs admin');
  assert.equal((await request(`${server.url}/users`, { headers: as, body: { username: 'eve', password: 'x' } })).status, 403);
  // Deleting a key unbinds it from its user.
  server.auth.deleteKey(carolKey);
  assert.equal(server.auth.users.get('carol')?.key, null);
});

test('keys and passwords never reach the log, even on refused requests', async () => {
  const logger = recordingLogger();
  const server = await startAuthServer({ httpLogger: logger });
  const admin = server.key({ admin: true });
  const secretKey = server.key({});
  await server.auth.users.create('alice', { password: 'correct horse', key: secretKey });
  const wrong = 'e'.repeat(32);
  await request(`${server.url}/keys/${secretKey}`, { headers: withKey(wrong) });
  await request(`${server.url}/keys/${wrong}`, { headers: withKey(admin) });
  await request(`${server.url}/keys/${wrong}`, { method: 'DELETE', headers: withKey(admin) });
  await request(`${server.url}/jobs`, { headers: withKey(wrong) });
  await request(`${server.url}/auth`, { headers: basic('alice', 'battery staple') });
  await request(`${server.url}/auth`, { headers: basic('alice', 'correct horse') });
  await request(`${server.url}/users`, { headers: withKey(admin), body: { username: 'alice', password: 'correct horse' } });
  await request(`${server.url}/users/alice/password`, { method: 'PUT', headers: withKey(admin), body: { password: 'tr0ub4dor' } });
  assert.ok(logger.lines.length > 0, 'refusals are logged (debug)');
  for (const secret of [admin, secretKey, wrong, 'correct horse', 'battery staple', 'tr0ub4dor']) {
    assert.deepEqual(logger.lines.filter((l) => l.includes(secret)), [], `'${secret.slice(0, 6)}…' appears in the log`);
  }
});
