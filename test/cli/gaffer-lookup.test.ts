// gaffer lookup and lookup:* against a real gaffer_lookupd with a real gafferd registered.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { ROOT } from '../helpers/paths.js';

/** Start gaffer_lookupd on a free port; resolves with its URL once it listens. */
async function startLookupd(): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gaffer_lookupd.js'), '-v', '--bind', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  after(() => { if (child.exitCode === null) child.kill('SIGTERM'); });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const url = / listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`gaffer_lookupd exited (${code}) before listening`)));
  });
}

test('lookup follows the feed; lookup:nodes, :jobs, :job, :sessions, :session list what gafferd registered', async () => {
  const lookupd = await startLookupd();
  const empty = await runCli('gaffer', ['lookup:nodes', '-L', lookupd]);
  assert.deepEqual(empty.lines, ['0 node(s) found', '']);
  const feed = spawnCli('gaffer', ['lookup', '-L', lookupd]);
  const gafferd = await startGafferd({ args: ['--lookupd-address', lookupd, '--broadcast-address', 'http://node1.test:5000'] });
  const sleeper = [process.execPath, join(ROOT, 'test', 'fixtures', 'sleeper.js')];
  // The feed may subscribe after the first registration: restart the job until a spawn is seen.
  const loaded = await runCli('gafferctl', ['--connect', gafferd.url, 'add_process', '--start', 'shop.web', ...sleeper]);
  assert.equal(loaded.code, 0, loaded.stderr);
  let seen = false;
  const spawned = feed.waitForLine(/^\d\d:\d\d:\d\d add_process \| shop\.web: process id \d+ spawned on http:\/\/node1\.test:5000$/).then(() => { seen = true; });
  for (let i = 0; i < 20 && !seen; i++) {
    await Promise.race([spawned, new Promise((r) => setTimeout(r, 300))]);
    if (!seen) await runCli('gafferctl', ['--connect', gafferd.url, 'restart', 'shop.web']);
  }
  await spawned;
  const nodes = await runCli('gaffer', ['lookup:nodes', '-L', lookupd]);
  assert.equal(nodes.lines[0], '1 node(s) found');
  assert.match(nodes.lines[2]!, /^http:\/\/node1\.test:5000 - \S+ \(protocol: [\d.]+\)$/);
  const jobs = await runCli('gaffer', ['lookup:jobs', '-L', lookupd]);
  assert.deepEqual(jobs.lines.slice(0, 3), ['1 job(s) found', '', '=== shop.web']);
  assert.match(jobs.lines[3]!, /^http:\/\/node1\.test:5000 - name: \S+, protocol: [\d.]+$/);
  const job = await runCli('gaffer', ['lookup:job', 'shop.web', '-L', lookupd]);
  assert.match(job.lines[0]!, /^=== \S+ \(Protocol: [\d.]+\)$/);
  assert.equal(job.lines[1], 'Origin: http://node1.test:5000');
  assert.match(job.lines[2]!, /^Pids: \d+(,\d+)*$/);
  assert.deepEqual((await runCli('gaffer', ['lookup:job', 'nope', '-L', lookupd])).lines, ['no job found']);
  const sessions = await runCli('gaffer', ['lookup:sessions', '-L', lookupd]);
  assert.deepEqual(sessions.lines.slice(0, 5), ['1 session(s) found', '', '*** session: shop', '', '=== job: shop.web']);
  const session = await runCli('gaffer', ['lookup:session', 'shop', '-L', lookupd]);
  assert.deepEqual(session.lines.slice(0, 3), ['1 job(s) found', '', '=== shop.web']);
  feed.kill('SIGINT');
  assert.equal((await feed.done).code, 0);
});

test('lookup errors: no address, an unreachable lookupd', async () => {
  const none = await runCli('gaffer', ['lookup:nodes']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no lookupd address given: pass -L http:\/\/host:5010/);
  const down = await runCli('gaffer', ['lookup:nodes', '-L', 'http://127.0.0.1:9']);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /127\.0\.0\.1:9/);
  const feed = await runCli('gaffer', ['lookup']);
  assert.equal(feed.code, 2);
  assert.match(feed.lines[0]!, /^Error: required option '-L, --lookupd-address <ADDR>' not specified/);
});
