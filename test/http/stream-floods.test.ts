// A flood of output through the two streaming endpoints that batch their writes
// (GET /streams/<pid>/<label>?feed=eventsource and ws /wstreams/<pid>): every
// byte arrives, in order, with every multi-byte character whole.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { connectWs, openStream, request, startServer } from '../helpers/http.js';

// About 2.3 MB: several hundred pipe reads, well under the 8 MiB at which a slow client is cut.
const LINES = 100_000;
const expected = Array.from({ length: LINES }, (_, i) => `${i} é€😀 ligne\n`).join('');

async function loadFlood(server: Awaited<ReturnType<typeof startServer>>, name: string): Promise<number> {
  const job = server.manager.load({ name, cmd: fixtureCmd('utf8-flood.js', LINES), redirect_input: true, redirect_output: ['out'] });
  return job.kept[0]!.pid;
}

test('eventsource: a flood arrives whole and in order, as data lines of valid UTF-8', async () => {
  const server = await startServer();
  const pid = await loadFlood(server, 'es-flood');
  const stream = await openStream(`${server.url}/streams/${pid}/out?feed=eventsource&heartbeat=false`);
  await request(`${server.url}/streams/${pid}/stdin`, { body: 'go\n' });
  const text = await stream.ended; // the feed ends when the process has exited
  assert.ok(!text.includes('\ufffd'), 'no character was broken');
  assert.ok(text.endsWith('\r\n\r\n'), 'the last event is complete');
  // Each event is `event: out` then data lines; a line break of the output starts a new data line and
  // one trailing break per event is dropped, so the data lines put end to end are the output without its breaks.
  const events = text.slice(0, -4).split('\r\n\r\n');
  let joined = '';
  for (const event of events) {
    const [head, ...data] = event.split('\r\n');
    assert.equal(head, 'event: out');
    for (const line of data) {
      assert.ok(line.startsWith('data: '), JSON.stringify(line));
      joined += line.slice(6);
    }
  }
  assert.equal(joined.length, expected.length - LINES, 'every character arrived');
  assert.ok(joined === expected.replaceAll('\n', ''), 'every line arrived in order');
});

test('wstreams: a flood arrives byte for byte, uncompressed, each message valid UTF-8 on its own', async () => {
  const server = await startServer();
  const pid = await loadFlood(server, 'ws-flood');
  const client = await connectWs(`${server.wsUrl}/wstreams/${pid}`);
  // The client offers permessage-deflate; gafferd declines it: compressing a flood would cost more than sending it.
  assert.equal(client.ws.extensions, '', 'no permessage-deflate');
  const messages: Buffer[] = [];
  client.ws.on('message', (data: Buffer) => messages.push(data));
  client.ws.send('go\n');
  assert.equal((await client.closed).code, 1000, 'closed when the process exited');
  assert.ok(messages.every((m) => isUtf8(m)), 'no message ends or starts inside a character');
  const received = Buffer.concat(messages);
  assert.equal(received.length, Buffer.byteLength(expected));
  assert.ok(received.equals(Buffer.from(expected)), 'every byte arrived in order');
});
