// SIGHUP reload with several sessions holding jobs of the same short name: every change must
// reach the job of its own session (issue 15: `[process:app:web]` used to update `default.web`).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { getJson, startGafferd, until, type RunningGafferd } from '../helpers/gafferd.js';

function section(header: string, role: string, numprocesses = 1): string {
  return [header, `cmd = ${fixtureCmd('sleeper.js')}`, `numprocesses = ${numprocesses}`, `env:ROLE = ${role}`, ''].join('\n');
}

const pidsOf = async (d: RunningGafferd, sid: string): Promise<number[]> => (await getJson(`${d.url}/jobs/${sid}/web/pids`)).pids;
const infoOf = (d: RunningGafferd, sid: string): Promise<any> => getJson(`${d.url}/jobs/${sid}/web`);

test('SIGHUP changes only the job of the changed section when several sessions hold a job named web', async () => {
  const d = await startGafferd({
    config: [section('[process:web]', 'plain'), section('[process:app:web]', 'app'), section('[job:other:web]', 'other', 2)].join('\n'),
  });
  const before = { plain: await pidsOf(d, 'default'), app: await pidsOf(d, 'app'), other: await pidsOf(d, 'other') };
  assert.equal(before.other.length, 2);
  writeFileSync(join(d.dir, 'gaffer.ini'),
    [section('[process:web]', 'plain'), section('[process:app:web]', 'app-changed', 3), section('[job:other:web]', 'other', 2)].join('\n'));
  d.child.kill('SIGHUP');
  await d.waitForLog(/reloading the configuration: 0 new, 0 removed, 1 changed, 2 unchanged/);

  const app = await until(() => pidsOf(d, 'app'), (p) => p.length === 3 && p.every((pid) => !before.app.includes(pid)), 'three fresh app.web processes', 400);
  assert.equal(app.length, 3);
  const appInfo = await infoOf(d, 'app');
  assert.equal(appInfo.config.env.ROLE, 'app-changed');
  assert.equal(appInfo.max_processes, 3);

  const plain = await infoOf(d, 'default');
  assert.equal(plain.config.env.ROLE, 'plain', 'default.web keeps its own command and environment');
  assert.equal(plain.max_processes, 1, 'default.web keeps its own process count');
  assert.deepEqual(await pidsOf(d, 'default'), before.plain, 'default.web was not restarted');
  const other = await infoOf(d, 'other');
  assert.equal(other.config.env.ROLE, 'other');
  assert.deepEqual(await pidsOf(d, 'other'), before.other, 'other.web was not restarted');
  // Each process runs with the environment of its own job.
  for (const [sid, role] of [['default', 'plain'], ['app', 'app-changed'], ['other', 'other']] as const) {
    for (const pid of await pidsOf(d, sid)) assert.equal((await getJson(`${d.url}/${pid}`)).env.ROLE, role, `pid ${pid} of ${sid}.web`);
  }
  assert.equal(await d.stop(), 0);
});

test('SIGHUP unloads and loads same-name jobs by session', async () => {
  const d = await startGafferd({ config: [section('[process:web]', 'plain'), section('[process:app:web]', 'app')].join('\n') });
  const plainPids = await pidsOf(d, 'default');
  writeFileSync(join(d.dir, 'gaffer.ini'), [section('[process:web]', 'plain'), section('[process:third:web]', 'third')].join('\n'));
  d.child.kill('SIGHUP');
  await d.waitForLog(/reloading the configuration: 1 new, 1 removed, 0 changed, 1 unchanged/);
  const jobs = await until(() => getJson(`${d.url}/jobs`), (j) => !j.jobs.includes('app.web') && j.jobs.includes('third.web'), 'app.web unloaded and third.web loaded', 400);
  assert.deepEqual([...jobs.jobs].sort(), ['default.web', 'third.web']);
  assert.deepEqual(await pidsOf(d, 'default'), plainPids, 'default.web untouched');
  assert.equal((await infoOf(d, 'default')).config.env.ROLE, 'plain');
  assert.equal((await infoOf(d, 'third')).config.env.ROLE, 'third');
  assert.equal(await d.stop(), 0);
});

test('a job reload through the API (0.5 state 2, 0.4 _restart) restarts only the job of that session', async () => {
  const d = await startGafferd({ config: [section('[process:web]', 'plain'), section('[process:app:web]', 'app')].join('\n') });
  const plain = await pidsOf(d, 'default');
  const app = await pidsOf(d, 'app');
  const res = await fetch(`${d.url}/jobs/app/web/state`, { method: 'POST', body: '2' });
  assert.equal(res.status, 202);
  const reloaded = await until(() => pidsOf(d, 'app'), (p) => p.length === 1 && p[0] !== app[0], 'a fresh app.web process', 400);
  assert.deepEqual(await pidsOf(d, 'default'), plain, 'default.web untouched by the reload of app.web');
  const legacy = await fetch(`${d.url}/processes/app.web/_restart`, { method: 'POST' });
  assert.equal(legacy.status, 200);
  await until(() => pidsOf(d, 'app'), (p) => p.length === 1 && p[0] !== reloaded[0], 'another fresh app.web process', 400);
  assert.deepEqual(await pidsOf(d, 'default'), plain, 'default.web untouched by the 0.4 restart of app.web');
  assert.equal(await d.stop(), 0);
});
