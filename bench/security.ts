// Floods against the bounds of issue 12, with the production defaults: a 200 MiB
// stdin flood over /wstreams to a process that never reads its input (and to one
// that does), and a lookupd fed by a node that never reads its replies while a
// /lookup client stops reading. Reports what the server took and its RSS growth
// (peak sampled from /proc every 20 ms).
import WebSocket from 'ws';
import { call, startGafferd } from './api.js';
import { startLookupd, stopChild } from './lookupd.js';
import { procUsage } from './stats.js';

const MiB = 1024 * 1024;
const FLOOD = Number(process.env.BENCH_STDIN_FLOOD ?? 200 * MiB);
const CHUNK = Buffer.alloc(MiB, 'x');

export interface StdinFlood {
  /** Bytes gafferd accepted from a writer to a process that never reads before it paused the socket. */
  deafTaken: number;
  deafGrowth: number;
  /** A process that reads: the whole flood through, how long, peak RSS growth. */
  sinkBytes: number;
  sinkMs: number;
  sinkGrowth: number;
}

export interface LookupdFlood {
  /** Feed events the paused /lookup client was sent before lookupd cut it. */
  feedEvents: number;
  /** PINGs the deaf node sent before lookupd disconnected it. */
  pings: number;
  growth: number;
  /** RSS growth left 2 s after the flood. */
  settled: number;
}

/** Watch a pid's RSS while `work` runs; returns the peak growth over the RSS at the start. */
async function peakGrowth<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; growth: number; settled: number }> {
  const base = procUsage(pid).rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, procUsage(pid).rss); }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, procUsage(pid).rss);
    // What stays 2 s later (garbage collected, buffers of the cut clients freed).
    await new Promise((r) => setTimeout(r, 2000));
    return { result, growth: peak - base, settled: procUsage(pid).rss - base };
  } finally {
    clearInterval(timer);
  }
}

function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

// Send up to `total` bytes in 1 MiB messages (at most 4 MiB waiting client-side) until done or until the
// server has taken nothing for `stallMs` (it paused the socket). Returns the bytes the server took.
async function flood(ws: WebSocket, total: number, stallMs: number): Promise<number> {
  let queued = 0;
  let lastTaken = 0;
  let lastProgress = Date.now();
  for (;;) {
    const taken = queued - ws.bufferedAmount;
    if (taken > lastTaken) { lastTaken = taken; lastProgress = Date.now(); }
    if (taken >= total || Date.now() - lastProgress > stallMs) return taken;
    if (queued < total && ws.bufferedAmount < 4 * MiB) {
      ws.send(CHUNK);
      queued += CHUNK.length;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

export async function benchStdinFlood(log: (line: string) => void): Promise<StdinFlood> {
  const d = await startGafferd();
  try {
    const load = async (name: string, cmd: string): Promise<number> => {
      await call(d.port, 'POST', '/jobs/default', JSON.stringify({ name, cmd, shell: true, redirect_input: true }));
      for (;;) {
        const pids = JSON.parse((await call(d.port, 'GET', `/jobs/default/${name}/pids`)).text).pids as number[];
        if (pids.length > 0) return pids[0]!;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const deaf = await load('deaf', 'exec sleep 100000');
    const sink = await load('sink', 'exec cat > /dev/null');
    log(`stdin flood of ${FLOOD / MiB} MiB to a process that never reads...`);
    const deafWs = await openWs(`ws://127.0.0.1:${d.port}/wstreams/${deaf}`);
    const stalled = await peakGrowth(d.child.pid!, () => flood(deafWs, FLOOD, 1500));
    deafWs.terminate();
    log(`stdin flood of ${FLOOD / MiB} MiB to a process that reads...`);
    const sinkWs = await openWs(`ws://127.0.0.1:${d.port}/wstreams/${sink}`);
    const t0 = performance.now();
    const through = await peakGrowth(d.child.pid!, () => flood(sinkWs, FLOOD, 30_000));
    const sinkMs = performance.now() - t0;
    sinkWs.terminate();
    return { deafTaken: stalled.result, deafGrowth: stalled.growth, sinkBytes: through.result, sinkMs, sinkGrowth: through.growth };
  } finally {
    d.child.kill('SIGTERM');
    await new Promise((r) => (d.child.exitCode !== null ? r(undefined) : d.child.once('exit', r)));
  }
}

export async function benchLookupdFlood(log: (line: string) => void): Promise<LookupdFlood> {
  const { process: child, port, waitFor } = await startLookupd();
  try {
    log('lookupd flood: a /lookup client that stops reading, a node that never reads its replies...');
    const { result, growth, settled } = await peakGrowth(child.pid!, async () => {
      const feed = await openWs(`ws://127.0.0.1:${port}/lookup/websocket`);
      feed.pause();
      let cut = false;
      void waitFor(/lookupd feed: client .* is too slow/).then(() => { cut = true; });
      // A node that reads its replies churns jobs: every message is a feed event for the paused client.
      const busy = await openWs(`ws://127.0.0.1:${port}/ws`);
      let answered = 0;
      busy.on('message', () => { answered += 1; });
      busy.send(JSON.stringify({ type: 'IDENTIFY', msgid: 'i', name: 'churn', origin: 'http://churn:5000', version: '0.1' }));
      let feedEvents = 0;
      let pings = 0;
      let phase = 'churn';
      const progress = setInterval(() => { if (process.env.BENCH_DEBUG) log(`  ${phase}: ${feedEvents} events, ${answered} answers, cut ${cut}, ${pings} pings`); }, 2000);
      for (let batch = 0; batch < 2000 && !cut; batch++) {
        for (let i = 0; i < 500; i++) {
          busy.send(JSON.stringify({ type: i % 2 ? 'UNREGISTER_JOB' : 'REGISTER_JOB', msgid: `${batch}.${i}`, job_name: `app.job${Math.floor(i / 2)}` }));
        }
        feedEvents += 500;
        while (answered < feedEvents + 1 && !cut) await new Promise((r) => setTimeout(r, 1));
      }
      // A node that never reads its replies floods PINGs until lookupd disconnects it.
      const deaf = await openWs(`ws://127.0.0.1:${port}/ws`);
      deaf.pause();
      let gone = false;
      void waitFor(/does not read its replies/).then(() => { gone = true; });
      const ping = JSON.stringify({ type: 'PING', msgid: 'p'.repeat(40) });
      phase = 'deaf';
      // Yields every 1000 sends: lookupd's log line (and the close) must get a chance to arrive.
      while (!gone && pings < 5_000_000) {
        if (deaf.readyState === WebSocket.OPEN && deaf.bufferedAmount < 4 * MiB) {
          deaf.send(ping);
          pings += 1;
          if (pings % 1000 === 0) await new Promise((r) => setImmediate(r));
        } else {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      clearInterval(progress);
      for (const ws of [feed, busy, deaf]) ws.terminate();
      return { feedEvents, pings, cut, gone };
    });
    if (!result.cut || !result.gone) throw new Error(`lookupd did not cut the clients (feed cut: ${result.cut}, deaf node cut: ${result.gone})`);
    return { feedEvents: result.feedEvents, pings: result.pings, growth, settled };
  } finally {
    await stopChild(child);
  }
}
