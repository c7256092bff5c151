// gaffer_lookupd bounds, against the built binary: a start-up warning when it listens beyond loopback
// without client certificates, per-node caps on jobs and pids and on message size with clear errors,
// and clients (nodes, /lookup feed) that do not read what they are sent are cut, so memory stays bounded.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { ROOT } from '../helpers/paths.js';

const BIN = join(ROOT, 'bin', 'gaffer_lookupd.js');
const MiB = 1024 * 1024;
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface RunningLookupd { child: ChildProcess; port: number; stderr: () => string; waitFor(pattern: RegExp): Promise<void> }

function startBin(args: string[]): Promise<RunningLookupd> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    err += chunk;
    for (const w of [...waiters]) if (w.pattern.test(err)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  const waitFor = (pattern: RegExp): Promise<void> => pattern.test(err) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }));
  return new Promise((resolve, reject) => {
    void waitFor(/listening on http:\/\/[^\s]*:(\d+)/).then(() => {
      const port = Number(/listening on http:\/\/[^\s]*:(\d+)/.exec(err)![1]);
      resolve({ child, port, stderr: () => err, waitFor });
    });
    child.once('exit', (code) => reject(new Error(`gaffer_lookupd exited with ${code} before listening:\n${err}`)));
  });
}

async function stopBin(d: RunningLookupd): Promise<void> {
  const exited = new Promise((resolve) => d.child.once('exit', resolve));
  d.child.kill('SIGTERM');
  await exited;
}

function rssOf(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

// A node that reads its replies: `request` sends frames and resolves with the reply to the last one.
function replies(ws: WebSocket): { request(frames: unknown[]): Promise<Array<Record<string, unknown>>> } {
  const pending: Array<Record<string, unknown>> = [];
  const waiting: Array<(r: Record<string, unknown>) => void> = [];
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data)) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(reply); else pending.push(reply);
  });
  const next = (): Promise<Record<string, unknown>> => pending.length > 0 ? Promise.resolve(pending.shift()!) : new Promise((r) => waiting.push(r));
  return {
    async request(frames) {
      for (const f of frames) ws.send(JSON.stringify(f));
      const out: Array<Record<string, unknown>> = [];
      for (let i = 0; i < frames.length; i++) out.push(await next());
      return out;
    },
  };
}

const closed = (ws: WebSocket): Promise<number> => ws.readyState === WebSocket.CLOSED ? Promise.resolve(1006)
  : new Promise((resolve) => ws.once('close', (code) => resolve(code)));

test('start-up warns when lookupd listens beyond loopback without client certificates, not on loopback', async () => {
  const exposed = await startBin(['--bind', '0.0.0.0:0']);
  await exposed.waitFor(/\[WARNING\] gaffer_lookupd listens on 0\.0\.0\.0:\d+, beyond loopback, without client certificates/);
  await stopBin(exposed);
  const local = await startBin(['--bind', '127.0.0.1:0']);
  await stopBin(local);
  assert.doesNotMatch(local.stderr(), /WARNING/);
});

test('jobs and pids per node and the message size are capped, with clear errors', async () => {
  const d = await startBin(['--bind', '127.0.0.1:0', '--max-jobs-per-node', '5', '--max-pids-per-node', '8', '--max-message-size', '4K']);
  const ws = await open(`ws://127.0.0.1:${d.port}/ws`);
  const node = replies(ws);
  assert.deepEqual(await node.request([{ type: 'IDENTIFY', msgid: 'i', name: 'n1', origin: 'http://n1:5000', version: '0.1' }]), [{ ok: true, msgid: 'i' }]);
  const jobs = await node.request(Array.from({ length: 7 }, (_, i) => ({ type: 'REGISTER_JOB', msgid: `j${i}`, job_name: `app.j${i}` })));
  assert.equal(jobs.filter((r) => r.ok === true).length, 5);
  assert.deepEqual(jobs.slice(5), [{ errno: 429, reason: 'too_many_jobs', msgid: 'j5' }, { errno: 429, reason: 'too_many_jobs', msgid: 'j6' }]);
  const pids = await node.request(Array.from({ length: 10 }, (_, i) => ({ type: 'REGISTER_PROCESS', msgid: `p${i}`, job_name: `app.j${i % 2}`, pid: i + 1 })));
  assert.equal(pids.filter((r) => r.ok === true).length, 8);
  assert.deepEqual(pids.slice(8).map((r) => r.reason), ['too_many_pids', 'too_many_pids']);
  // Unregistering frees room again.
  const [freed, again] = await node.request([{ type: 'UNREGISTER_JOB', msgid: 'u', job_name: 'app.j0' }, { type: 'REGISTER_JOB', msgid: 'r', job_name: 'app.new' }]);
  assert.deepEqual([freed, again], [{ ok: true, msgid: 'u' }, { ok: true, msgid: 'r' }]);
  // A message past the size limit closes the socket with 1009 (message too big).
  const code = closed(ws);
  ws.send(JSON.stringify({ type: 'PING', msgid: 'x'.repeat(5000) }));
  assert.equal(await code, 1009);
  await stopBin(d);
});

test('a node that never reads its replies and a /lookup client that never reads are cut; lookupd memory stays bounded', { timeout: 180_000 }, async (t) => {
  const d = await startBin(['--bind', '127.0.0.1:0', '--max-client-backlog', '256K', '--max-jobs-per-node', '100000']);
  const pid = d.child.pid!;
  const feed = await open(`ws://127.0.0.1:${d.port}/lookup/websocket`);
  feed.pause(); // never reads again: it cannot even see its close frame, so lookupd's log is the proof
  const feedCut = d.waitFor(/lookupd feed: client 127\.0\.0\.1 is too slow \(\d+ bytes \/ \d+ messages unsent, limits 262144 \/ 10000\); disconnecting it/);
  const baseline = rssOf(pid);

  // A reading node churns jobs: every message is a feed event the paused client does not take.
  const busy = await open(`ws://127.0.0.1:${d.port}/ws`);
  const node = replies(busy);
  await node.request([{ type: 'IDENTIFY', msgid: 'i', name: 'churn', origin: 'http://churn:5000', version: '0.1' }]);
  let events = 0;
  let cut = false;
  void feedCut.then(() => { cut = true; });
  for (let batch = 0; batch < 400 && !cut; batch++) {
    const frames = Array.from({ length: 500 }, (_, i) => ({ type: i % 2 ? 'UNREGISTER_JOB' : 'REGISTER_JOB', msgid: `${batch}.${i}`, job_name: `app.job${Math.floor(i / 2)}` }));
    const answers = await node.request(frames);
    assert.ok(answers.every((a) => a.ok === true));
    events += frames.length;
  }
  await feedCut;
  t.diagnostic(`the paused /lookup client was cut after ${events} feed events`);

  // A node that never reads its replies floods PINGs: it is disconnected.
  const deaf = await open(`ws://127.0.0.1:${d.port}/ws`);
  deaf.pause();
  const deafClosed = closed(deaf);
  let sent = 0;
  let gone = false;
  void deafClosed.then(() => { gone = true; });
  const ping = JSON.stringify({ type: 'PING', msgid: 'p'.repeat(40) });
  while (!gone && sent < 2_000_000) {
    if (deaf.bufferedAmount < 4 * MiB) {
      deaf.send(ping);
      sent += 1;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  // The client is paused, so it cannot see the close frame: lookupd's side going away is the proof.
  await d.waitFor(/does not read its replies \(\d+ bytes unsent, limit 262144\); disconnecting it/);
  const peak = rssOf(pid);
  t.diagnostic(`the deaf node was disconnected after ${sent} PINGs; lookupd RSS ${(baseline / MiB).toFixed(1)} -> ${(peak / MiB).toFixed(1)} MiB`);
  assert.ok(peak - baseline < 64 * MiB, `lookupd grew by ${((peak - baseline) / MiB).toFixed(1)} MiB`);
  // lookupd is still serving.
  const nodes = await fetch(`http://127.0.0.1:${d.port}/nodes`);
  assert.equal(nodes.status, 200);
  busy.close();
  deaf.terminate();
  feed.terminate();
  await stopBin(d);
});
