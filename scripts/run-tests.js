#!/usr/bin/env node
// Runs every compiled test file with Node's test runner, then checks that no
// process started by the run is still alive (every child inherits a marker
// variable, so survivors are found in /proc even after re-parenting).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'dist', 'test');
const filter = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (entry.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

const files = findTests(root).filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
const marker = randomUUID();
const env = { ...process.env, GAFFER_TEST_RUN: marker, FORCE_COLOR: '0', NO_COLOR: '1' };
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// The timeout also bounds each whole file: on busy cores (a shared machine, CPU burners) the longest
// files (CLI and gafferd tests, dozens of node start-ups) took over 120 s without any test hanging.
// A hang is still caught sooner by the tests' own waits (15 s per awaited event).
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, '--test-timeout=600000', ...files], {
  stdio: 'inherit',
  env,
});

function survivors() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (environ.includes(`GAFFER_TEST_RUN=${marker}`)) {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
        const state = /State:\s+(\S)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
        if (state !== 'Z') found.push(`${entry} ${cmdline}`);
      }
    } catch { /* gone or not readable */ }
  }
  return found;
}

let left = survivors();
for (let i = 0; i < 20 && left.length > 0; i++) {
  await new Promise((r) => setTimeout(r, 100));
  left = survivors();
}
if (left.length > 0) {
  console.error(`\nprocesses started by the test run are still alive:\n  ${left.join('\n  ')}`);
  for (const line of left) {
    try { process.kill(Number(line.split(' ')[0]), 'SIGKILL'); } catch { /* gone */ }
  }
  process.exit(1);
}
console.log('no process of the test run is left alive');
process.exit(result.status ?? 1);
