// The output history of a job (OutputHistory): bounds, lines across chunks and pipes, following,
// and the `output_history` syntax.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { DEFAULT_HISTORY, OutputHistory, parseOutputHistory, type HistoryEntry } from '../../src/core/output-history.js';
import { normalizeJobConfig } from '../../src/core/job-config.js';

const lines = (entries: HistoryEntry[]): string[] => entries.map((e) => e.line);

test('output_history: default, lines, lines and size, off; bad values name the key and the expected form', () => {
  assert.deepEqual(parseOutputHistory(undefined), DEFAULT_HISTORY);
  assert.deepEqual(DEFAULT_HISTORY, { lines: 1000, bytes: 256 * 1024 });
  assert.deepEqual(parseOutputHistory(200), { lines: 200, bytes: 256 * 1024 });
  assert.deepEqual(parseOutputHistory('5000'), { lines: 5000, bytes: 256 * 1024 });
  assert.deepEqual(parseOutputHistory('2000 512K'), { lines: 2000, bytes: 512 * 1024 });
  assert.deepEqual(parseOutputHistory('2000 lines, 1M'), { lines: 2000, bytes: 1024 * 1024 });
  assert.deepEqual(parseOutputHistory('100, 4096'), { lines: 100, bytes: 4096 });
  for (const off of [0, '0', 'off', 'OFF', 'no', 'false', false]) assert.equal(parseOutputHistory(off), undefined, String(off));
  for (const bad of [-1, 1.5, 'many', '10 lots', {}]) {
    assert.throws(() => parseOutputHistory(bad), (err: unknown) => err instanceof BadRequestError &&
      /"output_history" = .*: expected a number of lines, optionally followed by a size/.test(err.message), String(bad));
  }
  assert.throws(() => normalizeJobConfig({ name: 'a', cmd: 'x', output_history: 'lots' }), /output_history/);
  assert.throws(() => normalizeJobConfig({ name: 'a', cmd: 'x', log_overflow: 'wait' }), /"log_overflow" = "wait": expected block \(the default\) or drop/);
  assert.equal(normalizeJobConfig({ name: 'a', cmd: 'x', log_overflow: 'drop', output_history: 'off' }).log_overflow, 'drop');
});

test('lines are rebuilt across chunks and kept apart per process and stream; time, pid, os_pid, stream are given', () => {
  const h = new OutputHistory({ lines: 100, bytes: 4096 });
  h.record(1, 101, 1, Buffer.from('one\ntw'));
  h.record(2, 102, 2, Buffer.from('err a\nerr'));
  h.record(1, 101, 1, Buffer.from('o\nthree\r\n'));
  // A UTF-8 character cut between two chunks stays whole.
  const euro = Buffer.from('€\n');
  h.record(2, 102, 2, Buffer.from([...Buffer.from(' b '), euro[0]!]));
  h.record(2, 102, 2, euro.subarray(1));
  const all = h.tail().entries;
  assert.deepEqual(lines(all), ['one', 'err a', 'two', 'three', 'err b €']);
  assert.deepEqual(all.map((e) => [e.pid, e.os_pid, e.stream]), [[1, 101, 'stdout'], [2, 102, 'stderr'], [1, 101, 'stdout'], [1, 101, 'stdout'], [2, 102, 'stderr']]);
  assert.ok(all.every((e) => Math.abs(e.time - Date.now() / 1000) < 60));
  assert.deepEqual(lines(h.tail({ stream: 'stderr' }).entries), ['err a', 'err b €']);
  assert.deepEqual(lines(h.tail({ pid: 1, lines: 2 }).entries), ['two', 'three']);
  assert.deepEqual(h.tail({ lines: 0 }).entries, []);
  // An unfinished last line is served as a line (the process may have died mid-line).
  h.record(1, 101, 1, Buffer.from('no newline yet'));
  assert.deepEqual(lines(h.tail({ lines: 1 }).entries), ['no newline yet']);
});

test('the history never holds more than its bounds, in bytes and in lines served', () => {
  const h = new OutputHistory({ lines: 50, bytes: 2000 });
  for (let i = 0; i < 10_000; i++) {
    h.record(1, 1, i % 3 === 0 ? 2 : 1, Buffer.from(`line ${i}\n`));
    assert.ok(h.bytes <= 2000, `bytes ${h.bytes} at line ${i}`);
  }
  const last = h.tail({ lines: 1000 }).entries;
  assert.equal(last.length, 50);
  assert.deepEqual(lines(last), Array.from({ length: 50 }, (_, k) => `line ${9950 + k}`));

  // Large chunks: at most `bytes` of them; a chunk alone larger than the bound keeps its tail; the cut
  // line at the start is not served as if it were whole.
  const big = new OutputHistory({ lines: 1000, bytes: 1000 });
  big.record(1, 1, 1, Buffer.from(Array.from({ length: 500 }, (_, k) => `row ${String(k).padStart(4, '0')}\n`).join('')));
  assert.equal(big.bytes, 1000);
  const rows = lines(big.tail().entries);
  assert.equal(rows.length, 111, 'the 111 whole 9-byte rows of the last 1000 bytes');
  assert.deepEqual(rows.slice(-2), ['row 0498', 'row 0499']);
  assert.ok(rows.every((r) => /^row \d{4}$/.test(r)), rows[0]);
});

test('follow: the answer and the subscription do not overlap; an unfinished line is completed in the feed', () => {
  const h = new OutputHistory({ lines: 10, bytes: 4096 });
  h.record(1, 1, 1, Buffer.from('a\nb\nhal'));
  const seen: string[] = [];
  const { entries, stop } = h.tail({}, (e) => seen.push(e.line));
  assert.deepEqual(lines(entries), ['a', 'b']);
  h.record(1, 1, 1, Buffer.from('f line\nc\n'));
  h.record(1, 1, 2, Buffer.from('err\nunfinished'));
  assert.deepEqual(seen, ['half line', 'c', 'err']);
  h.end(1);
  assert.deepEqual(seen, ['half line', 'c', 'err', 'unfinished']);
  stop();
  h.record(2, 2, 1, Buffer.from('after stop\n'));
  assert.equal(seen.length, 4);
});
