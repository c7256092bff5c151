import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Manager } from '../../src/core/manager.js';

// Bounded wait: a promise that never settles fails the test instead of hanging the run.
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

test('Manager.stop() right after a missing binary settles', async () => {
  const manager = new Manager();
  await manager.start();
  manager.load({ name: 'ghost', cmd: '/nonexistent/gaffer-missing-binary', numprocesses: 3 });
  await within(manager.stop(), 10_000, 'Manager.stop()');
  assert.equal(manager.state, 'stopped');
  assert.deepEqual(manager.pids(), []);
});

test('stopJob right after a missing binary settles, and the failed process reports exit status 127', async () => {
  const manager = new Manager();
  await manager.start();
  try {
    manager.load({ name: 'ghost', cmd: '/nonexistent/gaffer-missing-binary' });
    const [proc] = manager.getJob('ghost').kept;
    assert.ok(proc, 'a process was created for the job');
    const exited = proc.exited;
    await within(manager.stopJob('ghost'), 10_000, 'stopJob');
    const status = await within(exited, 1000, 'the exit promise of the failed process');
    assert.equal(status.exitStatus, 127, 'a process that never started reports 127 (command not found)');
    assert.deepEqual(manager.pids(), []);
  } finally {
    await manager.stop();
  }
});
