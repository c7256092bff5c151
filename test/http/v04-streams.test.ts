// 0.4 process I/O: /streams/<pid>/<label> feeds, POST /streams/<pid>/stdin, ws /wstreams/<pid>.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import type { Manager } from '../../src/core/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent } from '../helpers/events.js';
import { connectWs, errorBody, openEventSource, openStream, outputOf, request, startServer } from '../helpers/http.js';

const ECHO = fixtureCmd('echo.js');

// Load an echo job and resolve with its pid once it printed "ready" (so later reads see only our data).
async function loadEcho(manager: Manager, name = 'echo', extra: Record<string, unknown> = {}): Promise<number> {
  const job = manager.load({ name, cmd: ECHO, redirect_input: true, redirect_output: ['stdout', 'stderr'], ...extra });
  const pid = job.kept[0]!.pid;
  await outputOf(manager, pid, 'ready');
  return pid;
}

test('seed: POST $\'ECHO\\n\' to /streams/<pid>/stdin, then a longpoll read of stdout answers ECHO', async () => {
  const { manager, url } = await startServer();
  const pid = await loadEcho(manager);
  assert.deepEqual((await request(`${url}/processes/echo/_pids`)).json(), { ok: true, pids: [pid] });
  const read = await openStream(`${url}/streams/${pid}/stdout?feed=longpoll`);
  assert.equal(read.headers['content-type'], 'application/octet-stream');
  assert.equal(read.headers['cache-control'], 'no-cache');
  const write = await request(`${url}/streams/${pid}/stdin`, { body: 'ECHO\n', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.deepEqual([write.status, write.json()], [200, { ok: true }]);
  assert.equal(await read.ended, 'ECHO\n');
});

test('continuous stderr feed and eventsource stdout feed (eventsource client)', async () => {
  const { manager, url } = await startServer();
  const pid = await loadEcho(manager);
  const stderr = await openStream(`${url}/streams/${pid}/stderr?feed=continuous`);
  const sse = await openEventSource(`${url}/streams/${pid}/stdout?feed=eventsource`, ['stdout']);
  await request(`${url}/streams/${pid}/stdin`, { body: 'ERR 12\nERR 13\n' });
  assert.equal(await stderr.waitFor('ERR 13\n'), 'ERR 12\nERR 13\n');
  await request(`${url}/streams/${pid}/stdin`, { body: 'hello sse\n' });
  assert.equal(await sse.next('stdout'), 'hello sse');
  sse.close();

  const exited = nextEvent(manager.events, `proc.${pid}.exit`);
  void manager.stopProcess(pid);
  await exited;
  assert.equal(await stderr.ended, 'ERR 12\nERR 13\n', 'the feed ends with the process');
});

test('/streams errors: bad pid, unknown pid, no redirected output, unknown label, bad target, forbidden write, too large', async () => {
  const { manager, url } = await startServer({ limits: { stdinBody: 1024 } });
  const pid = await loadEcho(manager);
  const silent = manager.load({ name: 'silent', cmd: fixtureCmd('sleeper.js') }).kept[0]!.pid;
  assert.deepEqual((await request(`${url}/streams/abc/stdout`)).json(), errorBody('bad_value', 400));
  assert.deepEqual((await request(`${url}/streams/99/stdout`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/streams/${silent}/stdout`)).json(), errorBody('io_not_redirected', 400));
  assert.deepEqual((await request(`${url}/streams/${pid}/nolabel`)).json(), errorBody('io_not_found', 404));
  assert.deepEqual((await request(`${url}/streams/${pid}/stdout?feed=telegraph`)).json(), errorBody('bad_value', 400));
  assert.deepEqual((await request(`${url}/streams/${pid}/ttout`, { body: 'x' })).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/streams/99/stdin`, { body: 'x' })).json(), errorBody('not_found', 404));
  const forbidden = await request(`${url}/streams/${silent}/stdin`, { body: 'x' });
  assert.deepEqual([forbidden.status, forbidden.json()], [403, errorBody('forbidden_write', 403)]);
  const tooLarge = await request(`${url}/streams/${pid}/stdin`, { body: 'x'.repeat(2048) });
  assert.deepEqual([tooLarge.status, tooLarge.json()], [413, errorBody('body_too_large', 413)]);
  assert.deepEqual((await request(`${url}/wstreams/${pid}`)).json(), errorBody('upgrade_required', 426));
});

test('two clients on one stream: a stalled client does not hold back the other and is cut at its bound', async () => {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
  const { manager, url } = await startServer({ logger, limits: { feedBuffer: 8 * 1024 * 1024 } });
  const total = 40 * 1024 * 1024;
  // Waits for one line on stdin, then floods stdout, so both clients can subscribe first.
  const job = manager.load({ name: 'flood', cmd: `read go; exec ${fixtureCmd('flood.js', total)}`, shell: true, redirect_input: true, redirect_output: ['stdout'] });
  const pid = job.kept[0]!.pid;
  // The fast reader is curl in its own process (a real client that reads as fast as the kernel
  // delivers), so a busy event loop in this test process cannot make it look slow.
  // curl prints the response headers (-D -) as soon as they come, then the byte count at its exit.
  const fast = spawn('curl', ['-sSN', '-D', '-', '-o', '/dev/null', '-w', '%{size_download}\n', `${url}/streams/${pid}/stdout?feed=continuous&heartbeat=false`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errors = '';
  fast.stderr!.on('data', (d: Buffer) => { errors += d.toString(); });
  const fastExit = once(fast, 'exit');
  await new Promise<void>((resolve, reject) => {
    fast.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\r\n\r\n')) resolve(); });
    fast.once('exit', () => reject(new Error(`curl exited before the stream started: ${out}${errors}`)));
  });
  const headers = out;
  assert.match(headers, /^HTTP\/1\.1 200/);
  const slow = await openStream(`${url}/streams/${pid}/stdout?feed=continuous&heartbeat=false`);
  slow.res.pause();
  assert.deepEqual((await request(`${url}/streams/${pid}/stdin`, { body: 'go\n' })).json(), { ok: true });
  const [code] = await fastExit;
  assert.equal(code, 0, `curl failed: ${errors}`);
  assert.equal(Number(out.slice(out.indexOf('\r\n\r\n') + 4).trim()), total, 'the fast client received the whole stream');
  assert.ok(slow.received.length < total, 'the stalled client received only part of the stream');
  assert.ok(warnings.some((w) => w.includes('too slow')), 'the stalled client was cut');
  slow.close();
});

test('wstreams: echo round trip, closes when the process exits', async () => {
  const { manager, wsUrl } = await startServer();
  const pid = await loadEcho(manager);
  const client = await connectWs(`${wsUrl}/wstreams/${pid}`);
  client.ws.send('ECHO\n');
  assert.equal((await client.next()).toString(), 'ECHO\n');
  client.ws.send(Buffer.from('binary too\n'));
  assert.equal((await client.next()).toString(), 'binary too\n');
  void manager.stopProcess(pid);
  assert.equal((await client.closed).code, 1000);
});

test('wstreams errors: bad pid, unknown pid, stdin not redirected → error message and close', async () => {
  const { manager, wsUrl } = await startServer();
  const silent = manager.load({ name: 'silent', cmd: fixtureCmd('sleeper.js'), redirect_output: ['stdout'] }).kept[0]!.pid;
  for (const [path, reason] of [['abc', 'bad_value'], ['99', 'not_found'], [String(silent), 'forbidden_write']] as const) {
    const client = await connectWs(`${wsUrl}/wstreams/${path}`);
    assert.deepEqual(JSON.parse((await client.next()).toString()), { error: reason });
    assert.equal((await client.closed).code, 1008);
  }
});
