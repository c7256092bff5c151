// Two lookupds and three in-process Managers registering with both: the
// directories follow loads, scaling and unloads, survive a lookupd going
// away, and are rebuilt by re-registration when a lookupd comes back.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { LookupRegistration } from '../../src/apps/lookup-registration.js';
import { lookupJob, lookupJobs, lookupNodes, lookupSession, lookupSessions } from '../../src/client/lookup-client.js';
import { Manager } from '../../src/core/manager.js';
import type { LookupdServer } from '../../src/lookupd/server.js';
import { fixtureCmd } from '../helpers/paths.js';
import { startLookupd, waitForRegistry } from './helpers.js';
import { parseScale } from '../../src/util/scale.js';

const servers: LookupdServer[] = [];
const managers: Manager[] = [];
after(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(servers.map((s) => s.close()));
});

const names = ['node1', 'node2', 'node3'];

/** A loopback port that was free a moment ago. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The jobs and pids a Manager should have registered: full name -> sorted pids. */
function expected(manager: Manager): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const job of manager.allJobs()) out[job.fullName] = job.processes.map((p) => p.pid).sort((a, b) => a - b);
  return out;
}

/**
 * `[node name, number of pids]` of each source, sorted by node name: sources are listed in the
 * order their nodes registered the job, which depends on which node's event arrived first.
 */
function counts(sources: ReadonlyArray<{ name: string; pids: readonly number[] }>): Array<[string, number]> {
  return sources.map((s): [string, number] => [s.name, s.pids.length]).sort((x, y) => x[0].localeCompare(y[0]));
}

/** What a lookupd knows of one node, in the same form. */
function registered(server: LookupdServer, nodeName: string): Record<string, number[]> | undefined {
  if (!server.registry.nodesReply().nodes.some((n) => n.name === nodeName)) return undefined;
  const out: Record<string, number[]> = {};
  for (const session of server.registry.sessionsReply(nodeName).sessions) {
    for (const [job, sources] of Object.entries(session.jobs)) out[job] = [...sources[0]!.pids].sort((a, b) => a - b);
  }
  return out;
}

/** Wait until `server` mirrors every manager exactly. */
function inSync(server: LookupdServer, what: string): Promise<void> {
  return waitForRegistry(server, () => managers.every((m, i) => {
    const known = registered(server, names[i]!);
    return known !== undefined && JSON.stringify(known) === JSON.stringify(expected(m));
  }), `${what}: directory in sync with the managers`);
}

test('three managers keep two lookupds in sync; one lookupd down or restarted does not matter', async () => {
  const a = await startLookupd(servers);
  const b = await startLookupd(servers);
  const bPort = b.server.addresses()[0]!;
  assert.equal(bPort.kind, 'tcp');
  // An address nobody listens on any more: its link retries in the background without affecting anything.
  const dead = `http://127.0.0.1:${await closedPort()}`;

  const apps: LookupRegistration[] = [];
  for (const [i, name] of names.entries()) {
    const m = new Manager();
    managers.push(m);
    await m.start();
    // node1 has a job before registration starts: it must come from the snapshot.
    if (i === 0) m.load({ name: 'pre.web', cmd: fixtureCmd('sleeper.js'), numprocesses: 2 });
    const app = new LookupRegistration({
      addresses: [a.url, b.url, `${a.url}/`, ...(i === 2 ? [dead] : [])],
      broadcastAddress: `http://${name}.example:5000`,
      name,
      // Long enough that a busy machine's stall does not make every link reconnect (and the
      // directories empty for a moment); failover here comes from closed sockets, not pings.
      pingInterval: 5000,
      reconnect: { minDelayMs: 20, maxDelayMs: 200 },
    });
    apps.push(app);
    assert.equal(await m.addApplication(app), true);
  }
  assert.equal(apps[0]!.links().length, 2, 'duplicate addresses are opened once');
  await inSync(a.server, 'initial registration on A');
  await inSync(b.server, 'initial registration on B');
  assert.deepEqual(a.server.registry.nodesReply().nodes.map((n) => n.name).sort(), names);
  assert.deepEqual(b.server.registry.findJobReply('pre.web').sources[0]!.node_info, {
    name: 'node1', origin: 'http://node1.example:5000', version: '0.1',
  });

  // Loads, scaling and unloads on every node.
  managers[0]!.load({ name: 'shop.web', cmd: fixtureCmd('sleeper.js'), numprocesses: 1 });
  managers[1]!.load({ name: 'shop.web', cmd: fixtureCmd('sleeper.js'), numprocesses: 2 });
  managers[2]!.load({ name: 'shop.worker', cmd: fixtureCmd('sleeper.js'), numprocesses: 1 });
  managers[2]!.load({ name: 'web', cmd: fixtureCmd('sleeper.js'), numprocesses: 1 });
  await Promise.all([inSync(a.server, 'loads on A'), inSync(b.server, 'loads on B')]);
  assert.deepEqual(counts(a.server.registry.findJobReply('shop.web').sources), [['node1', 1], ['node2', 2]]);
  assert.equal(b.server.registry.findJobReply('default.web').sources[0]!.name, 'node3');

  managers[1]!.scale('shop.web', parseScale('+2'));
  managers[0]!.scale('shop.web', parseScale('-1'));
  await Promise.all([inSync(a.server, 'scaling on A'), inSync(b.server, 'scaling on B')]);
  assert.deepEqual(counts(a.server.registry.findJobReply('shop.web').sources), [['node1', 0], ['node2', 4]]);

  await managers[2]!.unload('shop.worker');
  await Promise.all([inSync(a.server, 'unload on A'), inSync(b.server, 'unload on B')]);
  assert.deepEqual(a.server.registry.findJobReply('shop.worker'), { sources: [] });

  // B goes away: A still answers, the client merges what it can, the managers are unaffected.
  await b.server.close();
  managers[0]!.load({ name: 'late.job', cmd: fixtureCmd('sleeper.js') });
  await inSync(a.server, 'load while B is down');
  const jobs = await lookupJobs([a.url, b.url]);
  assert.equal(jobs.failures.length, 1);
  assert.equal(jobs.failures[0]!.address, b.url);
  assert.deepEqual(jobs.result.jobs.map((j) => j.name).sort(), ['default.web', 'late.job', 'pre.web', 'shop.web']);
  assert.equal(managers.every((m) => m.active), true);

  // A new lookupd on B's port: every node registers again, with the current state.
  const b2 = await startLookupd(servers, { bind: `127.0.0.1:${bPort.kind === 'tcp' ? bPort.port : 0}` });
  assert.equal(b2.url, b.url);
  await inSync(b2.server, 're-registration on the new B');
  assert.ok(b2.server.registry.findJobReply('late.job').sources.length === 1);

  // Both up: merged answers carry one source per node.
  const nodes = await lookupNodes([a.url, b2.url]);
  assert.deepEqual(nodes.failures, []);
  assert.deepEqual(nodes.result.nodes.map((n) => n.name).sort(), names);
  const web = await lookupJob([a.url, b2.url], 'shop.web');
  assert.deepEqual(counts(web.result.sources), [['node1', 0], ['node2', 4]]);
  const shop = await lookupSession([b2.url, a.url], 'shop');
  assert.deepEqual(shop.result.jobs.map((j) => j.name), ['shop.web']);
  const sessions = await lookupSessions([a.url, b2.url], 'node3');
  assert.deepEqual(sessions.result.sessions.map((s) => s.sessionid), ['default']);

  // A down as well as B: the client reports that nobody answered.
  await a.server.close();
  const onlyB = await lookupJob([a.url, b2.url], 'pre.web');
  assert.equal(onlyB.failures.length, 1);
  assert.equal(onlyB.result.sources[0]!.pids.length, 2);
  await b2.server.close();
  await assert.rejects(lookupNodes([a.url, b2.url]), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'GAFFER_ERR_LOOKUPD_UNREACHABLE');
    assert.match(err.message, /no lookupd answered \/nodes/);
    return true;
  });

  // Stopping the application closes its links for good.
  await apps[0]!.stop();
  assert.deepEqual(apps[0]!.links(), []);
});
