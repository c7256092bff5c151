// httpkit on a bare node:http server (no Manager): error handling, CORS,
// body limits, feed framing, heartbeat, unsubscription and slow clients.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { readBody, readJson } from '../../src/httpkit/body.js';
import { createRequestListener, type RouteHandler } from '../../src/httpkit/dispatcher.js';
import { FeedRegistry, parseFeed, parseHeartbeat, type Feed } from '../../src/httpkit/feeds.js';
import { json } from '../../src/httpkit/respond.js';
import { Router } from '../../src/httpkit/router.js';
import { errorBody, openStream, request } from '../helpers/http.js';

const logLines: string[] = [];
const logger = { debug: () => {}, info: () => {}, warn: (m: string) => logLines.push(`warn ${m}`), error: (m: string) => logLines.push(`error ${m}`) };
const source = new EventEmitter();
source.setMaxListeners(50);
const closedFeeds = new EventEmitter();
const feeds = new FeedRegistry(logger);
let server: Server;
let base = '';

before(async () => {
  const router = new Router<RouteHandler, undefined>();
  router.add('GET', '/hello', () => json(200, { hello: 'world' }), undefined);
  router.add('POST', '/echo', async (ctx) => json(200, { got: await readJson(ctx.req, { reason: 'invalid_json', limit: 1024 }) }), undefined);
  router.add('POST', '/raw', async (ctx) => json(200, { bytes: (await readBody(ctx.req, 4096)).length }), undefined);
  router.add('GET', '/boom', () => { throw new Error('secret internals'); }, undefined);
  router.add('GET', '/bad', () => { throw new BadRequestError('bad_value', 'nope'); }, undefined);
  // A feed of items emitted on `source`: JSON items on 'item', raw data on 'data'.
  router.add('GET', '/feed/:name', (ctx) => {
    const kind = parseFeed(ctx.query.get('feed'));
    const feed: Feed = feeds.open(ctx.res, {
      kind,
      contentType: 'application/json',
      heartbeatMs: parseHeartbeat(ctx.query.get('heartbeat') ?? 'false'),
      bufferLimit: Number(ctx.query.get('limit') ?? 1024 * 1024),
    });
    const onItem = (type: string, payload: unknown): void => feed.sendJson(type, payload);
    const onData = (type: string, data: Buffer): void => feed.sendData(type, data);
    source.on('item', onItem);
    source.on('data', onData);
    feed.onClose(() => {
      source.off('item', onItem);
      source.off('data', onData);
      closedFeeds.emit('closed', ctx.params.name, feed.wasCut);
    });
    source.emit('subscribed', ctx.params.name);
    return undefined;
  }, undefined);
  server = createServer(createRequestListener({ router, logger }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});

after(async () => {
  feeds.endAll();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test('default (public read) policy: CORS * without credentials on every response; OPTIONS answers 204 without a body', async () => {
  const plain = await request(`${base}/hello`);
  assert.equal(plain.headers['access-control-allow-origin'], '*');
  assert.equal(plain.headers['access-control-allow-methods'], 'POST, GET, PUT, DELETE, OPTIONS');
  assert.equal(plain.headers['access-control-max-age'], '86400');
  assert.equal(plain.headers['access-control-allow-headers'],
    'X-Requested-With, X-HTTP-Method-Override, Content-Type, Accept, Authorization, X-Api-Key');
  assert.equal(plain.headers['access-control-allow-credentials'], undefined, 'never * with credentials');
  assert.equal(plain.headers['content-type'], 'application/json');

  const withOrigin = await request(`${base}/nowhere`, { headers: { Origin: 'http://ui.example' } });
  assert.equal(withOrigin.status, 404);
  assert.equal(withOrigin.headers['access-control-allow-origin'], '*');
  const nullOrigin = await request(`${base}/hello`, { headers: { Origin: 'null' } });
  assert.equal(nullOrigin.headers['access-control-allow-origin'], '*');

  const options = await request(`${base}/anything/at/all`, { method: 'OPTIONS', headers: { Origin: 'http://ui.example' } });
  assert.equal(options.status, 204);
  assert.equal(options.text, '');
  assert.equal(options.headers['access-control-allow-origin'], '*');
});

test('errors: GafferError keeps its status and reason, unknown errors are a logged 500 without internals', async () => {
  const bad = await request(`${base}/bad`);
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), errorBody('bad_value', 400));
  const boom = await request(`${base}/boom`);
  assert.equal(boom.status, 500);
  assert.deepEqual(boom.json(), errorBody('internal_error', 500));
  assert.doesNotMatch(boom.text, /secret|at /);
  assert.ok(logLines.some((l) => l.startsWith('error internal error') && l.includes('secret internals')));
  const missing = await request(`${base}/nope`);
  assert.deepEqual([missing.status, missing.json()], [404, errorBody('resource_not_found', 404)]);
  const wrongMethod = await request(`${base}/hello`, { method: 'DELETE' });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.allow, 'GET, OPTIONS');
  assert.deepEqual(wrongMethod.json(), errorBody('method_not_allowed', 405));
});

test('JSON bodies: parsed, malformed → 400 with the route reason, over the limit → 413', async () => {
  assert.deepEqual((await request(`${base}/echo`, { body: { a: 1 } })).json(), { got: { a: 1 } });
  const malformed = await request(`${base}/echo`, { body: '{"a":' });
  assert.deepEqual([malformed.status, malformed.json()], [400, errorBody('invalid_json', 400)]);
  const tooLarge = await request(`${base}/echo`, { body: JSON.stringify({ a: 'x'.repeat(5000) }) });
  assert.deepEqual([tooLarge.status, tooLarge.json()], [413, errorBody('body_too_large', 413)]);
  assert.equal(tooLarge.headers.connection, undefined, 'no Connection: close: the connection ends once the body is in');
  // Far beyond the socket buffers: the body is drained, so the client still reads the 413.
  const huge = await request(`${base}/echo`, { body: 'x'.repeat(4 * 1024 * 1024) });
  assert.deepEqual([huge.status, huge.json()], [413, errorBody('body_too_large', 413)]);
  assert.deepEqual((await request(`${base}/raw`, { body: Buffer.alloc(4096) })).json(), { bytes: 4096 });
  assert.equal((await request(`${base}/raw`, { body: Buffer.alloc(4097) })).status, 413);
});

test('heartbeat parameter: true/absent = 60 s, integers in seconds, anything else disabled', () => {
  assert.equal(parseHeartbeat(null), 60_000);
  assert.equal(parseHeartbeat('true'), 60_000);
  assert.equal(parseHeartbeat('5'), 5000);
  for (const off of ['false', '0', 'soon', '-3', '1.5']) assert.equal(parseHeartbeat(off), undefined, off);
  assert.equal(parseFeed(null), 'longpoll');
  assert.throws(() => parseFeed('carrier-pigeon'), { status: 400, reason: 'bad_value' });
});

// Open a feed and wait until its route subscribed to the source.
async function subscribe(name: string, query: string): Promise<Awaited<ReturnType<typeof openStream>>> {
  const subscribed = new Promise<void>((resolve) => {
    const onSub = (n: string): void => {
      if (n !== name) return;
      source.off('subscribed', onSub);
      resolve();
    };
    source.on('subscribed', onSub);
  });
  const stream = await openStream(`${base}/feed/${name}?${query}`);
  await subscribed;
  return stream;
}

function closedFeed(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onClosed = (n: string, wasCut: boolean): void => {
      if (n !== name) return;
      closedFeeds.off('closed', onClosed);
      resolve(wasCut);
    };
    closedFeeds.on('closed', onClosed);
  });
}

test('longpoll: one JSON item followed by CRLF, then the response ends and the subscription is dropped', async () => {
  const stream = await subscribe('lp', 'feed=longpoll');
  assert.equal(stream.headers['content-type'], 'application/json');
  assert.equal(stream.headers['cache-control'], 'no-cache');
  const closed = closedFeed('lp');
  source.emit('item', 'spawn', { event: 'spawn', pid: 1 });
  source.emit('item', 'exit', { event: 'exit', pid: 1 });
  assert.equal(await stream.ended, '{"event":"spawn","pid":1}\r\n');
  await closed;
});

test('continuous: every item as it comes; raw data passes unchanged', async () => {
  const stream = await subscribe('cont', 'feed=continuous');
  source.emit('item', 'a', { n: 1 });
  source.emit('item', 'b', { n: 2 });
  source.emit('data', 'stdout', Buffer.from('raw\nbytes'));
  await stream.waitFor('{"n":1}\r\n{"n":2}\r\nraw\nbytes');
  const closed = closedFeed('cont');
  stream.close();
  assert.equal(await closed, false, 'a client that disconnects is unsubscribed (not cut)');
});

test('eventsource: SSE framing, one data line per line of a multi-line chunk, UTF-8 split across chunks', async () => {
  const stream = await subscribe('sse', 'feed=eventsource');
  assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
  source.emit('item', 'proc.web.exit', { event: 'proc.web.exit' });
  source.emit('data', 'stderr', Buffer.from('line 1\nline 2\n'));
  const euro = Buffer.from('€\n');
  source.emit('data', 'stdout', euro.subarray(0, 1));
  source.emit('data', 'stdout', euro.subarray(1));
  const text = await stream.waitFor((t) => t.includes('€'));
  assert.equal(text,
    'event: proc.web.exit\r\ndata: {"event":"proc.web.exit"}\r\n\r\n' +
    'event: stderr\r\ndata: line 1\r\ndata: line 2\r\n\r\n' +
    'event: stdout\r\ndata: €\r\n\r\n');
  stream.close();
});

test('heartbeat writes a single newline per beat', async () => {
  const stream = await subscribe('hb', 'feed=continuous&heartbeat=1');
  await stream.waitFor((t) => t === '\n', 5000);
  stream.close();
});

test('a stalled client is cut when its buffer exceeds the bound; a fast client on the same source gets everything', async () => {
  const limit = 64 * 1024;
  const fast = await subscribe('fast', `feed=continuous&limit=${16 * 1024 * 1024}`);
  const slow = await subscribe('slow', `feed=continuous&limit=${limit}`);
  slow.res.pause();
  const slowClosed = closedFeed('slow');
  const block = Buffer.alloc(16 * 1024, 'x');
  const total = 512;
  let sent = 0;
  // Emit in batches, yielding to the event loop so the sockets really fill up.
  while (sent < total) {
    for (let i = 0; i < 16; i++, sent++) source.emit('data', 'stdout', block);
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(await fast.waitForBytes(total * block.length), total * block.length);
  assert.equal(await slowClosed, true, 'the stalled client was cut');
  assert.ok(logLines.some((l) => l.startsWith('warn') && l.includes('too slow')));
  fast.close();
  slow.close();
});
