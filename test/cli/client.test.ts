// Unit tests of the client library and CLI helpers that need no daemon.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorFromResponse, responseBody } from '../../src/client/client-errors.js';
import { parseEndpoint, websocketUrl } from '../../src/client/endpoint.js';
import { decodeFrame, encodeFrame } from '../../src/client/frame-codec.js';
import { GafferClient } from '../../src/client/gaffer-client.js';
import { SseParser } from '../../src/client/sse-parser.js';
import { commitArgsOf } from '../../src/cli/gaffer/commands/ps-run.js';
import { parseScaleWord } from '../../src/cli/gaffer/commands/scale.js';
import { formatResult, formatTable } from '../../src/cli/shared/format.js';
import { isColorEnabled } from '../../src/cli/shared/io.js';
import { BadRequestError, ConflictError, ForbiddenError, GafferError, NotFoundError, UnauthorizedError } from '../../src/errors.js';
import { startServer } from '../helpers/http.js';

test('parseEndpoint: URLs, shorthands, unix sockets, errors', () => {
  assert.deepEqual(parseEndpoint('http://127.0.0.1:5000'), { display: 'http://127.0.0.1:5000', protocol: 'http:', host: '127.0.0.1', port: 5000, basePath: '' });
  assert.equal(parseEndpoint('https://gaffer.example').port, 443);
  assert.equal(parseEndpoint('http://[::1]:5000/').host, '::1');
  assert.equal(parseEndpoint('http://h:1/prefix/').basePath, '/prefix');
  assert.equal(parseEndpoint('5001').display, 'http://127.0.0.1:5001');
  assert.equal(parseEndpoint(':5001').display, 'http://127.0.0.1:5001');
  assert.equal(parseEndpoint('host:7').display, 'http://host:7');
  assert.deepEqual(parseEndpoint('unix:/run/g.sock'), { display: 'unix:/run/g.sock', protocol: 'http:', host: 'localhost', port: 0, socketPath: '/run/g.sock', basePath: '' });
  assert.equal(parseEndpoint('https+unix:/run/g.sock').protocol, 'https:');
  for (const bad of ['ftp://x', 'unix:', 'http://', 'http://h:99999']) assert.throws(() => parseEndpoint(bad), BadRequestError, bad);
  assert.equal(websocketUrl(parseEndpoint('http://h:5/p'), '/1/channel'), 'ws://h:5/p/1/channel');
  assert.equal(websocketUrl(parseEndpoint('https://[::1]:5'), '/x'), 'wss://[::1]:5/x');
  assert.equal(websocketUrl(parseEndpoint('unix:/s.sock'), '/x'), 'ws+unix:/s.sock:/x');
});

test('HTTP statuses become GafferError subclasses carrying the decoded body', () => {
  const body = { error: 'not_found', errno: 404, reason: 'not_found' };
  const cases: Array<[number, new (...args: never[]) => GafferError]> = [
    [400, BadRequestError], [401, UnauthorizedError], [403, ForbiddenError], [404, NotFoundError], [409, ConflictError],
  ];
  for (const [status, type] of cases) {
    const err = errorFromResponse('GET', '/x', status, body);
    assert.ok(err instanceof type, String(status));
    assert.equal(err.status, status);
    assert.equal(err.reason, 'not_found');
    assert.deepEqual(responseBody(err), body);
  }
  const other = errorFromResponse('POST', '/y', 500, { error: 500, reason: 'boom' });
  assert.equal(other.code, 'GAFFER_ERR_HTTP_500');
  assert.equal(other.reason, 'boom');
  assert.equal(errorFromResponse('GET', '/z', 502, 'Bad Gateway').reason, 'Bad Gateway');
});

test('SseParser: fields, multi-line data, CRLF split across chunks, heartbeats, comments', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('event: exit\r\ndata: {"a":'), []);
  assert.deepEqual(parser.push('1}\r'), []);
  assert.deepEqual(parser.push('\n\r\n'), [{ type: 'exit', data: '{"a":1}' }]);
  assert.deepEqual(parser.push('\n\n: comment\n\ndata: one\ndata: two\nid: 7\n\n'), [{ type: 'message', data: 'one\ntwo', id: '7' }]);
  const bytes = Buffer.from('data: é\n\n');
  // The last event id persists (EventSource semantics).
  assert.deepEqual([...parser.push(bytes.subarray(0, 7)), ...parser.push(bytes.subarray(7))], [{ type: 'message', data: 'é', id: '7' }]);
});

test('PID channel frames round-trip', () => {
  const frame = decodeFrame(encodeFrame('message', 'abc', 'hello\0world'));
  assert.deepEqual(frame && { ...frame, body: frame.body.toString() }, { type: 'message', id: 'abc', body: 'hello\0world' });
  assert.equal(decodeFrame(Buffer.from('nonsense')), undefined);
});

test('scale words: the last =, + or - followed by an integer', () => {
  assert.deepEqual(parseScaleWord('web=3'), { job: 'web', scale: '=3' });
  assert.deepEqual(parseScaleWord('worker+2'), { job: 'worker', scale: '+2' });
  assert.deepEqual(parseScaleWord('my-job-1'), { job: 'my-job', scale: '-1' });
  assert.deepEqual(parseScaleWord('app.web=0'), { job: 'app.web', scale: '=0' });
  assert.equal(parseScaleWord('web=x'), undefined);
  assert.equal(parseScaleWord('web'), undefined);
  for (const bad of ['web=-1', 'web=abc', 'web=2.5', '=2', 'web+x']) assert.equal(parseScaleWord(bad), undefined, bad);
});

test('gaffer run words with 0.5 options are a ps:run', () => {
  assert.deepEqual(commitArgsOf(['web', '-p', 'A=1', '--app=shop', '--graceful-timeout', '5']), { job: 'web', params: ['A=1'], app: 'shop', gracefulTimeout: '5' });
  assert.equal(commitArgsOf(['ls', '-la']), undefined);
  assert.equal(commitArgsOf(['node', 'x.js', '-p', 'not-a-pair']), undefined);
});

test('result formatting and tables', () => {
  assert.equal(formatResult({ ok: true }), 'ok');
  assert.equal(formatResult(['a', 'b']), '["a", "b"]');
  assert.equal(formatResult([1, 2]), '[1, 2]');
  assert.equal(formatResult(3), '3');
  assert.equal(formatResult({ b: 1, a: [1] }), '{\n  "a": [\n    1\n  ],\n  "b": 1\n}');
  assert.deepEqual(formatTable(['A', 'LONG'], [['xyz', '1'], ['', '22']]), ['A    LONG', 'xyz  1', '     22']);
});

test('colours: FORCE_COLOR=0 and NO_COLOR disable, a terminal enables', () => {
  assert.equal(isColorEnabled({ write() {}, isTTY: true }, {}), true);
  assert.equal(isColorEnabled({ write() {}, isTTY: false }, {}), false);
  assert.equal(isColorEnabled({ write() {}, isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(isColorEnabled({ write() {}, isTTY: true }, { FORCE_COLOR: '0' }), false);
  assert.equal(isColorEnabled({ write() {}, isTTY: false }, { FORCE_COLOR: '1' }), true);
});

test('GafferClient against an in-process server: both API generations, HEAD never throws', async () => {
  const server = await startServer();
  const client = new GafferClient({ endpoint: server.url });
  try {
    assert.deepEqual(await client.welcome(), { welcome: 'gaffer', version: '0.5.2' });
    await client.loadJob('shop', { name: 'web', cmd: process.execPath, args: ['-e', 'setInterval(() => {}, 1e6)'] });
    assert.deepEqual(await client.sessions(), ['shop']);
    assert.deepEqual(await client.processes(), ['shop.web']);
    assert.equal(await client.scaleJob('shop', 'web', '+1'), 2);
    assert.equal((await client.status('shop.web')).running, 2);
    assert.equal(await client.exists('/jobs/shop/web'), true);
    assert.equal(await client.exists('/jobs/shop/nope'), false);
    await assert.rejects(client.jobInfo('shop', 'nope'), NotFoundError);
    await assert.rejects(client.loadJob('shop', { name: 'web', cmd: 'x' }), ConflictError);
    await assert.rejects(client.signalJob('shop', 'web', 'NOPE'), BadRequestError);
  } finally {
    client.close();
  }
});

test('gaffer logs follows canonical events over /channel/websocket, or /watch when gafferd lacks the SockJS channel', async () => {
  const { SockJsChannel } = await import('../../src/apps/channel/sockjs-channel.js');
  const { followCanonicalEvents } = await import('../../src/cli/gaffer/event-follower.js');
  const withChannel = await startServer();
  await withChannel.manager.addApplication(new SockJsChannel({ host: withChannel.app }));
  const plain = await startServer();
  for (const server of [withChannel, plain]) {
    const client = new GafferClient({ endpoint: server.url });
    const events: Array<[string, unknown]> = [];
    let spawned!: () => void;
    const seen = new Promise<void>((resolve) => { spawned = resolve; });
    // Resolves once subscribed: every later event is delivered.
    const follower = await followCanonicalEvents(client, (type, payload) => {
      events.push([type, payload.name]);
      if (type === 'job.shop.web.spawn') spawned();
    }, () => {});
    await client.loadJob('shop', { name: 'web', cmd: process.execPath, args: ['-e', 'setInterval(() => {}, 1e6)'] });
    await seen;
    assert.deepEqual(events.find(([type]) => type === 'job.shop.web.spawn'), ['job.shop.web.spawn', 'shop.web']);
    follower.close();
    client.close();
  }
});
