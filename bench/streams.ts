// The feeds' share of a raw pipe, quickly: one gafferd, then ROUNDS rounds of
// `GET /streams/<pid>/out?feed=eventsource`, `ws /wstreams/<pid>` and a raw
// `child_process.spawn` pipe reading the same output (bench/api.ts measures
// each the same way inside `npm run bench`). Ratios are computed within the
// run, so a busy machine slows both sides alike.
//   node dist/bench/streams.js                      3 rounds of 200 MB
//   BENCH_STREAM_ROUNDS=5 BENCH_STREAM_BYTES=1e8 node dist/bench/streams.js
//   BENCH_STREAM_PROF=/tmp/prof node dist/bench/streams.js   gafferd with --cpu-prof into that directory
//   BENCH_STREAM_CPU=1 node dist/bench/streams.js              CPU time of gafferd and of the client per stream
import { call, producer, rawPipe, startGafferd, streamEventsource, streamWebsocket, STREAM_BYTES } from './api.js';
import { procUsage, spread, summarize } from './stats.js';

const ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 3);
const PROFILE_DIR = process.env.BENCH_STREAM_PROF;
const ONLY = process.env.BENCH_STREAM_ONLY; // 'eventsource' | 'websocket': profile one path alone
const VERBOSE = process.env.BENCH_STREAM_CPU === '1'; // CPU time of gafferd and of the client per stream

async function main(): Promise<void> {
  const d = await startGafferd(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
  const rates = { eventsource: [] as number[], websocket: [] as number[], raw: [] as number[] };
  const cut = { eventsource: 0, websocket: 0 };
  try {
    const job = { name: 'flood', cmd: producer(STREAM_BYTES), shell: true, redirect_input: true, redirect_output: ['out'], numprocesses: 0, start: false };
    await call(d.port, 'POST', '/jobs/default', JSON.stringify(job));
    const commit = async (): Promise<number> => JSON.parse((await call(d.port, 'POST', '/jobs/default/flood/commit', '{}')).text).pid as number;
    // CPU time (ms) that gafferd and this process (the client) spent per path.
    const measure = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
      const [g0, c0] = [procUsage(d.child.pid!).cpuMs, process.cpuUsage()];
      const result = await run();
      const c = process.cpuUsage(c0);
      if (VERBOSE) process.stderr.write(`  ${what}: gafferd ${(procUsage(d.child.pid!).cpuMs - g0).toFixed(0)} ms CPU, client ${((c.user + c.system) / 1000).toFixed(0)} ms CPU\n`);
      return result;
    };
    // A client cut for being too slow (a busy machine) is counted and the round goes on.
    const attempt = async (path: 'eventsource' | 'websocket', run: () => Promise<number>): Promise<void> => {
      try {
        rates[path].push(await measure(path, run));
      } catch (err) {
        cut[path] += 1;
        process.stderr.write(`  ${path}: ${(err as Error).message}\n`);
      }
    };
    for (let round = 1; round <= ROUNDS; round++) {
      if (ONLY !== 'websocket') await attempt('eventsource', async () => streamEventsource(d.port, await commit()));
      if (ONLY !== 'eventsource') await attempt('websocket', async () => streamWebsocket(d.port, await commit()));
      rates.raw.push(await measure('raw pipe', rawPipe));
      const last = (a: number[]): string => (a.length ? ((a[a.length - 1]! / rates.raw[rates.raw.length - 1]!) * 100).toFixed(0) + ' %' : '-');
      process.stderr.write(`round ${round}: raw ${rates.raw[round - 1]!.toFixed(0)} MB/s, eventsource ${last(rates.eventsource)}, websocket ${last(rates.websocket)}\n`);
    }
  } finally {
    d.child.kill('SIGTERM');
    await new Promise((r) => (d.child.exitCode !== null ? r(undefined) : d.child.once('exit', r)));
  }
  const raw = summarize(rates.raw);
  console.log(`${STREAM_BYTES} bytes of 100-byte lines, ${ROUNDS} rounds, MB/s median (min–max) and share of the raw pipe's median:`);
  console.log(`raw pipe     ${spread(raw, 0)}`);
  for (const path of ['eventsource', 'websocket'] as const) {
    if (rates[path].length === 0) {
      if (cut[path]) console.log(`${path.padEnd(12)} every round cut (client too slow)`);
      continue;
    }
    const s = summarize(rates[path]);
    const cuts = cut[path] ? `  (${cut[path]} of ${ROUNDS} rounds cut: client too slow)` : '';
    console.log(`${path.padEnd(12)} ${spread(s, 0)}  ${((s.median / raw.median) * 100).toFixed(0)} %${cuts}`);
  }
}

await main();
