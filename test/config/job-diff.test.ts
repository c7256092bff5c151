import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configuredJob, diffJobs, sortByPriority } from '../../src/config/configured-job.js';
import { normalizeJobConfig } from '../../src/core/job-config.js';

const job = (sessionid: string, raw: Record<string, unknown>, start = true): ReturnType<typeof configuredJob> =>
  configuredJob(sessionid, normalizeJobConfig(raw), start);

test('diffJobs sorts full names into added, removed, changed and unchanged', () => {
  const before = [job('default', { name: 'web', cmd: './web' }), job('default', { name: 'old', cmd: './old' }),
    job('app', { name: 'worker', cmd: './w', numprocesses: 1 })];
  const after = [job('app', { name: 'worker', cmd: './w', numprocesses: 2 }), job('default', { name: 'new', cmd: './new' }),
    job('default', { name: 'web', cmd: './web' }, false)];
  assert.deepEqual(diffJobs(before, after), {
    added: ['default.new'], removed: ['default.old'], changed: ['app.worker'], unchanged: ['default.web'],
  });
});

test('configs compare by content, not key order; env and priority changes count', () => {
  const a = job('default', { name: 'web', cmd: './web', env: { A: '1', B: '2' } });
  const b = job('default', { env: { B: '2', A: '1' }, cmd: './web', name: 'web' });
  assert.deepEqual(diffJobs([a], [b]).unchanged, ['default.web']);
  assert.deepEqual(diffJobs([a], [job('default', { name: 'web', cmd: './web', env: { A: '1' } })]).changed, ['default.web']);
  assert.deepEqual(diffJobs([a], [job('default', { name: 'web', cmd: './web', env: { A: '1', B: '2' }, priority: 1 })]).changed, ['default.web']);
});

test('the same name in another session is another job', () => {
  assert.deepEqual(diffJobs([job('a', { name: 'web', cmd: 'x' })], [job('b', { name: 'web', cmd: 'x' })]),
    { added: ['b.web'], removed: ['a.web'], changed: [], unchanged: [] });
});

test('sortByPriority is stable and puts jobs without priority last', () => {
  const jobs = [job('s', { name: 'n1', cmd: 'x' }), job('s', { name: 'p2', cmd: 'x', priority: 2 }),
    job('s', { name: 'p1a', cmd: 'x', priority: 1 }), job('s', { name: 'p1b', cmd: 'x', priority: 1 }), job('s', { name: 'n2', cmd: 'x' })];
  assert.deepEqual(sortByPriority(jobs).map((j) => j.config.name), ['p1a', 'p1b', 'p2', 'n1', 'n2']);
});
