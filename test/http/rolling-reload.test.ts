// Rolling reloads through the API: the 0.5 state route and the 0.4 _restart answer when the rollout
// is over, 200 when every process was replaced, 409 reload_failed when a replacement never got ready.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nextEvent } from '../helpers/events.js';
import { fixtureCmd } from '../helpers/paths.js';
import { request, startServer } from '../helpers/http.js';

test('POST state 2 and _restart roll a rolling job; a replacement that never gets ready answers 409 and keeps the old pids', async () => {
  const { manager, url } = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'gaffer-rolling-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const neverFile = join(dir, 'never');
  const ready = nextEvent(manager.events, 'job.default.web.ready');
  const loaded = await request(`${url}/jobs/default`, {
    body: {
      name: 'web', cmd: fixtureCmd('ready-after.js', 100), numprocesses: 2, ready: 'line:^ready', ready_timeout: 1,
      reload_strategy: 'rolling', env: { NEVER_READY_FILE: neverFile },
    },
  });
  assert.equal(loaded.status, 200, loaded.text);
  await ready;
  const pids = async (): Promise<number[]> => (await request(`${url}/jobs/default/web/pids`)).json<{ pids: number[] }>().pids;
  const first = await pids();

  const reloaded = await request(`${url}/jobs/default/web/state`, { body: '2' });
  assert.deepEqual([reloaded.status, reloaded.json()], [200, { ok: true }]);
  const second = await pids();
  assert.equal(second.length, 2);
  assert.ok(second.every((p) => !first.includes(p)), 'answered once both processes were replaced');

  const restarted = await request(`${url}/processes/web/_restart`, { method: 'POST' });
  assert.equal(restarted.status, 200);
  const third = await pids();
  assert.ok(third.every((p) => !second.includes(p)));

  writeFileSync(neverFile, '');
  const failed = await request(`${url}/jobs/default/web/state`, { body: '2' });
  assert.equal(failed.status, 409);
  assert.equal(failed.json<{ reason: string }>().reason, 'reload_failed');
  assert.deepEqual(await pids(), third, 'the old processes keep running');
});
