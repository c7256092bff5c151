// GET /metrics: the Prometheus text format (and OpenMetrics) read back by a
// real parser, counters that move when a process dies, and the permission model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { startAuthServer, withKey } from '../auth/auth-server.js';
import { nextEvent } from '../helpers/events.js';
import { fixtureCmd } from '../helpers/paths.js';
import { request, startServer, waitUntil } from '../helpers/http.js';

type Scrape = Map<string, Array<{ labels: Record<string, string>; value: number }>>;

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await request(`${url}/metrics`, { headers });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const out: Scrape = new Map();
  for (const family of parsePrometheusTextFormat(res.text)) {
    out.set(family.name, family.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) })));
  }
  return out;
}

function valueOf(s: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const match = s.get(name)?.find((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v));
  return match?.value;
}

test('jobs and processes: state, counts, CPU and memory per process; counters move when a process is killed', async () => {
  const { manager, url } = await startServer();
  const spawned = nextEvent(manager.events, 'job.shop.web.spawn', (e) => e.pid === 2);
  await request(`${url}/jobs/shop`, { body: { name: 'web', cmd: fixtureCmd('sleeper.js'), numprocesses: 2 } });
  await spawned;

  const first = await scrape(url);
  assert.equal(valueOf(first, 'gaffer_jobs'), 1);
  assert.equal(valueOf(first, 'gaffer_processes'), 2);
  assert.equal(valueOf(first, 'gaffer_job_processes', { job: 'shop.web' }), 2);
  assert.equal(valueOf(first, 'gaffer_job_target_processes', { job: 'shop.web' }), 2);
  assert.equal(valueOf(first, 'gaffer_job_spawns_total', { job: 'shop.web' }), 2);
  assert.equal(valueOf(first, 'gaffer_job_exits_total', { job: 'shop.web' }), 0);
  assert.equal(valueOf(first, 'gaffer_job_restarts_total', { job: 'shop.web' }), 0);
  assert.equal(valueOf(first, 'gaffer_job_state', { job: 'shop.web', state: 'running' }), 1);
  assert.equal(valueOf(first, 'gaffer_job_state', { job: 'shop.web', state: 'stopped' }), 0);
  const victim = manager.getProcess(1);
  const rss = valueOf(first, 'gaffer_process_resident_memory_bytes', { job: 'shop.web', pid: '1', os_pid: String(victim.osPid) });
  assert.ok(rss !== undefined && rss > 1024 * 1024, `a node child has more than 1 MiB resident (got ${rss})`);
  assert.ok((valueOf(first, 'gaffer_process_cpu_seconds_total', { pid: '1' }) ?? -1) >= 0);
  assert.equal(valueOf(first, 'gaffer_process_up', { pid: '2' }), 1);
  assert.ok((valueOf(first, 'process_resident_memory_bytes') ?? 0) > 0, 'gafferd reports its own memory');
  assert.equal(valueOf(first, 'gaffer_event_queue_dropped_total', { stream: 'canonical' }), 0);

  // Both print their line before one is killed (its bytes are then known to be counted).
  const history = manager.getJob('shop.web').history!;
  const alive = (): number => history.tail().entries.filter((e) => e.line.startsWith('alive ')).length;
  await waitUntil(() => alive() === 2, 'both processes printed their line');
  const respawned = nextEvent(manager.events, 'job.shop.web.spawn', (e) => e.pid === 3);
  process.kill(victim.osPid, 'SIGKILL');
  await respawned;
  const second = await scrape(url);
  assert.equal(valueOf(second, 'gaffer_job_exits_total', { job: 'shop.web' }), 1);
  assert.equal(valueOf(second, 'gaffer_job_spawns_total', { job: 'shop.web' }), 3);
  assert.equal(valueOf(second, 'gaffer_job_processes', { job: 'shop.web' }), 2);
  assert.equal(valueOf(second, 'gaffer_process_up', { pid: '1' }), undefined, 'the dead process is gone');
  assert.equal(valueOf(second, 'gaffer_process_up', { pid: '3' }), 1);
  assert.equal(valueOf(second, 'gaffer_job_restarts_total', { job: 'shop.web' }), 1, 'the kill was not asked for: one restart');

  // Output bytes: every "alive <os pid>" line gafferd read, the dead process's included.
  await waitUntil(() => alive() === 3, 'the three processes printed their line');
  const written = history.tail().entries.reduce((n, e) => n + Buffer.byteLength(`${e.line}\n`), 0);
  assert.equal(valueOf(await scrape(url), 'gaffer_job_output_bytes_total', { job: 'shop.web' }), written);
});

test('OpenMetrics when the scraper asks for it', async () => {
  const { url } = await startServer();
  const res = await request(`${url}/metrics`, { headers: { Accept: 'application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  assert.match(res.text, /^# TYPE gaffer_job_spawns counter$/m);
  assert.ok(res.text.endsWith('# EOF\n'));
});

test('with keys required: a read-only key on every job scrapes; no key is 401; a key on one session is 403', async () => {
  const server = await startAuthServer();
  const readAll = server.key({ read: ['*'] });
  const oneSession = server.key({ read: ['shop'] });
  assert.equal((await request(`${server.url}/metrics`)).status, 401);
  assert.equal((await request(`${server.url}/metrics`, { headers: withKey(oneSession) })).status, 403);
  const ok = await request(`${server.url}/metrics`, { headers: withKey(readAll) });
  assert.equal(ok.status, 200);
  assert.match(ok.text, /^gaffer_jobs 0$/m);
});
