// stdin is bounded: a 200 MiB flood over /wstreams is paced (the socket is paused while the process has
// not read its input), HTTP writers get 503 stdin_full, and gafferd's memory stays bounded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startGafferd, type RunningGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';

const MiB = 1024 * 1024;
const FLOOD = 200 * MiB;
const CHUNK = Buffer.alloc(MiB, 'x');

function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

async function pidOf(d: RunningGafferd, job: string): Promise<number> {
  const res = await fetch(`${d.url}/jobs/default/${job}/pids`);
  const body = await res.json() as { pids: number[] };
  assert.equal(body.pids.length, 1, JSON.stringify(body));
  return body.pids[0]!;
}

// Send up to `total` bytes in 1 MiB messages, never holding more than 4 MiB client-side; stops when the
// server has not taken anything for `stallMs` (it paused the socket). Returns the bytes the server took.
async function flood(ws: WebSocket, total: number, stallMs: number): Promise<{ taken: number; stalled: boolean; peakRss: number }> {
  let queued = 0;
  let lastTaken = 0;
  let lastProgress = Date.now();
  let peakRss = 0;
  for (;;) {
    const taken = queued - ws.bufferedAmount;
    if (taken > lastTaken) {
      lastTaken = taken;
      lastProgress = Date.now();
    }
    if (taken >= total) return { taken, stalled: false, peakRss };
    if (Date.now() - lastProgress > stallMs) return { taken, stalled: true, peakRss };
    if (queued < total && ws.bufferedAmount < 4 * MiB) {
      ws.send(CHUNK);
      queued += CHUNK.length;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

test('a 200 MiB stdin flood over /wstreams keeps gafferd bounded, for a process that never reads and one that does', { timeout: 180_000 }, async (t) => {
  const d = await startGafferd({
    config: `[process:deaf]\ncmd = ${process.execPath}\nargs = ${FIXTURES}/sleeper.js\nredirect_input = true\n\n` +
      `[process:sink]\ncmd = /bin/sh\nargs = -c "cat > /dev/null"\nredirect_input = true\n`,
  });
  const daemonPid = d.child.pid!;
  const deaf = await pidOf(d, 'deaf');
  const sink = await pidOf(d, 'sink');
  const open = async (pid: number): Promise<WebSocket> => {
    const ws = new WebSocket(`ws://127.0.0.1:${d.port}/wstreams/${pid}`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return ws;
  };

  const deafWs = await open(deaf);
  const baseline = rssOf(daemonPid);
  const stalledFlood = await flood(deafWs, FLOOD, 1500);
  const deafRss = rssOf(daemonPid);
  t.diagnostic(`process that never reads: gafferd took ${(stalledFlood.taken / MiB).toFixed(1)} MiB of a 200 MiB flood before pausing the socket; RSS ${(baseline / MiB).toFixed(1)} -> ${(deafRss / MiB).toFixed(1)} MiB (growth ${((deafRss - baseline) / MiB).toFixed(1)} MiB)`);
  assert.ok(stalledFlood.stalled, 'gafferd paused the socket: the flood stalled');
  assert.ok(stalledFlood.taken < FLOOD / 2, `gafferd took ${stalledFlood.taken} bytes`);
  assert.ok(deafRss - baseline < 64 * MiB, `gafferd grew by ${((deafRss - baseline) / MiB).toFixed(1)} MiB`);

  // An HTTP writer meanwhile gets a clear error, and gafferd answers everything else.
  const post = await fetch(`${d.url}/streams/${deaf}/stdin`, { method: 'POST', body: 'more\n' });
  assert.equal(post.status, 503);
  assert.deepEqual(await post.json(), { error: 'stdin_full', errno: 503, reason: 'stdin_full' });
  assert.equal((await fetch(`${d.url}/pids`)).status, 200);
  deafWs.terminate();

  // A process that reads gets all 200 MiB through, paced, with the same bound.
  const sinkWs = await open(sink);
  const before = rssOf(daemonPid);
  const full = await flood(sinkWs, FLOOD, 30_000);
  const after = rssOf(daemonPid);
  t.diagnostic(`process that reads: ${(full.taken / MiB).toFixed(0)} MiB through; gafferd RSS ${(before / MiB).toFixed(1)} -> ${(after / MiB).toFixed(1)} MiB`);
  assert.equal(full.stalled, false);
  assert.ok(after - baseline < 64 * MiB, `gafferd grew by ${((after - baseline) / MiB).toFixed(1)} MiB`);
  sinkWs.close();
  assert.equal((await fetch(`${d.url}/jobs/default/sink/pids`)).status, 200, 'gafferd is alive');
  assert.equal(await d.stop(), 0);
});
