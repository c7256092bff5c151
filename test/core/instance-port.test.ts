// The `port` job key: each kept process gets PORT = port + slot - 1; validated at load.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { normalizeJobConfig } from '../../src/core/job-config.js';
import { BadRequestError } from '../../src/errors.js';
import { outputFrom, startManager } from '../helpers/manager.js';
import { FIXTURES } from '../helpers/paths.js';
import { parseSignal } from '../../src/util/signals.js';

test('port: an integer 1..65535 (digit strings accepted); anything else is a 400 naming "port"', () => {
  assert.equal(normalizeJobConfig({ name: 'a', cmd: 'x', port: 8000 }).port, 8000);
  assert.equal(normalizeJobConfig({ name: 'a', cmd: 'x', port: '8000' }).port, 8000);
  assert.equal('port' in normalizeJobConfig({ name: 'a', cmd: 'x', port: null }), false);
  for (const bad of [0, 65536, 1.5, -1, 'abc', true, [1]]) {
    assert.throws(() => normalizeJobConfig({ name: 'a', cmd: 'x', port: bad }), (err: unknown) => {
      assert.ok(err instanceof BadRequestError);
      assert.match(err.message, /"port" = .*: expected the first PORT, an integer 1\.\.65535/);
      return true;
    });
  }
});

test('each kept process gets its own PORT, over the job env; a replaced process gets its slot\'s PORT back', async () => {
  const manager = await startManager();
  const printed = new Map<number, string>();
  const stop = manager.onOutput((chunk, proc) => {
    const m = /"PORT":"(\d+)"/.exec(chunk.data.toString('utf8'));
    if (m) printed.set(proc.pid, m[1]!);
  });
  const seen = (count: number): Promise<number[]> => outputFrom(manager, /"PORT":"\d+"/, count);
  const both = seen(2);
  const job = manager.load({
    name: 'web', cmd: process.execPath, args: [join(FIXTURES, 'print-env.js')], port: 7100, numprocesses: 2,
    env: { PRINT_VARS: 'PORT', PORT: '1' }, redirect_output: ['out', 'err'],
  });
  await both;
  assert.deepEqual([...printed.values()].sort(), ['7100', '7101']);
  const [first] = manager.pids().filter((pid) => printed.get(pid) === '7100');
  const next = seen(1);
  manager.kill(first!, parseSignal('SIGKILL'));
  const [replacement] = await next;
  assert.notEqual(replacement, first);
  assert.equal(printed.get(replacement!), '7100');
  stop();
  assert.equal(job.name, 'web');
});
