// The eventsource encoding of raw output: lines to `data:` lines, UTF-8 kept whole across chunks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseOutputEncoder } from '../../src/httpkit/sse-framing.js';
import { incompleteUtf8Tail } from '../../src/util/utf8.js';
import { request, startServer, openStream } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { outputFrom } from '../helpers/manager.js';

test('incompleteUtf8Tail finds a sequence cut at the end of a chunk', () => {
  const euro = Buffer.from('€'); // e2 82 ac
  assert.equal(incompleteUtf8Tail(Buffer.from('abc')), 0);
  assert.equal(incompleteUtf8Tail(euro), 0);
  assert.equal(incompleteUtf8Tail(euro.subarray(0, 1)), 1);
  assert.equal(incompleteUtf8Tail(euro.subarray(0, 2)), 2);
  assert.equal(incompleteUtf8Tail(Buffer.concat([Buffer.from('x'), Buffer.from('😀').subarray(0, 3)])), 3);
  assert.equal(incompleteUtf8Tail(Buffer.from('é')), 0);
});

test('eventsource feeds: one data line per output line, CRLF and LF, multi-byte characters intact', async () => {
  const { url, manager } = await startServer();
  const ready = outputFrom(manager, /ready/);
  manager.load({ name: 'echo', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['out'] });
  await ready;
  const pid = manager.pids('echo')[0]!;
  const stream = await openStream(`${url}/streams/${pid}/out?feed=eventsource&heartbeat=false`);
  await request(`${url}/streams/${pid}/stdin`, { method: 'POST', body: 'héllo wörld €\nsecond\r\n' });
  const text = await stream.waitFor((t) => t.includes('second'));
  assert.ok(text.startsWith('event: out\r\ndata: héllo wörld €\r\n'), JSON.stringify(text));
  assert.ok(text.includes('data: second\r\n\r\n'), JSON.stringify(text));
  assert.ok(!text.includes('\ufffd'), 'no broken character');
  stream.close();
});

test('SseOutputEncoder: \\r\\n, \\n and bare \\r each start a data line; a \\r\\n split across chunks is one break', () => {
  const enc = new SseOutputEncoder();
  const text = (b: Buffer | undefined): string => b?.toString('utf8') ?? '';
  assert.equal(text(enc.encode('out', Buffer.from('a\rb\nc\r\nd\r'))), 'event: out\r\ndata: a\r\ndata: b\r\ndata: c\r\ndata: d\r\n\r\n');
  assert.equal(enc.encode('out', Buffer.from('\n')), undefined, 'the \\n completing a \\r\\n adds no empty line');
  assert.equal(text(enc.encode('out', Buffer.from('e\r\rf'))), 'event: out\r\ndata: e\r\ndata: \r\ndata: f\r\n\r\n');
  assert.equal(text(enc.encode('out', Buffer.from('\n'))), 'event: out\r\ndata: \r\n\r\n', 'a lone newline is an empty line');
});

test('SseOutputEncoder: invalid UTF-8 becomes U+FFFD; a character cut at the end of the output too', () => {
  const enc = new SseOutputEncoder();
  const euro = Buffer.from('€');
  assert.equal(enc.encode('out', Buffer.from([0x61, 0xff, 0x62, 0x0a]))?.toString('utf8'), 'event: out\r\ndata: a\ufffdb\r\n\r\n');
  assert.equal(enc.encode('out', euro.subarray(0, 2)), undefined);
  assert.equal(enc.end('out')?.toString('utf8'), 'event: out\r\ndata: \ufffd\r\n\r\n');
  assert.equal(enc.end('out'), undefined);
});
