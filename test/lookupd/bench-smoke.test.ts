// Keeps bench/lookupd.ts working: a tiny run (the real figures come from `npm run bench`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchLookupd } from '../../bench/lookupd.js';

test('benchLookupd runs end to end on a tiny workload', async () => {
  const result = await benchLookupd({ nodes: 3, jobsPerNode: 4, pidsPerJob: 1, requests: 20, timeoutMs: 20_000 });
  assert.equal(result.messages, 3 * (1 + 4 * 2));
  assert.equal(result.findJob.requests, 20);
  assert.ok(result.registrationMs > 0);
  assert.ok(result.findJob.p50Ms > 0 && result.findJob.p99Ms >= result.findJob.p50Ms);
  assert.ok(result.findJobBytes > 0);
});
