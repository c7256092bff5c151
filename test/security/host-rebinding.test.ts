// DNS rebinding (docs/security.md): on a loopback connection the Host must be a
// loopback name/address or a `server_names` entry, for requests and upgrades;
// unix-socket listeners are exempt.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { errorBody, request } from '../helpers/http.js';
import { startGuardedServer, tryWebSocket } from './origin-helpers.js';

const refused = errorBody('host_not_allowed', 403);

test('a Host that is not a loopback name is refused on a loopback listener (requests and upgrades)', async () => {
  const { url, wsUrl, port, manager } = await startGuardedServer();
  for (const host of [`evil.example:${port}`, 'evil.example', `192.168.1.20:${port}`, `localhost.evil.example:${port}`]) {
    const res = await request(`${url}/jobs`, { headers: { Host: host } });
    assert.deepEqual([res.status, res.json()], [403, refused], host);
  }
  // The rebound page is "same-origin" with itself: the Host check still refuses it before anything acts.
  const rebound = await request(`${url}/jobs/default`, {
    body: JSON.stringify({ name: 'x', cmd: 'true', start: false }),
    headers: { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, 'Content-Type': 'text/plain' },
  });
  assert.deepEqual([rebound.status, rebound.json()], [403, refused]);
  const upgrade = await tryWebSocket(`${wsUrl}/channel/websocket`, { Host: `evil.example:${port}` });
  assert.deepEqual(upgrade.opened ? 'opened' : [upgrade.status, upgrade.body], [403, refused]);
  const machine = `${hostname()}:${port}`;
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `127.1.2.3:${port}`, `app.localhost:${port}`, 'LOCALHOST', `[::1]:${port}`, machine]) {
    assert.equal((await request(`${url}/jobs`, { headers: { Host: host } })).status, 200, host);
  }
  assert.deepEqual(manager.jobs(), []);
});

test('server_names extends the accepted Host names', async () => {
  const { url, port, policy } = await startGuardedServer({ serverNames: ['gaffer.example.com', '192.168.1.20'] });
  assert.equal((await request(`${url}/jobs`, { headers: { Host: `gaffer.example.com:${port}` } })).status, 200);
  assert.equal((await request(`${url}/jobs`, { headers: { Host: 'GAFFER.example.com' } })).status, 200, 'names compare case-insensitively');
  assert.equal((await request(`${url}/jobs`, { headers: { Host: `192.168.1.20:${port}` } })).status, 200);
  assert.equal((await request(`${url}/jobs`, { headers: { Host: `other.example.com:${port}` } })).status, 403);
  policy.update({});
  assert.equal((await request(`${url}/jobs`, { headers: { Host: `gaffer.example.com:${port}` } })).status, 403, 'a reload can remove a name');
});

test('unix-socket listeners are exempt from the Host check', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gaffer-sec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const socketPath = join(dir, 'gafferd.sock');
  const { url } = await startGuardedServer({}, {
    listeners: [{ address: { kind: 'tcp', host: '127.0.0.1', port: 0 } }, { address: { kind: 'unix', path: socketPath } }],
  });
  const res = await request('http://evil.example/jobs', { socketPath, headers: { Host: 'evil.example' } });
  assert.deepEqual([res.status, res.json()], [200, { jobs: [] }]);
  assert.equal((await request(`${url}/jobs`, { headers: { Host: 'evil.example' } })).status, 403, 'the TCP listener of the same server checks');
});
