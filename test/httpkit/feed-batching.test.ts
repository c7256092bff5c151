// Batched writes of the streaming endpoints (batch-timer.ts, feeds.ts) and the
// one-pass framing of LF-only output (sse-framing.ts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { test } from 'node:test';
import { BatchTimer, BURST_MAX_BYTES } from '../../src/httpkit/batch-timer.js';
import { FeedRegistry, type Feed } from '../../src/httpkit/feeds.js';
import { frameEvent } from '../../src/httpkit/sse-framing.js';
import { openStream } from '../helpers/http.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('BatchTimer: idle output is written at the end of the turn; right after a write, it waits', async () => {
  const flushes: number[] = [];
  const timer = new BatchTimer(() => flushes.push(performance.now()));
  timer.schedule(10);
  timer.schedule(20); // already due: one flush
  await nextTurn(); // queued after the timer's own immediate
  assert.equal(flushes.length, 1, 'flushed in the same turn');

  // A write just happened: the next one waits for the next millisecond (the flood test below counts them).
  timer.schedule(10);
  timer.schedule(20);
  assert.equal(flushes.length, 1, 'never written synchronously');
  while (flushes.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setTimeout(resolve, 3));
  assert.equal(flushes.length, 2, 'one flush for both');

  timer.schedule(10);
  timer.schedule(BURST_MAX_BYTES); // a full batch does not wait for the interval
  await nextTurn();
  assert.equal(flushes.length, 3);

  timer.schedule(10);
  timer.cancel();
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(flushes.length, 3, 'a cancelled flush never comes');
});

test('a feed flooded with one small chunk per turn writes at most once per millisecond, and everything arrives in order', async () => {
  let feed: Feed | undefined;
  let writes = 0;
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const feeds = new FeedRegistry(quiet);
  const server = createServer((_req, res: ServerResponse) => {
    feed = feeds.open(res, { kind: 'continuous', contentType: 'application/octet-stream' });
    const write = res.write.bind(res) as (chunk: Buffer) => boolean;
    res.write = ((chunk: Buffer) => {
      writes += 1;
      return write(chunk);
    }) as typeof res.write;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  try {
    const stream = await openStream(`http://127.0.0.1:${port}/`);
    const chunks = Array.from({ length: 400 }, (_, i) => Buffer.from(`chunk ${i} `.padEnd(1024, '.')));
    const started = performance.now();
    for (const chunk of chunks) {
      feed!.sendData('out', chunk);
      await nextTurn();
    }
    feed!.end();
    const elapsed = performance.now() - started;
    const body = await stream.ended;
    assert.equal(body, Buffer.concat(chunks).toString());
    // Each write after the first waits for the next millisecond: no more writes than milliseconds passed (+ the first and the end).
    assert.ok(writes <= Math.floor(elapsed) + 2, `${writes} writes in ${elapsed.toFixed(1)} ms`);
    assert.ok(writes < chunks.length, `${writes} writes for ${chunks.length} chunks`);
  } finally {
    feeds.endAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

// The framing rule written out plainly: every \r\n, \n or \r starts a new data line.
function reference(type: string, body: Buffer): string {
  return `event: ${type}\r\ndata: ${body.toString('latin1').split(/\r\n|\r|\n/).join('\r\ndata: ')}\r\n\r\n`;
}

test('frameEvent: the one-pass framing of LF-only output gives the same bytes as the general one', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = [Buffer.from('a'), Buffer.from('é'), Buffer.from('€'), Buffer.from('😀'), Buffer.from([0xff]), Buffer.from('\n'), Buffer.from('\r'), Buffer.from('\r\n')];
  for (let round = 0; round < 300; round++) {
    const withCr = round % 3 === 0;
    const size = round % 50 === 0 ? 70_000 + random(10_000) : random(300);
    const parts: Buffer[] = [];
    for (let n = 0; n < size;) {
      const part = alphabet[random(withCr ? alphabet.length : alphabet.length - 2)]!;
      parts.push(part);
      n += part.length;
    }
    const body = Buffer.concat(parts);
    const type = round % 2 ? 'out' : 'sortie-é';
    const framed = frameEvent(type, body, body.length);
    assert.equal(framed.toString('latin1'), reference(Buffer.from(type).toString('latin1'), body), `round ${round}`);
  }
});
