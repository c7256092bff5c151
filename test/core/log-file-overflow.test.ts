// LogFile's overflow contract: `block` (the default) queues everything, says when the writer must
// pause and calls back once half of the queue is written; nothing is dropped.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { LogFile } from '../../src/core/log-file.js';
import { useTempDir } from '../config/temp-dir.js';

const tmp = await useTempDir('gaffer-log-overflow-');

test('block: write() turns false at maxBuffered, onDrain calls back once a reader empties the FIFO, nothing is dropped', async () => {
  const path = tmp.join('block.fifo');
  execFileSync('mkfifo', [path]);
  const maxBuffered = 256 * 1024;
  const file = new LogFile({ path, maxBuffered });
  after(() => file.close());
  assert.equal(file.overflow, 'block');
  const piece = Buffer.alloc(16 * 1024, 'b');
  let accepted = 0;
  // Writing goes on while write() says so; the FIFO (64 KiB) and the queue hold the rest.
  while (file.write(piece)) accepted += 1;
  accepted += 1;
  assert.ok(file.buffered >= maxBuffered - 64 * 1024, `queued ${file.buffered}`);
  let drained = false;
  const drain = new Promise<void>((resolve) => file.onDrain(() => { drained = true; resolve(); }));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(drained, false, 'nobody reads: no drain');
  const total = accepted * piece.length;
  const out = tmp.join('block.copy');
  const reader = spawn('sh', ['-c', `head -c ${total} "${path}" > "${out}"`], { stdio: 'ignore' });
  after(() => { reader.kill('SIGKILL'); });
  await drain;
  assert.ok(file.buffered <= maxBuffered / 2, `drained to ${file.buffered}`);
  await new Promise((resolve) => reader.once('exit', resolve));
  assert.equal(readFileSync(out).length, total);
  assert.equal(file.dropped, 0);
});

test('drop: write() never asks to pause; what does not fit is counted', async () => {
  const path = tmp.join('drop.fifo');
  execFileSync('mkfifo', [path]);
  const file = new LogFile({ path, maxBuffered: 64 * 1024, overflow: 'drop' });
  after(() => file.close());
  const piece = Buffer.alloc(16 * 1024, 'd');
  for (let i = 0; i < 64; i++) assert.equal(file.write(piece), true);
  assert.ok(file.dropped > 0 && file.buffered <= 64 * 1024, `dropped ${file.dropped}, queued ${file.buffered}`);
});
