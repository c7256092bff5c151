import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ChildRecord, type ChildRecordData } from '../../src/daemon/child-record.js';
import { Manager } from '../../src/core/manager.js';
import { recordingLogger } from '../helpers/manager.js';
import { useTempDir } from '../config/temp-dir.js';
import { parseScale } from '../../src/util/scale.js';

const tmp = await useTempDir('gaffer-recovery-record-');
const SCALE = 1500;

// Resolve once `count` processes have gone through `hook` (spawned or exited) on the manager.
function tableCount(manager: Manager, hook: 'spawned' | 'exited', count: number): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const stop = manager.onProcessTable({
      spawned: () => { if (hook === 'spawned' && ++n === count) { stop(); resolve(); } },
      exited: () => { if (hook === 'exited' && ++n === count) { stop(); resolve(); } },
    });
  });
}

test(`a scale-up of ${SCALE} idle processes that overflows the event queue leaves every child recorded`, { timeout: 240_000 }, async () => {
  const logger = recordingLogger();
  // A tiny event queue and a subscriber that is never idle: the burst overflows the queue.
  const manager = new Manager({ maxQueue: 50, logger });
  await manager.start();
  after(() => manager.stop());
  let delivered = 0;
  manager.events.subscribe('.', () => { delivered += 1; });
  const record = new ChildRecord({ stateDir: tmp.join('state'), debounceMs: 20 });
  record.attach(manager);

  manager.load({ name: 'idle', cmd: '/usr/bin/sleep 600', numprocesses: 0 });
  const spawned = tableCount(manager, 'spawned', SCALE);
  manager.scale('idle', parseScale(SCALE));
  await spawned;
  const osPids = manager.pids('idle').map((pid) => manager.getProcess(pid).osPid);
  assert.equal(osPids.length, SCALE);
  await record.flush();
  const data = JSON.parse(await readFile(record.path, 'utf8')) as ChildRecordData;
  assert.deepEqual(data.children.map((c) => c.pid).sort((a, b) => a - b), [...osPids].sort((a, b) => a - b), 'every live child is in children.json');
  assert.ok(manager.droppedEvents > 0, `the event queue overflowed (dropped ${manager.droppedEvents}, delivered ${delivered})`);
  assert.ok(logger.lines.some((l) => /^warn event queue overflow: \d+ oldest pending event\(s\) dropped/.test(l)), 'the overflow is logged');

  // Short-lived processes come and go in a burst as well: none is left behind in the record.
  const exited = tableCount(manager, 'exited', SCALE);
  await manager.stopJob('idle');
  await exited;
  manager.load({ name: 'blink', cmd: '/usr/bin/true', numprocesses: 0, restart: 'never' });
  const blinked = tableCount(manager, 'exited', 300);
  manager.scale('blink', parseScale(300));
  await blinked;
  await record.flush();
  const after2 = JSON.parse(await readFile(record.path, 'utf8')) as ChildRecordData;
  assert.deepEqual(after2.children, []);
  await record.close({ remove: true });
});
