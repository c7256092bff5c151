// Rolling reloads through a real gafferd: SIGHUP of a changed rolling job keeps its ready
// processes while it replaces them; `gafferctl reload` waits for the rollout and exits non-zero
// with a sentence when a replacement never gets ready, leaving the old processes running.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startGafferd, until } from '../helpers/gafferd.js';
import { fixtureCmd } from '../helpers/paths.js';
import { request } from '../helpers/http.js';

const config = (flavor: string, neverFile: string): string =>
  `[job:web]\ncmd = ${fixtureCmd('ready-after.js', 200)}\nnumprocesses = 2\nready = line:^ready\nready_timeout = 2\n` +
  `reload_strategy = rolling\nenv:FLAVOR = ${flavor}\nenv:NEVER_READY_FILE = ${neverFile}\n`;

test('SIGHUP rolls a changed rolling job (never fewer than two ready); gafferctl reload reports a failed rollout with exit 1', async () => {
  const gafferd = await startGafferd({ config: config('a', '/nonexistent/never') });
  const neverFile = join(gafferd.dir, 'never');
  const pids = async (): Promise<number[]> => (await request(`${gafferd.url}/jobs/default/web/pids`)).json<{ pids: number[] }>().pids;
  // One scrape is one snapshot of the process table: the processes running and ready, and their pids.
  const sample = async (): Promise<{ ready: number; pids: number[] }> => {
    const text = (await request(`${gafferd.url}/metrics`)).text;
    const up = [...text.matchAll(/^gaffer_process_up\{job="default\.web",pid="(\d+)"[^}]*\} (\d)$/gm)];
    return { ready: up.filter((m) => m[2] === '1').length, pids: up.map((m) => Number(m[1])) };
  };
  // Both ready before the reload.
  await gafferd.waitForLog(/web.*ready|ready.*web/);
  await until(sample, (s) => s.ready === 2, 'two ready processes before the reload');
  const first = await pids();

  writeFileSync(join(gafferd.dir, 'gaffer.ini'), config('b', neverFile));
  gafferd.child.kill('SIGHUP');
  // Sample while the rollout runs: every sample sees two ready processes, until all pids are new.
  let samples = 0;
  for (;;) {
    const now = await sample();
    assert.ok(now.ready >= 2, `fewer than two ready processes during the rollout: ${JSON.stringify(now)}; gafferd: ${gafferd.logs.slice(-6).join(' | ')}`);
    if (now.pids.length === 2 && now.pids.every((p) => !first.includes(p))) break;
    samples += 1;
  }
  assert.ok(samples > 0, 'the rollout was sampled at least once');
  const second = await pids();

  // A replacement that never gets ready: the CLI waits, then says so and exits 1; the old ones keep running.
  writeFileSync(neverFile, '');
  const failed = await runCli('gafferctl', ['--connect', gafferd.url, 'reload', 'web']);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /^gafferctl: job 'default\.web': .*ready.* \(POST \/processes\/web\/_restart\)\n$/);
  assert.deepEqual((await pids()).sort(), [...second].sort(), 'the old processes keep running');
  await gafferd.waitForLog(/rolling reload of default\.web stopped: .*the 2 old process\(es\) keep running/);
  const viaGaffer = await runCli('gaffer', ['-g', gafferd.url, 'reload', 'web', '--no-input']);
  assert.equal(viaGaffer.code, 1, viaGaffer.stderr);
  assert.match(viaGaffer.stderr, /replacement process \d+ .*not ready/);
  assert.deepEqual((await pids()).sort(), [...second].sort());
});
