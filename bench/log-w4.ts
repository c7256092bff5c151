// W4 through a real gafferd to a log file: one child prints 200 MB of 41-byte lines, then exits; the
// figure is the time until the whole output is in the log file. The baseline is a raw
// `child_process.spawn` supervisor in its own process piping the child's stdout into a file with Node's
// defaults (`child.stdout.pipe(fs.createWriteStream(path))`). Both are started before the clock, both
// are measured the same way (the file's size, polled by this process), in the same run, alternating.
import { spawn, type ChildProcess } from 'node:child_process';
import { open, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { call } from './api.js';
import { procUsage, summarize, type Summary } from './stats.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(ROOT, 'test', 'fixtures', 'numbered-lines.js');
const LINE = Buffer.from('0123456789012345678901234567890123456789\n');
const POLL_MS = 2;
const ROUND_TIMEOUT_MS = 120_000;

export interface LogW4Bench {
  /** Bytes the child writes (whole 41-byte lines). */
  bytes: number;
  gafferd: Summary;
  raw: Summary;
  /** CPU time of the supervising process (user + system, ms) per round: steadier than wall time on a busy machine. */
  gafferdCpu: Summary;
  rawCpu: Summary;
  /** Bytes missing from the file, summed over every round (0 expected). */
  gafferdLost: number;
  rawLost: number;
  /** Lines not exactly the line written (cut, merged or damaged), summed over every round. */
  gafferdBadLines: number;
  rawBadLines: number;
  rounds: number;
}

interface Side { lost: number; badLines: number; times: number[]; cpu: number[] }

/** A supervisor ready to run the child: `go` starts it; `pid` is the supervising process (for its CPU time). */
interface Started { go: () => Promise<void>; pid: number; done: () => void }

/** Run W4 `rounds` times on each side, alternating. */
export async function benchLogW4(log: (line: string) => void, rounds = 3): Promise<LogW4Bench> {
  const requested = Number(process.env.BENCH_W4_BYTES ?? 200_000_000);
  const bytes = Math.floor(requested / LINE.length) * LINE.length;
  const dir = await mkdtemp(join(tmpdir(), 'gaffer-bench-w4-'));
  const daemon = await startGafferd(dir);
  const g: Side = { lost: 0, badLines: 0, times: [], cpu: [] };
  const r: Side = { lost: 0, badLines: 0, times: [], cpu: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const rawPath = join(dir, `raw-${round}.log`);
      await measure(r, rawPath, bytes, () => runRaw(rawPath, bytes));
      const gPath = join(dir, `gafferd-${round}.log`);
      await measure(g, gPath, bytes, () => runGafferd(daemon, `w4r${round}`, gPath, bytes));
      log(`W4 log file round ${round + 1}: gafferd ${g.times.at(-1)!.toFixed(0)} ms (CPU ${g.cpu.at(-1)!.toFixed(0)} ms), ` +
        `raw ${r.times.at(-1)!.toFixed(0)} ms (CPU ${r.cpu.at(-1)!.toFixed(0)} ms)`);
      await rm(rawPath, { force: true });
      await rm(gPath, { force: true });
    }
  } finally {
    daemon.child.kill('SIGTERM');
    await new Promise((resolve) => daemon.child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
  return {
    bytes, rounds, gafferd: summarize(g.times), raw: summarize(r.times), gafferdCpu: summarize(g.cpu), rawCpu: summarize(r.cpu),
    gafferdLost: g.lost, rawLost: r.lost, gafferdBadLines: g.badLines, rawBadLines: r.badLines,
  };
}

// Start (already warm), then poll the file until it holds every byte or stops growing for 5 s.
async function measure(side: Side, path: string, bytes: number, start: () => Promise<Started>): Promise<void> {
  const { go, pid, done } = await start();
  const cpuBefore = procUsage(pid).cpuMs;
  const started = performance.now();
  await go();
  let size = 0;
  let lastGrowth = performance.now();
  while (size < bytes) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const now = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (now > size) lastGrowth = performance.now();
    size = now;
    if (performance.now() - lastGrowth > 5000 || performance.now() - started > ROUND_TIMEOUT_MS) break;
  }
  side.times.push(performance.now() - started);
  side.cpu.push(procUsage(pid).cpuMs - cpuBefore);
  done();
  side.lost += Math.max(0, bytes - size);
  side.badLines += await badLines(path);
}

// Lines that are not exactly LINE (a cut line counts once, a merged pair once).
async function badLines(path: string): Promise<number> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return 0;
  const block = Buffer.allocUnsafe(LINE.length * 16_000);
  let bad = 0;
  let carry = Buffer.alloc(0);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length, null);
      if (bytesRead === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, block.subarray(0, bytesRead)]) : block.subarray(0, bytesRead);
      let at = 0;
      for (let nl = data.indexOf(0x0a, at); nl >= 0; nl = data.indexOf(0x0a, at)) {
        if (nl + 1 - at !== LINE.length || data.compare(LINE, 0, LINE.length, at, nl + 1) !== 0) bad += 1;
        at = nl + 1;
      }
      carry = Buffer.from(data.subarray(at));
    }
  } finally {
    await handle.close();
  }
  return bad + (carry.length > 0 ? 1 : 0);
}

// The raw supervisor: its own Node process, started and warm before the clock; "go" on stdin spawns the child.
async function runRaw(path: string, bytes: number): Promise<Started> {
  const script = `const { spawn } = require('node:child_process'); const fs = require('node:fs');
    process.stdin.once('data', () => {
      const child = spawn(process.execPath, [${JSON.stringify(CHILD)}, '${bytes}', 'same'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
      const file = fs.createWriteStream(${JSON.stringify(path)}, { flags: 'a' });
      child.stdout.pipe(file);
    });
    console.log('ready');`;
  const sup = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((resolve) => sup.stdout!.once('data', resolve));
  return {
    go: async () => { sup.stdin!.write('go\n'); },
    pid: sup.pid!,
    done: () => { sup.kill('SIGKILL'); },
  };
}

// gafferd: load a job writing the same child's stdout to `path` (restart = never: it runs once).
async function runGafferd(daemon: { child: ChildProcess; port: number }, name: string, path: string, bytes: number): Promise<Started> {
  const job = JSON.stringify({ name, cmd: process.execPath, args: [CHILD, String(bytes), 'same'], stdout_logfile: path, restart: 'never' });
  return {
    go: async () => {
      const res = await call(daemon.port, 'POST', '/jobs/bench', job);
      if (res.status >= 300) throw new Error(`loading the W4 job failed: ${res.status} ${res.text}`);
    },
    pid: daemon.child.pid!,
    done: () => {},
  };
}

function startGafferd(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gafferd.js'), '--bind', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GAFFERD_STATE_DIR: join(dir, 'state') },
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const m = /HTTP API listening on 127\.0\.0\.1:(\d+)/.exec(line);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`gafferd exited (${code}) before listening`)));
  });
}

// `node dist/bench/log-w4.js` runs this benchmark alone.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const result = await benchLogW4((line) => process.stderr.write(`bench: ${line}\n`), Number(process.env.BENCH_W4_ROUNDS ?? 3));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
