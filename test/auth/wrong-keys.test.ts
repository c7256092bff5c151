// 1000 requests with wrong keys do not slow down the requests of a right
// key: unknown keys cost one indexed lookup of a digest and a 403, nothing
// that queues or locks. The flood comes from another process; the figures
// are printed and only a loose sanity bound is asserted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { startAuthServer } from './auth-server.js';

const FLOOD = join(import.meta.dirname, 'wrong-key-flood.js');

function get(agent: Agent, url: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'X-Api-Key': key } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

// One request's latency in ms, and its status.
async function timed(agent: Agent, url: string, key: string): Promise<[number, number]> {
  const start = process.hrtime.bigint();
  const status = await get(agent, url, key);
  return [Number(process.hrtime.bigint() - start) / 1e6, status];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// Time right-key requests, one after the other, while another process sends 1000 requests (50 at a time).
async function latenciesDuringFlood(agent: Agent, url: string, right: string, floodKey?: string): Promise<{ during: number[]; statuses: number[]; ms: number }> {
  const child = spawn(process.execPath, [FLOOD, url, '1000', '50', ...(floodKey ? [floodKey] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'started');
  let report: string | undefined;
  const finished = lines.next().then((r) => { report = r.value as string; });
  const during: number[] = [];
  while (report === undefined) {
    const [ms, status] = await timed(agent, url, right);
    assert.equal(status, 200);
    if (report === undefined) during.push(ms);
  }
  await finished;
  assert.ok(during.length >= 10, `only ${during.length} right-key requests overlapped the flood`);
  return { during, ...(JSON.parse(report) as { statuses: number[]; ms: number }) };
}

test('1000 wrong-key requests do not slow the right key down', async (t) => {
  const server = await startAuthServer();
  const right = server.key({ manage: ['*'] });
  const url = `${server.url}/jobs`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());

  for (let i = 0; i < 50; i++) await timed(agent, url, right); // warm-up
  const alone: number[] = [];
  for (let i = 0; i < 300; i++) {
    const [ms, status] = await timed(agent, url, right);
    assert.equal(status, 200);
    alone.push(ms);
  }

  const wrongFlood = await latenciesDuringFlood(agent, url, right);
  assert.deepEqual(wrongFlood.statuses, [403]);
  // The same flood with a right key: what any 1000 requests cost, for comparison.
  const rightFlood = await latenciesDuringFlood(agent, url, right, right);
  assert.deepEqual(rightFlood.statuses, [200]);
  const during = wrongFlood.during;

  const round = (v: number): number => Number(v.toFixed(2));
  const figures = {
    aloneMedianMs: round(percentile(alone, 50)), aloneP95Ms: round(percentile(alone, 95)),
    duringMedianMs: round(percentile(during, 50)), duringP95Ms: round(percentile(during, 95)),
    rightRequestsDuringFlood: during.length, flood1000Ms: round(wrongFlood.ms),
    duringRightFloodMedianMs: round(percentile(rightFlood.during, 50)), duringRightFloodP95Ms: round(percentile(rightFlood.during, 95)),
    rightFlood1000Ms: round(rightFlood.ms),
  };
  t.diagnostic(`wrong-key flood figures: ${JSON.stringify(figures)}`);
  // A sanity bound, not a target: a right request during the flood stays well under a quarter second.
  assert.ok(figures.duringMedianMs < 250, `median right-key latency during the flood: ${figures.duringMedianMs} ms`);
});
