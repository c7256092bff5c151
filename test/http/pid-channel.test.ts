// 0.5 PID channel websocket: `V1 <type> <id>\0<body>` frames over /<pid>/channel[/<stream>].
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import type { Manager } from '../../src/core/manager.js';
import { decodeFrame, encodeFrame } from '../../src/http/channel-frames.js';
import { fixtureCmd } from '../helpers/paths.js';
import { connectWs, outputOf, startServer, type TestSocket } from '../helpers/http.js';

const ECHO = fixtureCmd('echo.js');

interface Frame { type: string; id: string; body: string }

async function nextFrame(client: TestSocket): Promise<Frame> {
  const frame = decodeFrame(await client.next());
  return { type: frame.type, id: frame.id, body: frame.body.toString('utf8') };
}

// Send a data frame; resolve with its response/error frame and the data frames that arrived meanwhile.
async function write(client: TestSocket, data: string, wantData: number): Promise<{ reply: Frame; data: Frame[]; id: string }> {
  const id = randomUUID().replace(/-/g, '');
  client.ws.send(encodeFrame('message', id, data));
  let reply: Frame | undefined;
  const received: Frame[] = [];
  while (!reply || received.length < wantData) {
    const frame = await nextFrame(client);
    if (frame.type === 'message') received.push(frame);
    else reply = frame;
  }
  return { reply, data: received, id };
}

async function loadEcho(manager: Manager, extra: Record<string, unknown> = {}): Promise<number> {
  const pid = manager.load({ name: 'echo', cmd: ECHO, redirect_input: true, redirect_output: ['out', 'err'], ...extra }).kept[0]!.pid;
  await outputOf(manager, pid, 'ready');
  return pid;
}

function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

test('default channel: writes go to stdin (response OK), output of the first label comes back as message frames', async () => {
  const { manager, wsUrl } = await startServer();
  const pid = await loadEcho(manager);
  const client = await connectWs(`${wsUrl}/${pid}/channel`);
  const { reply, data, id } = await write(client, 'ECHO\n', 1);
  assert.deepEqual(reply, { type: 'response', id, body: 'OK' });
  assert.equal(data[0]!.body, 'ECHO\n');
  assert.match(data[0]!.id, /^[0-9a-f]{32}$/);
  assert.notEqual(data[0]!.id, id);
  client.ws.send(encodeFrame('message', 'abc', 'x\n'));
  const raw = [await client.next(), await client.next()];
  assert.ok(raw.some((b) => b.equals(Buffer.from('V1 response abc\0OK'))), 'exact wire format of a response frame');
  void manager.stopProcess(pid);
  assert.equal((await client.closed).code, 1000, 'the channel closes when the process exits');
});

test('named streams: an output label reads that label; a custom stream is read and written', async () => {
  const { manager, wsUrl } = await startServer();
  const pid = await loadEcho(manager);
  const errors = await connectWs(`${wsUrl}/${pid}/channel/err`);
  const { reply, data } = await write(errors, 'ERR on stderr\n', 1);
  assert.equal(reply.body, 'OK');
  assert.equal(data[0]!.body, 'ERR on stderr\n');
  errors.ws.close();

  // A shell that echoes its custom stream (fd 3) back to it.
  const custom = manager.load({ name: 'ctl', cmd: 'exec cat <&3 >&3', shell: true, custom_streams: ['ctl'] }).kept[0]!.pid;
  const ctl = await connectWs(`${wsUrl}/${custom}/channel/ctl`);
  const round = await write(ctl, 'over fd 3\n', 1);
  assert.equal(round.reply.body, 'OK');
  assert.equal(round.data.map((f) => f.body).join(''), 'over fd 3\n');
  ctl.ws.close();
});

test('read-only mode: a data frame gets EPERM with its id and the socket stays open; malformed frames are reported', async () => {
  const { manager, wsUrl } = await startServer();
  const pid = await loadEcho(manager);
  const client = await connectWs(`${wsUrl}/${pid}/channel?mode=1`);
  const refused = await write(client, 'nope\n', 0);
  assert.deepEqual(refused.reply, { type: 'error', id: refused.id, body: '{"error":"EPERM","errno":403}' });
  client.ws.send('not a frame');
  assert.deepEqual(await nextFrame(client), { type: 'error', id: 'gaffer_error', body: '{"error":"invalid_frame","errno":400}' });
  assert.equal(client.ws.readyState, client.ws.OPEN);
  // Reading still works: make the process print through another writer.
  await manager.send(pid, 'still reading\n');
  assert.equal((await nextFrame(client)).body, 'still reading\n');
  client.ws.close();

  const writer = await connectWs(`${wsUrl}/${pid}/channel?mode=2`);
  const written = await write(writer, 'write only\n', 0);
  assert.equal(written.reply.body, 'OK');
  writer.ws.close();
});

test('opening errors are gaffer_error frames followed by a close', async () => {
  const { manager, wsUrl } = await startServer();
  const pid = await loadEcho(manager);
  const noInput = manager.load({ name: 'out-only', cmd: fixtureCmd('sleeper.js'), redirect_output: ['out'] }).kept[0]!.pid;
  const noOutput = manager.load({ name: 'silent', cmd: fixtureCmd('sleeper.js') }).kept[0]!.pid;
  const cases: Array<[string, string]> = [
    ['/99/channel', '{"error":"not_found","errno":404}'],
    [`/${pid}/channel/nope`, '{"error":"ENOENT","errno":404}'],
    [`/${noInput}/channel`, '{"error":"EPERM","errno":403}'],
    [`/${noOutput}/channel?mode=1`, '{"error":"EPERM","errno":403}'],
    [`/${pid}/channel?mode=7`, '{"error":"bad_value","errno":400}'],
  ];
  for (const [path, body] of cases) {
    const client = await connectWs(`${wsUrl}${path}`);
    assert.deepEqual(await nextFrame(client), { type: 'error', id: 'gaffer_error', body }, path);
    assert.notEqual((await client.closed).code, 1000, path);
  }
  assert.equal(await refusedStatus(`${wsUrl}/abc/channel`), 404);
  assert.equal(await refusedStatus(`${wsUrl}/${pid}/nothing`), 404);
});
