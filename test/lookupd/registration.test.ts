// The gafferd side: LookupRegistration's identity, retries, restart, TLS and
// its own liveness check of a lookupd that stops answering.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { LookupRegistration, resolveFqdn } from '../../src/apps/lookup-registration.js';
import { Manager } from '../../src/core/manager.js';
import { ConfigError } from '../../src/errors.js';
import type { LookupdServer } from '../../src/lookupd/server.js';
import { fixtureCmd } from '../helpers/paths.js';
import { ProtocolClient, nextRegistryEvent, startLookupd, waitForRegistry } from './helpers.js';

const servers: LookupdServer[] = [];
const managers: Manager[] = [];
const cleanups: Array<() => unknown> = [];
after(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(servers.map((s) => s.close()));
  for (const fn of cleanups) await fn();
});

async function newManager(): Promise<Manager> {
  const m = new Manager();
  managers.push(m);
  await m.start();
  return m;
}

const fast = { pingInterval: 200, reconnect: { minDelayMs: 20, maxDelayMs: 100 } };

test('options are validated at the boundary', () => {
  assert.throws(() => new LookupRegistration({ addresses: [], broadcastAddress: 'node1:5000' }), ConfigError);
  assert.throws(() => new LookupRegistration({ addresses: ['ftp://x'], broadcastAddress: 'http://node1:5000' }),
    (err: Error) => err instanceof ConfigError && /http:\/\/ or https:\/\//.test(err.message));
});

test('the node name defaults to the fully qualified hostname', async () => {
  const { server, url } = await startLookupd(servers);
  const m = await newManager();
  const identified = nextRegistryEvent(server, 'identify');
  await m.addApplication(new LookupRegistration({ addresses: [url], broadcastAddress: 'http://me:5000', ...fast }));
  const event = await identified;
  assert.equal(event.name, await resolveFqdn());
  assert.equal(event.origin, 'http://me:5000');
  assert.equal(event.version, '0.1');
});

test('an identity still held by another connection is retried until it is free', async () => {
  const { server, url } = await startLookupd(servers);
  const squatter = await ProtocolClient.connect(url);
  await squatter.identify('dup', 'http://dup:5000');
  const m = await newManager();
  m.load({ name: 'a.web', cmd: fixtureCmd('sleeper.js') });
  let attempts = 0;
  server.registry.events.subscribe('.', (type) => { if (type === 'add_node') attempts += 1; });
  const app = new LookupRegistration({ addresses: [url], broadcastAddress: 'http://dup:5000', name: 'dup', ...fast });
  await m.addApplication(app);
  // Refused while the squatter holds the identity: the link reconnects (a new connection each time).
  await waitForRegistry(server, () => attempts >= 2, 'a second attempt after the refused IDENTIFY');
  assert.equal(server.registry.findJobReply('a.web').sources.length, 0);
  await squatter.close();
  await waitForRegistry(server, () => server.registry.findJobReply('a.web').sources[0]?.pids.length === 1, 'registration after the squatter left');
  assert.equal(app.links()[0]!.state, 'registered');
});

test('one-off processes are registered; restart() registers everything again', async () => {
  const { server, url } = await startLookupd(servers);
  const m = await newManager();
  m.load({ name: 'jobs.batch', cmd: fixtureCmd('sleeper.js'), numprocesses: 0, start: false });
  const app = new LookupRegistration({ addresses: [url], broadcastAddress: 'http://r:5000', name: 'r', ...fast });
  await m.addApplication(app);
  const pid = await m.commit('jobs.batch');
  await waitForRegistry(server, () => server.registry.findJobReply('jobs.batch').sources[0]?.pids[0] === pid, 'one-off pid registered');
  const removed = nextRegistryEvent(server, 'remove_node');
  const back = nextRegistryEvent(server, 'add_process');
  await app.restart();
  await removed;
  assert.equal((await back).pid, pid);
  assert.deepEqual(server.registry.findJobReply('jobs.batch').sources.map((s) => s.pids), [[pid]]);
  await m.stopJob('jobs.batch');
  await waitForRegistry(server, () => server.registry.findJobReply('jobs.batch').sources[0]?.pids.length === 0, 'pid unregistered on stop');
});

test('a lookupd that accepts but never answers is abandoned and retried', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(r); }));
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const { port } = wss.address() as { port: number };
  let connections = 0;
  const twice = new Promise<void>((resolve) => wss.on('connection', (ws) => {
    ws.on('message', () => {}); // swallow IDENTIFY and PINGs without replying
    if (++connections === 2) resolve();
  }));
  const m = await newManager();
  await m.addApplication(new LookupRegistration({ addresses: [`http://127.0.0.1:${port}`], broadcastAddress: 'http://q:5000', name: 'q', pingInterval: 50, reconnect: { minDelayMs: 10, maxDelayMs: 20 } }));
  await twice;
  assert.equal(m.active, true);
});

test('registers over wss:// with a CA', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookupd-reg-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (made.error || made.status !== 0) {
    t.skip('openssl is not available to make a test certificate');
    return;
  }
  const cert = readFileSync(certPath);
  const { server, url } = await startLookupd(servers, { tls: { cert, key: readFileSync(keyPath) } });
  assert.match(url, /^https:/);
  const m = await newManager();
  m.load({ name: 'secure.web', cmd: fixtureCmd('sleeper.js') });
  await m.addApplication(new LookupRegistration({ addresses: [url], broadcastAddress: 'https://s:5000', name: 's', tls: { ca: cert }, ...fast }));
  await waitForRegistry(server, () => server.registry.findJobReply('secure.web').sources[0]?.pids.length === 1, 'registration over TLS');
});
