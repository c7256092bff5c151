// A crash-looping job shows as such in gaffer ps, gafferctl list and
// gafferctl status (issue 14): state backoff, restarts, last exit status,
// next retry — the same members as the API's job info.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { request } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';

test('a job waiting to respawn: backoff with its last exit and next retry everywhere', async () => {
  const gafferd = await startGafferd();
  // Exits with status 7 at once; restart_delay keeps it waiting 30 s before the respawn.
  const loaded = await request(`${gafferd.url}/jobs/fail`, { body: { name: 'crash', cmd: fixtureCmd('crash-after.js', 0, 7), restart_delay: 30 } });
  assert.equal(loaded.status, 200);
  await gafferd.waitForLog(/job 'fail\.crash': 1 failures in a row; respawning in 30\.0s/);
  const info = (await request(`${gafferd.url}/jobs/fail/crash`)).json<Record<string, unknown> & { last_exit: Record<string, unknown> }>();
  assert.equal(info.state, 'backoff');
  assert.equal(info.restarts, 0);
  assert.equal(info.last_exit.exit_status, 7);
  assert.equal(typeof info.next_retry, 'string');
  const lastExit = `last exit: status 7 \\(pid ${String(info.last_exit.pid)}, os pid ${String(info.last_exit.os_pid)}\\) \\d\\d:\\d\\d ago, next retry in \\d+\\.\\ds`;

  const [ps, list, status, json] = await Promise.all([
    runCli('gaffer', ['-g', gafferd.url, 'ps', 'fail']),
    runCli('gafferctl', ['--connect', gafferd.url, 'list']),
    runCli('gafferctl', ['--connect', gafferd.url, 'status', 'fail.crash']),
    runCli('gafferctl', ['--connect', gafferd.url, 'status', 'fail.crash', '--json']),
  ]);
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.lines[0]!, /^=== crash: `.*crash-after\.js.*`$/);
  assert.match(ps.lines[2]!, new RegExp(`^State: backoff, 0 restarts, ${lastExit}$`));
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.lines[0]!, /^NAME\s+STATE\s+RUNNING\s+TARGET\s+PIDS\s+RESTARTS\s+LAST EXIT\s+NEXT RETRY$/);
  assert.match(list.lines[1]!, /^fail\.crash\s+backoff\s+0\s+1\s+-\s+0\s+status 7\s+in \d+\.\ds$/);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`^State: backoff, 0 restarts, ${lastExit}\\n$`));
  const body = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.deepEqual([body.state, body.restarts, body.next_retry], ['backoff', 0, info.next_retry]);
});
