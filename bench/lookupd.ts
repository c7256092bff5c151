// Benchmark of gaffer_lookupd (loopback only, bounded to ~30 s): a lookupd
// child process, 50 simulated nodes x 20 jobs registering at once, the
// lookupd's own RSS, and /findJob latency against a bare node:http baseline.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';

export interface LookupdBenchOptions {
  nodes?: number;
  jobsPerNode?: number;
  pidsPerJob?: number;
  requests?: number;
  /** Hard bound of the whole run (default 30 s). */
  timeoutMs?: number;
}

export interface LatencyFigures { requests: number; p50Ms: number; p99Ms: number; meanMs: number }

export interface LookupdBenchResult {
  nodes: number;
  jobsPerNode: number;
  pidsPerJob: number;
  /** Registration messages sent (IDENTIFY + REGISTER_JOB + REGISTER_PROCESS). */
  messages: number;
  /** From the first connection to the last reply: the directory is then complete. */
  registrationMs: number;
  /** Messages applied per second during registration. */
  messagesPerSecond: number;
  rssIdleMiB: number | null;
  rssLoadedMiB: number | null;
  /** RSS of the bare node:http baseline process, for scale. */
  rssBareNodeMiB: number | null;
  /** Size of one /findJob answer (50 sources). */
  findJobBytes: number;
  findJob: LatencyFigures;
  /** The same request loop against a bare node:http child process sending the same body. */
  baseline: LatencyFigures;
  /** findJob p50 / baseline p50. */
  ratioP50: number;
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gaffer_lookupd.js');

/** Run the lookupd benchmark and return its figures. */
export async function benchLookupd(options: LookupdBenchOptions = {}): Promise<LookupdBenchResult> {
  const nodes = options.nodes ?? 50;
  const jobsPerNode = options.jobsPerNode ?? 20;
  const pidsPerJob = options.pidsPerJob ?? 2;
  const requests = options.requests ?? 2000;
  const child = await startLookupd();
  const sockets: WebSocket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lookupd benchmark exceeded ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
  });
  try {
    return await Promise.race([deadline, (async (): Promise<LookupdBenchResult> => {
      const base = `http://127.0.0.1:${child.port}`;
      const rssIdleMiB = readRssMiB(child.process.pid);
      const started = performance.now();
      const perNode = await Promise.all(Array.from({ length: nodes }, (_, i) => registerNode(base, i, jobsPerNode, pidsPerJob, sockets)));
      const registrationMs = performance.now() - started;
      const messages = perNode.reduce((a, b) => a + b, 0);
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const jobs = await getText(agent, `${base}/jobs`);
      const complete = (JSON.parse(jobs) as { nb_jobs: number; jobs: Array<{ sources: unknown[] }> });
      if (complete.nb_jobs !== jobsPerNode || complete.jobs.some((j) => j.sources.length !== nodes)) {
        throw new Error(`the directory is incomplete after registration: ${complete.nb_jobs} jobs`);
      }
      const rssLoadedMiB = readRssMiB(child.process.pid);
      const findJob = await measure(agent, (i) => `${base}/findJob?name=${jobName(i % jobsPerNode)}`, requests);
      const body = await getText(agent, `${base}/findJob?name=${jobName(0)}`);
      agent.destroy();
      const baseline = await measureBaseline(body, requests);
      return {
        nodes, jobsPerNode, pidsPerJob, messages,
        registrationMs: round(registrationMs),
        messagesPerSecond: Math.round(messages / (registrationMs / 1000)),
        rssIdleMiB, rssLoadedMiB,
        findJobBytes: Buffer.byteLength(body),
        rssBareNodeMiB: baseline.rssMiB,
        findJob, baseline: baseline.latency,
        ratioP50: round(findJob.p50Ms / baseline.latency.p50Ms),
      };
    })()]);
  } finally {
    clearTimeout(timer);
    for (const ws of sockets) ws.terminate();
    await stopChild(child.process);
  }
}

function jobName(j: number): string {
  return `app${j % 5}.job${j}`;
}

// One simulated gafferd: IDENTIFY, then its jobs and pids pipelined; resolves when every reply came back.
function registerNode(base: string, index: number, jobs: number, pids: number, sockets: WebSocket[]): Promise<number> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`);
  sockets.push(ws);
  const frames: string[] = [JSON.stringify({ type: 'IDENTIFY', msgid: 'i', name: `node${index}.bench`, origin: `http://node${index}.bench:5000`, version: '0.1' })];
  for (let j = 0; j < jobs; j++) {
    frames.push(JSON.stringify({ type: 'REGISTER_JOB', msgid: `j${j}`, job_name: jobName(j) }));
    for (let p = 1; p <= pids; p++) frames.push(JSON.stringify({ type: 'REGISTER_PROCESS', msgid: `p${j}.${p}`, job_name: jobName(j), pid: j * pids + p }));
  }
  return new Promise((resolve, reject) => {
    let replies = 0;
    ws.on('error', reject);
    ws.on('open', () => { for (const f of frames) ws.send(f); });
    ws.on('message', (data) => {
      if (!String(data).startsWith('{"ok":true')) reject(new Error(`node${index}: registration refused: ${String(data)}`));
      if (++replies === frames.length) resolve(frames.length);
    });
  });
}

async function measure(agent: Agent, urlOf: (i: number) => string, count: number): Promise<LatencyFigures> {
  for (let i = 0; i < Math.min(100, count); i++) await getText(agent, urlOf(i)); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await getText(agent, urlOf(i));
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const pick = (q: number): number => round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!);
  return { requests: count, p50Ms: pick(0.5), p99Ms: pick(0.99), meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length) };
}

// The floor: a bare node:http child process answering the same body, measured the same way.
async function measureBaseline(body: string, count: number): Promise<{ latency: LatencyFigures; rssMiB: number | null }> {
  const script = `const b = process.env.BODY; require('node:http').createServer((q, r) => {
    r.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(b) }); r.end(b);
  }).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BODY: body } });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding('utf8');
      child.stdout!.once('data', (line: string) => resolve(Number(line.trim())));
      child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
    });
    const latency = await measure(agent, () => `http://127.0.0.1:${port}/findJob`, count);
    return { latency, rssMiB: readRssMiB(child.pid) };
  } finally {
    agent.destroy();
    await stopChild(child);
  }
}

function getText(agent: Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

/** A gaffer_lookupd process of the benchmarks; `waitFor` resolves once its log has a line matching `pattern`. */
export interface BenchLookupd {
  process: ChildProcess;
  port: number;
  waitFor(pattern: RegExp): Promise<void>;
}

// The CLI cannot report the port it got for :0, so a free port is found first.
export async function startLookupd(): Promise<BenchLookupd> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  const child = spawn(process.execPath, [BIN, '--bind', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    err += chunk;
    for (const w of [...waiters]) if (w.pattern.test(err)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  const waitFor = (pattern: RegExp): Promise<void> => (pattern.test(err) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gaffer_lookupd did not start within 10 s:\n${err}`)), 10_000);
    void waitFor(/listening on/).then(() => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gaffer_lookupd exited with ${code}:\n${err}`));
    });
  });
  return { process: child, port, waitFor };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function readRssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : round(Number(kb) / 1024);
  } catch {
    return null;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// `node dist/bench/lookupd.js` prints the figures; importing the module runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchLookupd(), null, 2));
}
