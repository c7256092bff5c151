// gafferd over HTTP: API latency with 100 processes against a bare node:http
// server answering the same JSON, streaming throughput through /streams
// (eventsource) and /wstreams against a raw pipe, and gafferd's idle footprint.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { procUsage, summarize, type Summary } from './stats.js';

const ROOT = join(import.meta.dirname, '..', '..');
const REQUESTS = Number(process.env.BENCH_API_REQUESTS ?? 2000);
export const STREAM_BYTES = Number(process.env.BENCH_STREAM_BYTES ?? 200_000_000);
const STREAM_ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 5);
const LINE = '0123456789'.repeat(9) + '012345678';
export const producer = (bytes: number): string => `read go; yes ${LINE} | head -c ${bytes}`;

export interface Daemon { child: ChildProcess; port: number }

export function startGafferd(nodeArgs: string[] = []): Promise<Daemon> {
  // Its own state directory: a gafferd running elsewhere on the machine must not refuse this one.
  const state = mkdtempSync(join(tmpdir(), 'gaffer-bench-state-'));
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'gafferd.js'), '--bind', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GAFFERD_STATE_DIR: state },
  });
  child.once('exit', () => rmSync(state, { recursive: true, force: true }));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const m = /HTTP API listening on 127\.0\.0\.1:(\d+)/.exec(line);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`gafferd exited (${code}) before listening`)));
  });
}

// The baseline server: node:http answering a fixed JSON body, in its own process like gafferd.
export function startBareServer(body: string): Promise<Daemon> {
  const script = `const http = require('node:http'); const body = ${JSON.stringify(body)};
    const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)}); res.end(body); }); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString()) })));
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

export function call(port: number, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function latency(port: number, method: string, path: string, body?: string): Promise<Summary> {
  for (let i = 0; i < 200; i++) await call(port, method, path, body);
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    await call(port, method, path, body);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

export async function waitForPids(port: number, job: string, count: number): Promise<number[]> {
  for (;;) {
    const { text } = await call(port, 'GET', `/jobs/default/${job}/pids`);
    const pids = JSON.parse(text).pids as number[];
    if (pids.length >= count) return pids;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Read one process's output through an eventsource feed; the feed ends when the process exits.
export async function streamEventsource(port: number, pid: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let t0 = 0;
    const req = request({ host: '127.0.0.1', port, path: `/streams/${pid}/out?feed=eventsource&heartbeat=false` }, (res) => {
      res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      // A client cut for being too slow sees the connection close without the end of the response.
      res.on('close', () => { if (!res.complete) reject(new Error(`the eventsource feed was cut after ${bytes} bytes (client too slow for gafferd's 8 MiB limit)`)); });
      // The rate of process data carried (SSE framing adds a few bytes per line on top).
      res.on('end', () => (bytes < STREAM_BYTES
        ? reject(new Error(`the eventsource feed carried ${bytes} bytes, less than the ${STREAM_BYTES} written`))
        : resolve(STREAM_BYTES / 1e6 / ((performance.now() - t0) / 1000))));
      t0 = performance.now();
      void call(port, 'POST', `/streams/${pid}/stdin`, 'go\n');
    });
    req.on('error', reject);
    req.end();
  });
}

export async function streamWebsocket(port: number, pid: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let t0 = 0;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/wstreams/${pid}`);
    ws.on('open', () => { t0 = performance.now(); ws.send('go\n'); });
    ws.on('message', (data: Buffer) => { bytes += data.length; });
    ws.on('close', () => (bytes !== STREAM_BYTES
      ? reject(new Error(`the websocket carried ${bytes} of ${STREAM_BYTES} bytes`))
      : resolve(bytes / 1e6 / ((performance.now() - t0) / 1000))));
    ws.on('error', reject);
  });
}

export function rawPipe(): Promise<number> {
  return new Promise((resolve) => {
    let bytes = 0;
    const child = spawn('/bin/sh', ['-c', producer(STREAM_BYTES)], { stdio: ['pipe', 'pipe', 'ignore'] });
    const t0 = performance.now();
    child.stdout.on('data', (d: Buffer) => { bytes += d.length; });
    child.on('close', () => resolve(bytes / 1e6 / ((performance.now() - t0) / 1000)));
    child.stdin.end('go\n');
  });
}

// The raw child_process.spawn supervisor (bench/idle-worker.ts raw) with `count` idle children.
function startRawWorker(count: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'idle-worker.js'), 'raw', String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('error', reject);
  });
}

// A 1 GB flood through gafferd while a client subscribed to the stream stops reading: gafferd cuts
// the client at its unsent-bytes limit and goes on; its peak RSS (sampled every 50 ms) is the figure.
async function floodWithStalledClient(port: number, pid: number): Promise<number> {
  let peak = 0;
  const sampler = setInterval(() => { try { peak = Math.max(peak, procUsage(pid).rss); } catch { /* gone */ } }, 50);
  try {
    const job = { name: 'flood1g', cmd: `read go; head -c ${FLOOD_BYTES} /dev/zero`, shell: true, redirect_input: true, redirect_output: ['out'], numprocesses: 0, start: false };
    await call(port, 'POST', '/jobs/default', JSON.stringify(job));
    const { text } = await call(port, 'POST', '/jobs/default/flood1g/commit', '{}');
    const floodPid = JSON.parse(text).pid as number;
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/streams/${floodPid}/out?feed=continuous&heartbeat=false` }, (res) => {
        res.pause(); // stalled: never reads
        res.on('error', () => {});
        void call(port, 'POST', `/streams/${floodPid}/stdin`, 'go\n');
        const poll = setInterval(() => {
          void call(port, 'GET', '/jobs/default/flood1g/pids').then(({ text: t }) => {
            if ((JSON.parse(t).pids as number[]).length === 0) {
              clearInterval(poll);
              req.destroy();
              resolve();
            }
          }, reject);
        }, 200);
      });
      req.on('error', () => {});
      req.end();
    });
  } finally {
    clearInterval(sampler);
  }
  return peak;
}

const FLOOD_BYTES = Number(process.env.BENCH_FLOOD_BYTES ?? 1024 ** 3);

export interface ApiResults {
  latency: Array<{ route: string; gafferd: Summary; bare: Summary }>;
  streams: { eventsource: Summary; websocket: Summary; raw: Summary; cuts: { eventsource: number; websocket: number }; rounds: number };
  /** gafferd with 100 idle children and, in the same window, the raw supervisor with 100. */
  idle: { rss: number; cpu: number; seconds: number; raw: { rss: number; cpu: number }; afterRequestsRss: number };
  flood: { bytes: number; peakRss: number };
}

export async function benchApi(log: (line: string) => void): Promise<ApiResults> {
  const d = await startGafferd();
  try {
    await call(d.port, 'POST', '/jobs/default', JSON.stringify({ name: 'idle', cmd: 'sleep 100000', numprocesses: 100 }));
    await waitForPids(d.port, 'idle', 100);
    // Idle as an operator leaves it: started, 100 children loaded, nothing asked since.
    log('idle footprint of gafferd with 100 children, against the raw supervisor with 100 in the same window...');
    const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
    const raw100 = await startRawWorker(100);
    let idle: ApiResults['idle'];
    try {
      // Both settle first: the garbage of start-up is collected once (V8's memory reducer runs about
      // 10 s after activity stops); the window then measures what wakes up while nothing happens.
      await new Promise((r) => setTimeout(r, Number(process.env.BENCH_IDLE_SETTLE_SECONDS ?? 15) * 1000));
      const before = [procUsage(d.child.pid!), procUsage(raw100.pid!)];
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const after = [procUsage(d.child.pid!), procUsage(raw100.pid!)];
      const cpu = (i: number): number => ((after[i]!.cpuMs - before[i]!.cpuMs) / (seconds * 1000)) * 100;
      idle = { rss: after[0]!.rss, cpu: cpu(0), seconds, raw: { rss: after[1]!.rss, cpu: cpu(1) }, afterRequestsRss: 0 };
    } finally {
      raw100.kill('SIGTERM');
      await new Promise((r) => (raw100.exitCode !== null ? r(undefined) : raw100.once('exit', r)));
    }

    const routes: Array<[string, string, string, string | undefined]> = [
      ['GET /jobs', 'GET', '/jobs', undefined],
      ['GET /pids', 'GET', '/pids', undefined],
      ['POST /jobs/default/idle/numprocesses', 'POST', '/jobs/default/idle/numprocesses', JSON.stringify({ scale: '=100' })],
    ];
    const results: ApiResults['latency'] = [];
    for (const [label, method, path, body] of routes) {
      log(`API latency ${label}...`);
      const sample = await call(d.port, method, path, body);
      const bare = await startBareServer(sample.text);
      const bareSummary = await latency(bare.port, method, path, body);
      const gafferdSummary = await latency(d.port, method, path, body);
      bare.child.kill();
      results.push({ route: label, gafferd: gafferdSummary, bare: bareSummary });
    }

    // The same gafferd after the 6 600 requests above, once it is idle again: V8 keeps some of the heap
    // the requests grew (it is reused, not leaked), so this figure is reported beside the idle one.
    await new Promise((r) => setTimeout(r, Math.min(30, seconds) * 1000));
    idle.afterRequestsRss = procUsage(d.child.pid!).rss;

    log(`flood of ${FLOOD_BYTES} bytes with a stalled stream client...`);
    const flood = { bytes: FLOOD_BYTES, peakRss: await floodWithStalledClient(d.port, d.child.pid!) };

    log(`stream throughput (${STREAM_BYTES} bytes)...`);
    const es: number[] = [];
    const wsRates: number[] = [];
    const raw: number[] = [];
    const job = { name: 'flood', cmd: producer(STREAM_BYTES), shell: true, redirect_input: true, redirect_output: ['out'], numprocesses: 0 };
    await call(d.port, 'POST', '/jobs/default', JSON.stringify({ ...job, start: false }));
    // A round whose client gafferd cut (too slow for the 8 MiB bound on a busy machine) is counted,
    // not measured; its process is left to finish before the next round.
    const cuts = { eventsource: 0, websocket: 0 };
    const measure = async (kind: 'eventsource' | 'websocket', into: number[]): Promise<void> => {
      const { text } = await call(d.port, 'POST', '/jobs/default/flood/commit', '{}');
      const pid = JSON.parse(text).pid as number;
      try {
        into.push(await (kind === 'eventsource' ? streamEventsource(d.port, pid) : streamWebsocket(d.port, pid)));
      } catch (err) {
        cuts[kind] += 1;
        log(`    ${kind} round not measured: ${(err as Error).message}`);
        while ((await call(d.port, 'GET', `/${pid}`)).status !== 404) await new Promise((r) => setTimeout(r, 50));
      }
    };
    for (let round = 0; round < STREAM_ROUNDS; round++) {
      log(`  round ${round + 1}: eventsource`);
      await measure('eventsource', es);
      log(`  round ${round + 1}: websocket`);
      await measure('websocket', wsRates);
      log(`  round ${round + 1}: raw pipe`);
      raw.push(await rawPipe());
    }
    return { latency: results, streams: { eventsource: summarizeOrNaN(es), websocket: summarizeOrNaN(wsRates), raw: summarize(raw), cuts, rounds: STREAM_ROUNDS }, idle, flood };
  } finally {
    d.child.kill('SIGTERM');
    await new Promise((r) => d.child.once('exit', r));
    agent.destroy();
  }
}

// No measured round at all (every client cut): NaN figures rather than a crash of the whole run.
function summarizeOrNaN(values: number[]): Summary {
  return values.length > 0 ? summarize(values) : summarize([Number.NaN]);
}
