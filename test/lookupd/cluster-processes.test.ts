// The cluster as an operator runs it: two gaffer_lookupd and three gafferd
// processes on one machine, every gafferd registered with both lookupds.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lookupJob } from '../../src/client/lookup-client.js';
import { startGafferd, type RunningGafferd } from '../helpers/gafferd.js';
import { fixtureCmd, ROOT } from '../helpers/paths.js';

const lookupds: ChildProcess[] = [];
after(() => {
  for (const child of lookupds) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startLookupd(bind = '127.0.0.1:0'): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gaffer_lookupd.js'), '--bind', bind], { stdio: ['ignore', 'ignore', 'pipe'] });
  lookupds.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`gaffer_lookupd exited (${code}) before listening`)));
  });
}

async function json(url: string): Promise<any> {
  return (await fetch(url)).json();
}

// Bounded polling of another process's directory (its state is only observable over HTTP).
async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, tries = 400): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch { /* not answering yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}; last: ${JSON.stringify(last)}`);
}

const nodeOrigins = async (lookupd: string): Promise<string[]> =>
  ((await json(`${lookupd}/nodes`)).nodes as Array<{ origin: string }>).map((n) => n.origin).sort();

async function pidsOf(lookupd: string, job: string): Promise<Record<string, number[]>> {
  const body = await json(`${lookupd}/findJob?name=${job}`);
  const out: Record<string, number[]> = {};
  for (const source of body.sources ?? []) out[source.node_info.origin] = [...source.pids].sort();
  return out;
}

test('2 lookupds and 3 gafferds: registration, sync, failover, re-registration, node loss', async () => {
  const lk1 = await startLookupd();
  const lk2 = await startLookupd();
  const nodes: RunningGafferd[] = [];
  for (let i = 0; i < 3; i++) {
    nodes.push(await startGafferd({
      args: ['--lookupd-address', lk1.url, '--lookupd-address', lk2.url, '--broadcast-address', `http://node${i}.test:${5000 + i}`],
      config: `[process:shop:web]\ncmd = ${fixtureCmd('sleeper.js')}\n`,
    }));
  }
  const origins = ['http://node0.test:5000', 'http://node1.test:5001', 'http://node2.test:5002'];
  for (const lk of [lk1, lk2]) await until(() => nodeOrigins(lk.url), (o) => JSON.stringify(o) === JSON.stringify(origins), `3 nodes in ${lk.url}`);

  // Scale on node 1: both directories see 3 pids there.
  await fetch(`${nodes[1]!.url}/jobs/shop/web/numprocesses`, { method: 'POST', body: JSON.stringify({ scale: '=3' }) });
  for (const lk of [lk1, lk2]) {
    await until(() => pidsOf(lk.url, 'shop.web'), (p) => p['http://node1.test:5001']?.length === 3 && Object.keys(p).length === 3, 'scaled pids');
  }
  // Load a job on node 2, unload it again.
  await fetch(`${nodes[2]!.url}/jobs/extra`, { method: 'POST', body: JSON.stringify({ name: 'batch', cmd: fixtureCmd('sleeper.js') }) });
  for (const lk of [lk1, lk2]) await until(() => pidsOf(lk.url, 'extra.batch'), (p) => Object.keys(p).length === 1, 'extra.batch registered');
  await fetch(`${nodes[2]!.url}/jobs/extra/batch`, { method: 'DELETE' });
  for (const lk of [lk1, lk2]) await until(() => pidsOf(lk.url, 'extra.batch'), (p) => Object.keys(p).length === 0, 'extra.batch gone');

  // kill -9 one lookupd: the other still answers everything, and the client tolerates the dead one.
  const lk2Port = new URL(lk2.url).port;
  lk2.child.kill('SIGKILL');
  await new Promise((r) => lk2.child.once('exit', r));
  assert.deepEqual(await nodeOrigins(lk1.url), origins);
  const merged = await lookupJob([lk1.url, lk2.url], 'shop.web');
  assert.equal(merged.failures.length, 1);
  assert.match(JSON.stringify(merged.result), /node1\.test/);

  // Restart it on the same port: every node registers again.
  const lk2b = await startLookupd(`127.0.0.1:${lk2Port}`);
  await until(() => nodeOrigins(lk2b.url), (o) => JSON.stringify(o) === JSON.stringify(origins), 'the 3 nodes re-registered', 800);
  await until(() => pidsOf(lk2b.url, 'shop.web'), (p) => p['http://node1.test:5001']?.length === 3, 'processes re-registered');

  // kill -9 a gafferd: its node leaves both directories. (Its children are orphaned by the
  // SIGKILL; remember their process groups to clean them up afterwards.)
  const { pids } = await json(`${nodes[0]!.url}/pids`);
  const groups = await Promise.all((pids as number[]).map(async (pid) => (await json(`${nodes[0]!.url}/${pid}`)).os_pid as number));
  nodes[0]!.child.kill('SIGKILL');
  await nodes[0]!.exited;
  for (const lk of [lk1, lk2b]) await until(() => nodeOrigins(lk.url), (o) => o.length === 2 && !o.includes(origins[0]!), 'node0 removed');
  for (const pgid of groups) process.kill(-pgid, 'SIGKILL');
});
