// Escalation attempts against the key and user routes, keys required: nobody but an admin reads,
// changes or deletes a key or user whose rights exceed its own, only admins see other users' keys,
// and keys made by a non-admin hold a subset of their creator's rights (403 permission_escalation).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorBody, request, type TestResponse } from '../helpers/http.js';
import { basic, startAuthServer, withKey } from '../auth/auth-server.js';

const server = await startAuthServer();
const admin = server.key({ admin: true }, 'admin');
await server.auth.users.create('admin', { password: 'admin-pw', user_type: 0, key: admin });
const powerful = server.key({ manage: ['*'] }, 'ops');
await server.auth.users.create('ops', { password: 'ops-pw', key: powerful });
const userMaker = server.key({ create_user: true, manage: ['app'] }, 'user maker');
const keyMaker = server.key({ create_key: true, manage: ['app'], read: ['*'] }, 'key maker');

const call = (method: string, path: string, key: string, body?: unknown): Promise<TestResponse> =>
  request(`${server.url}${path}`, { method, headers: withKey(key), ...(body === undefined ? {} : { body }) });

function refused(res: TestResponse, what: string): void {
  assert.deepEqual([res.status, res.json()], [403, errorBody('permission_escalation', 403)], `${what}: ${res.text}`);
  assert.ok(!res.text.includes(admin) && !res.text.includes(powerful), `${what}: no key leaks in the refusal`);
}

test('a create_user key cannot read, reset, replace, rebind or delete the admin user (nor a more powerful one)', async () => {
  for (const target of ['admin', 'ops']) {
    refused(await call('GET', `/users/${target}`, userMaker), `GET /users/${target}`);
    refused(await call('PUT', `/users/${target}/password`, userMaker, { password: 'pwned' }), `PUT /users/${target}/password`);
    refused(await call('PUT', `/users/${target}`, userMaker, { password: 'pwned' }), `PUT /users/${target}`);
    refused(await call('PUT', `/users/${target}/key`, userMaker, { key: userMaker }), `PUT /users/${target}/key`);
    refused(await call('DELETE', `/users/${target}`, userMaker), `DELETE /users/${target}`);
    assert.equal((await call('HEAD', `/users/${target}`, userMaker)).status, 404, 'HEAD answers as for an absent user');
  }
  // Nothing changed: both still log in with their password and get their key.
  assert.deepEqual((await request(`${server.url}/auth`, { headers: basic('admin', 'admin-pw') })).json(), { api_key: admin });
  assert.deepEqual((await request(`${server.url}/auth`, { headers: basic('ops', 'ops-pw') })).json(), { api_key: powerful });
});

test('a create_user key cannot bind a user it creates to a key more powerful than its own', async () => {
  refused(await call('POST', '/users', userMaker, { username: 'mole', password: 'pw', key: powerful }), 'POST /users with a key');
  assert.equal(server.auth.users.has('mole'), false);
  // Within its rights it works, and it still does not see the key of the user it manages.
  const appKey = server.key({ write: ['app'] });
  assert.equal((await call('POST', '/users', userMaker, { username: 'worker', password: 'pw', key: appKey })).status, 200);
  const shown = await call('GET', '/users/worker', userMaker);
  assert.deepEqual([shown.status, shown.json()], [200, { username: 'worker', user_type: 1 }], 'the key is hidden from a non-admin');
  refused(await call('PUT', '/users/worker/key', userMaker, { key: powerful }), 'rebinding to a powerful key');
  refused(await call('PUT', '/users/worker', userMaker, { password: 'x', key: admin }), 'replacing with the admin key');
  assert.equal((await call('PUT', '/users/worker/password', userMaker, { password: 'new' })).status, 200);
  // The admin sees every key; the user itself sees its own.
  assert.deepEqual((await call('GET', '/users/worker', admin)).json(), { username: 'worker', user_type: 1, key: appKey });
  assert.deepEqual((await call('GET', '/users/worker', appKey)).json(), { username: 'worker', user_type: 1, key: appKey });
});

test('a create_key key mints only keys within its own rights', async () => {
  // admin is refused as before (403 forbidden: it needs admin); every other excess is an escalation.
  assert.deepEqual((await call('POST', '/keys', keyMaker, { permissions: { admin: true } })).json(), errorBody('forbidden', 403));
  for (const permissions of [{ create_user: true }, { manage: ['*'] }, { manage: ['other'] }, { write: ['*'] }, { read: ['*'], write: ['app', 'x'] }]) {
    refused(await call('POST', '/keys', keyMaker, { permissions }), `POST /keys ${JSON.stringify(permissions)}`);
  }
  assert.equal(server.auth.keys.list().filter((k) => k.label === undefined && k.permissions.create_user).length, 0);
  for (const permissions of [{ manage: ['app'] }, { write: ['app.web'] }, { read: ['*'] }, { create_key: true, read: ['other'] }, {}]) {
    const res = await call('POST', '/keys', keyMaker, { permissions });
    assert.equal(res.status, 200, `${JSON.stringify(permissions)}: ${res.text}`);
  }
});

test('a create_key key cannot read or delete a key more powerful than its own; sub-keys it does not cover are hidden', async () => {
  for (const target of [admin, powerful]) {
    refused(await call('GET', `/keys/${target}`, keyMaker), 'GET /keys/<more powerful>');
    refused(await call('DELETE', `/keys/${target}`, keyMaker), 'DELETE /keys/<more powerful>');
    assert.equal((await call('HEAD', `/keys/${target}`, keyMaker)).status, 403);
  }
  assert.equal((await call('GET', '/sessions', admin)).status, 200, 'the admin key still works');
  assert.equal((await call('GET', '/jobs', powerful)).status, 200, 'the manage-all key still works');
  // A parent the caller does not cover is refused; a sub-key of its own key works.
  refused(await call('POST', '/keys', keyMaker, { permissions: {}, parent: admin }), 'a sub-key of the admin key');
  const child = (await call('POST', '/keys', keyMaker, { permissions: { read: ['app'] }, parent: keyMaker })).json<{ api_key: string }>().api_key;
  server.auth.keys.create({ permissions: { admin: true }, parent: keyMaker, label: 'planted by an admin' });
  const listed = (await call('GET', `/keys/${keyMaker}?include_keys=true`, keyMaker)).json<{ keys: Array<{ key: string }> }>();
  assert.deepEqual(listed.keys.map((k) => k.key), [child], 'the admin sub-key is not shown to a non-admin');
  assert.equal((await call('GET', `/keys/${keyMaker}?include_keys=true`, admin)).json<{ keys: unknown[] }>().keys.length, 2);
  // Its own key, and keys within its rights, stay readable and deletable.
  assert.equal((await call('GET', `/keys/${child}`, keyMaker)).status, 200);
  assert.equal((await call('DELETE', `/keys/${child}`, keyMaker)).status, 200);
});
