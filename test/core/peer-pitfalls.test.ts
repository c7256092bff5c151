// What the peers get wrong (shared/peer-benchmarks.md), checked on gaffer: children start with default
// signal dispositions, and a job's process is the command itself, not a wrapper shell.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { nextEvent } from '../helpers/events.js';
import { startManager } from '../helpers/manager.js';

test('children start with no signal ignored or blocked (supervisord leaves SIGPIPE ignored)', async () => {
  const m = await startManager();
  const chunks: string[] = [];
  m.onOutput((c) => chunks.push(c.data.toString()));
  const exit = nextEvent(m.events, 'exit');
  m.load({ name: 'status', cmd: 'cat /proc/self/status', redirect_output: ['out'], restart: 'never' });
  await exit;
  const status = chunks.join('');
  assert.match(status, /^SigIgn:\s+0+$/m, 'no signal ignored (SIGPIPE included)');
  assert.match(status, /^SigBlk:\s+0+$/m, 'no signal blocked');
});

test('a job runs its command directly, with no wrapper shell per process (node-foreman keeps one)', async () => {
  const m = await startManager();
  m.load({ name: 'sleepy', cmd: 'sleep 1000', numprocesses: 3 });
  for (const pid of m.pids('sleepy')) {
    const osPid = m.getProcess(pid).osPid;
    assert.equal(readFileSync(`/proc/${osPid}/comm`, 'utf8').trim(), 'sleep');
  }
});
