// Process-supervision workloads: the Manager against the raw child_process.spawn
// baseline, measured side by side in the same run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Manager, MIN_UPTIME_MS } from '../src/core/manager.js';
import { RawSupervisor } from './raw-supervisor.js';
import { procUsage, summarize, type Summary } from './stats.js';

export interface Comparison {
  workload: string;
  unit: string;
  manager: Summary;
  baseline: Summary;
  note?: string;
  /** Higher is better (throughput) rather than lower (latency). */
  higherIsBetter?: boolean;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function waitFor(bus: Manager['events'], pattern: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const listener = (): void => {
      seen += 1;
      if (seen === count) {
        bus.unsubscribe(pattern, listener);
        resolve();
      }
    };
    bus.subscribe(pattern, listener);
  });
}

// A started Manager running `n` sleep processes of job `name`, once every one is spawned.
async function managerWithSleepers(name: string, n: number): Promise<Manager> {
  const m = new Manager();
  await m.start();
  const all = waitFor(m.events, `job.default.${name}.spawn`, n);
  m.load({ name, cmd: 'sleep 1000', numprocesses: n });
  await all;
  return m;
}

// W1: spawn N sleep processes until all exist.
async function spawnMany(n: number): Promise<Comparison> {
  const manager: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const m = new Manager();
    await m.start();
    const all = waitFor(m.events, 'job.default.s.spawn', n);
    let t0 = performance.now();
    m.load({ name: 's', cmd: 'sleep 1000', numprocesses: n });
    await all;
    manager.push(performance.now() - t0);
    await m.stop();

    const raw = new RawSupervisor('sleep', ['1000']);
    t0 = performance.now();
    for (let i = 0; i < n; i++) raw.spawnOne();
    baseline.push(performance.now() - t0);
    await raw.stopAll();
  }
  return { workload: `W1 spawn ${n} × sleep`, unit: 'ms', manager: summarize(manager), baseline: summarize(baseline) };
}

// W2: kill -9 a child that has been running (uptime > MIN_UPTIME, so no crash-loop backoff applies),
// time until its replacement is running. Ten processes per round, killed one after the other.
async function restartLatency(): Promise<Comparison> {
  const perRound = 10;
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, MIN_UPTIME_MS + 100));
  const manager: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const m = await managerWithSleepers('r', perRound);
    await settle();
    for (const pid of m.pids('r')) {
      const next = waitFor(m.events, 'job.default.r.spawn', 1);
      const t0 = performance.now();
      process.kill(m.getProcess(pid).osPid, 'SIGKILL');
      await next;
      manager.push(performance.now() - t0);
    }
    await m.stop();

    const raw = new RawSupervisor('sleep', ['1000']);
    const children = Array.from({ length: perRound }, () => raw.spawnOne());
    await settle();
    for (const child of children) {
      const next = new Promise<void>((resolve) => { raw.onSpawn = () => resolve(); });
      const t0 = performance.now();
      process.kill(child.pid!, 'SIGKILL');
      await next;
      baseline.push(performance.now() - t0);
    }
    raw.onSpawn = undefined;
    await raw.stopAll();
  }
  return { workload: 'W2 restart after kill -9', unit: 'ms', manager: summarize(manager), baseline: summarize(baseline) };
}

// W5: stop N processes until all are reaped.
async function stopMany(n: number): Promise<Comparison> {
  const manager: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const m = await managerWithSleepers('s', n);
    let t0 = performance.now();
    await m.stopJob('s');
    manager.push(performance.now() - t0);
    await m.stop();

    const raw = new RawSupervisor('sleep', ['1000']);
    for (let i = 0; i < n; i++) raw.spawnOne();
    t0 = performance.now();
    await raw.stopAll();
    baseline.push(performance.now() - t0);
  }
  return { workload: `W5 stop ${n} → all reaped`, unit: 'ms', manager: summarize(manager), baseline: summarize(baseline) };
}

// W4: one process writes `bytes` to stdout; count every byte through the Manager vs a raw pipe.
async function throughput(bytes: number): Promise<{ comparison: Comparison; peakRss: number }> {
  const rounds = Math.max(3, Math.min(ROUNDS, 3));
  const manager: number[] = [];
  const baseline: number[] = [];
  let peakRss = 0;
  const producer = ['-c', `head -c ${bytes} /dev/zero`];
  for (let round = 0; round < rounds; round++) {
    const m = new Manager();
    await m.start();
    let received = 0;
    m.onOutput((chunk) => { received += chunk.data.length; });
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
    const exit = waitFor(m.events, 'exit', 1);
    // A one-off process: a kept one would be respawned after it finishes and write again.
    m.load({ name: 'flood', cmd: '/bin/sh', args: producer, redirect_output: ['out'], numprocesses: 0 });
    let t0 = performance.now();
    await m.commit('flood');
    await exit;
    const elapsed = performance.now() - t0;
    clearInterval(sampler);
    await m.stop();
    if (received !== bytes) throw new Error(`the Manager delivered ${received} of ${bytes} bytes`);
    manager.push(bytes / 1e6 / (elapsed / 1000));

    t0 = performance.now();
    const rawReceived = await new Promise<number>((resolve) => {
      let n = 0;
      const child = spawn('/bin/sh', producer, { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.on('data', (d: Buffer) => { n += d.length; });
      child.on('close', () => resolve(n));
    });
    baseline.push(bytes / 1e6 / ((performance.now() - t0) / 1000));
    if (rawReceived !== bytes) throw new Error(`the raw pipe delivered ${rawReceived} of ${bytes} bytes`);
  }
  return {
    comparison: {
      workload: `W4 stdout throughput, ${Math.round(bytes / 1e6)} MB`, unit: 'MB/s',
      manager: summarize(manager), baseline: summarize(baseline), higherIsBetter: true,
    },
    peakRss,
  };
}

// W3: RSS and CPU of the supervisor process itself with N idle children, over `seconds`.
async function idle(count: number, seconds: number): Promise<{ manager: { rss: number; cpu: number; rssEmpty: number }; baseline: { rss: number; cpu: number } }> {
  const worker = join(import.meta.dirname, 'idle-worker.js');
  const startWorker = (kind: string, n: number): Promise<ReturnType<typeof spawn>> => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, kind, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', () => resolve(child));
    child.once('error', reject);
  });
  const workers: Array<ReturnType<typeof spawn>> = [];
  try {
    const empty = await startWorker('manager', 0);
    workers.push(empty);
    const mgr = await startWorker('manager', count);
    workers.push(mgr);
    const raw = await startWorker('raw', count);
    workers.push(raw);
    // Let start-up work settle (JIT, GC), then measure a quiet window.
    await new Promise((r) => setTimeout(r, 2000));
    const before = [procUsage(mgr.pid!), procUsage(raw.pid!)];
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = [procUsage(mgr.pid!), procUsage(raw.pid!)];
    const rssEmpty = procUsage(empty.pid!).rss;
    const cpu = (i: number): number => ((after[i]!.cpuMs - before[i]!.cpuMs) / (seconds * 1000)) * 100;
    return { manager: { rss: after[0]!.rss, cpu: cpu(0), rssEmpty }, baseline: { rss: after[1]!.rss, cpu: cpu(1) } };
  } finally {
    // Even when a measurement fails, the workers (and through them their 100 children) are stopped.
    await Promise.all(workers.map((c) => new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r(undefined);
      c.once('exit', r);
      c.kill('SIGTERM');
    })));
  }
}

export interface CoreResults {
  comparisons: Comparison[];
  idle: Awaited<ReturnType<typeof idle>>;
  idleSeconds: number;
  floodPeakRss: number;
  floodBytes: number;
}

export async function benchCore(log: (line: string) => void): Promise<CoreResults> {
  const comparisons: Comparison[] = [];
  for (const n of [50, 200]) {
    log(`W1 spawn ${n}...`);
    comparisons.push(await spawnMany(n));
  }
  log('W2 restart latency...');
  comparisons.push(await restartLatency());
  const floodBytes = Number(process.env.BENCH_FLOOD_BYTES ?? 1024 ** 3);
  log(`W4 throughput ${floodBytes} bytes...`);
  const flood = await throughput(floodBytes);
  comparisons.push(flood.comparison);
  log('W5 stop 200...');
  comparisons.push(await stopMany(200));
  const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
  log(`W3 idle with 100 children for ${idleSeconds}s...`);
  const idleResult = await idle(100, idleSeconds);
  return { comparisons, idle: idleResult, idleSeconds, floodPeakRss: flood.peakRss, floodBytes };
}
