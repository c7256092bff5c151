// The cost of a /metrics scrape with 100 processes: latency against GET /jobs of the same gafferd
// and against a bare node:http server answering the same text, and gafferd's CPU per scrape.
import { call, latency, startBareServer, startGafferd, waitForPids } from './api.js';
import { procUsage, type Summary } from './stats.js';

export interface MetricsResults {
  scrape: Summary;
  jobs: Summary;
  bare: Summary;
  /** gafferd CPU milliseconds per scrape, over sequential scrapes 1 s apart (each reads /proc). */
  cpuMsPerScrape: number;
  bytes: number;
  series: number;
}

export async function benchMetrics(log: (line: string) => void): Promise<MetricsResults> {
  const d = await startGafferd();
  try {
    await call(d.port, 'POST', '/jobs/default', JSON.stringify({ name: 'idle', cmd: 'sleep 100000', numprocesses: 100 }));
    await waitForPids(d.port, 'idle', 100);
    const sample = await call(d.port, 'GET', '/metrics');
    const series = sample.text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    log(`/metrics latency (${series} series, ${sample.text.length} bytes)...`);
    const bare = await startBareServer(sample.text);
    const bareSummary = await latency(bare.port, 'GET', '/metrics');
    bare.child.kill();
    // Back-to-back scrapes reuse the /proc reading of the last second: this is the serving cost.
    const scrape = await latency(d.port, 'GET', '/metrics');
    const jobs = await latency(d.port, 'GET', '/jobs');
    // Scrapes a second apart each read /proc for the 100 processes: this is the sampling cost.
    log('/metrics CPU per scrape (10 scrapes, 1.1 s apart)...');
    const before = procUsage(d.child.pid!);
    const rounds = 10;
    let busyMs = 0;
    for (let i = 0; i < rounds; i++) {
      await new Promise((r) => setTimeout(r, 1100));
      const t0 = performance.now();
      await call(d.port, 'GET', '/metrics');
      busyMs += performance.now() - t0;
    }
    const after = procUsage(d.child.pid!);
    // Idle gafferd CPU over the same wall time is near zero (docs: idle CPU), so the difference is the scrapes'.
    const cpuMsPerScrape = (after.cpuMs - before.cpuMs) / rounds;
    log(`  ${cpuMsPerScrape.toFixed(2)} ms CPU per scrape, ${(busyMs / rounds).toFixed(2)} ms wall`);
    return { scrape, jobs, bare: bareSummary, cpuMsPerScrape, bytes: sample.text.length, series };
  } finally {
    d.child.kill('SIGTERM');
    await new Promise((r) => d.child.once('exit', r));
  }
}
