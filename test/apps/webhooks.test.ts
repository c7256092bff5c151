// Webhooks against real local receivers: matching (legacy keys, `.`, canonical-only
// keys), the POST format, retries with backoff, timeouts, bounded queues, and
// a hanging receiver that must not delay the others.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { Webhooks, isCanonicalOnly, type WebhooksOptions } from '../../src/apps/webhooks.js';
import { nextEvent } from '../helpers/events.js';
import { recordingLogger, startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { parseScale } from '../../src/util/scale.js';
import { legacyEventsOf } from '../../src/legacy/legacy-events.js';

const SLEEPER = fixtureCmd('sleeper.js');

interface Received { path: string; headers: IncomingHttpHeaders; body: any; text: string }

interface Receiver {
  url: string;
  received: Received[];
  /** Requests whose response is held (hanging mode). */
  held: ServerResponse[];
  /** Stop listening: the port then refuses connections. */
  close(): Promise<void>;
  /** Resolves once `count` requests (matching `predicate`) were received. */
  waitFor(count: number, predicate?: (r: Received) => boolean, timeoutMs?: number): Promise<Received[]>;
}

/** A local HTTP receiver: `answer` decides each response status; `hang` never answers. */
async function startReceiver(answer: (n: number) => number | 'hang' = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const held: ServerResponse[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { text += c; });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, text, body: JSON.parse(text) });
      const status = answer(received.length);
      if (status === 'hang') held.push(res);
      else res.writeHead(status).end();
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    held,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
    waitFor: (count, predicate = () => true, timeoutMs = 15000) => new Promise((resolve, reject) => {
      const check = (): void => {
        const matching = received.filter(predicate);
        if (matching.length < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(matching);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`receiver got ${received.filter(predicate).length} of ${count} requests within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    }),
  };
}

async function startHooks(options: WebhooksOptions) {
  const manager = await startManager();
  const logger = recordingLogger();
  const hooks = new Webhooks({ logger, backoffMs: 20, ...options });
  await manager.addApplication(hooks);
  after(() => hooks.stop());
  return { manager, hooks, logger };
}

test('legacy keys, `.` and canonical-only keys; one JSON POST per matching (event, URL)', async () => {
  const a = await startReceiver();
  const all = await startReceiver();
  const { manager, hooks } = await startHooks({
    hooks: [
      { event: 'create', url: `${a.url}/create` },
      ['proc.web.spawn', `${a.url}/legacy-spawn`],
      ['load', `${a.url}/load`],
      ['job.default.web.spawn', `${a.url}/job-spawn`],
      ['.', `${all.url}/all`],
    ],
  });
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER });
  const { pid, os_pid } = await spawned;
  const got = await a.waitFor(4);
  const byPath = Object.fromEntries(got.map((r) => [r.path, r]));
  assert.deepEqual(byPath['/create']!.body, { event: 'create', name: 'web' });
  assert.deepEqual(byPath['/legacy-spawn']!.body, { event: 'proc.web.spawn', name: 'web', pid, os_pid, detached: false });
  assert.deepEqual(byPath['/load']!.body, { event: 'load', name: 'default.web' }, 'canonical payload for canonical-only keys');
  assert.deepEqual(byPath['/job-spawn']!.body, { event: 'job.default.web.spawn', name: 'default.web', pid, os_pid });
  const create = byPath['/create']!;
  assert.equal(create.headers['content-type'], 'application/json');
  assert.equal(Number(create.headers['content-length']), Buffer.byteLength(create.text));

  // `.` gets every legacy event (create, start, proc.web.start, spawn, proc.web.spawn), none of the canonical-only ones.
  const everything = await all.waitFor(5);
  assert.deepEqual(everything.map((r) => r.body.event).sort(), ['create', 'proc.web.spawn', 'proc.web.start', 'spawn', 'start']);
  await hooks.idle();
  assert.ok(!all.received.some((r) => isCanonicalOnly(r.body.event)));
});

test('a 500 is retried with backoff until the receiver accepts the event', async () => {
  const flaky = await startReceiver((n) => (n <= 2 ? 500 : 200));
  const { manager, hooks, logger } = await startHooks({ hooks: [['create', flaky.url]] });
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 0 });
  const attempts = await flaky.waitFor(3);
  assert.deepEqual(attempts.map((r) => r.body), Array(3).fill({ event: 'create', name: 'web' }), 'the same event each time');
  await hooks.idle();
  assert.equal(logger.lines.filter((l) => /^debug webhook POST .* for event 'create' failed \(HTTP 500\); retrying in (20|40) ms$/.test(l)).length, 2);
  assert.ok(!logger.lines.some((l) => l.startsWith('warn')), 'no failure once delivered');
});

test('a hanging receiver does not delay other URLs; it times out, is retried, then logged with URL and event', async () => {
  const hanging = await startReceiver(() => 'hang');
  const fine = await startReceiver();
  const { manager, hooks, logger } = await startHooks({
    timeoutMs: 300, retries: 1,
    hooks: [['create', `${hanging.url}/slow`], ['create', `${fine.url}/fast`], ['spawn', `${fine.url}/fast`]],
  });
  manager.load({ name: 'web', cmd: SLEEPER });
  await hanging.waitFor(1);
  await fine.waitFor(2);
  assert.ok(hanging.held.length === 1 && hanging.received.length === 1, 'the fast receiver got both events while the first POST to the slow one was still waiting');
  // The Manager never waits for a webhook: scale answers at once, and the new spawn reaches the
  // fast receiver although the slow one still holds the first POST (or its retry).
  assert.equal(manager.scale('web', parseScale('+1')), 2);
  await fine.waitFor(3);
  assert.equal(fine.received[2]!.body.event, 'spawn');
  await hanging.waitFor(2);
  await hooks.idle();
  assert.ok(logger.lines.includes(`warn webhook POST ${hanging.url}/slow for event 'create' failed (no answer within 300 ms) after 2 attempts; event dropped`),
    logger.lines.join('\n'));
});

test('connection refused and 4xx: 4xx is final, refused is retried; both logged', async () => {
  const gone = await startReceiver();
  const deadUrl = gone.url;
  const rejecting = await startReceiver(() => 404);
  const { manager, hooks, logger } = await startHooks({ retries: 2, hooks: [['create', `${deadUrl}/dead`], ['create', `${rejecting.url}/x`]] });
  await gone.close();
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 0 });
  await rejecting.waitFor(1);
  await hooks.idle();
  assert.equal(rejecting.received.length, 1, 'a 404 is not retried');
  assert.ok(logger.lines.includes(`warn webhook POST ${rejecting.url}/x for event 'create' failed (HTTP 404); event dropped`), logger.lines.join('\n'));
  assert.ok(logger.lines.includes(`warn webhook POST ${deadUrl}/dead for event 'create' failed (ECONNREFUSED) after 3 attempts; event dropped`), logger.lines.join('\n'));
});

test('the queue of one URL is bounded: the oldest events are dropped and it is logged', async () => {
  const hanging = await startReceiver(() => 'hang');
  const { manager, hooks, logger } = await startHooks({ queueLimit: 3, timeoutMs: 60_000, drainMs: 0, hooks: [['update', hanging.url]] });
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 0 });
  for (let i = 0; i < 10; i++) manager.scale('web', parseScale('=0'));
  await hanging.waitFor(1);
  await waitForEvents(manager);
  assert.equal(hooks.pending, 4, 'one in flight and three queued');
  assert.equal(logger.lines.filter((l) => l.includes('events are waiting; dropping the oldest')).length, 1, 'logged once');
  await hooks.stop();
  assert.equal(hooks.pending, 0);
  assert.match(logger.lines.join('\n'), /webhooks stopping: 4 event\(s\) not delivered/);
});

test('hooks at runtime: register/unregister, listening only while hooks exist, invalid URLs ignored, reload', async () => {
  const r = await startReceiver();
  const { manager, hooks, logger } = await startHooks({});
  const idle = [manager.events.listenerCount, legacyEventsOf(manager).listenerCount];
  assert.equal(hooks.registerHook('create', 'not a url'), false);
  assert.equal(hooks.registerHook('create', 'ftp://example.com/x'), false);
  assert.match(logger.lines.join('\n'), /webhook for 'create': invalid URL 'not a url'/);
  assert.deepEqual([manager.events.listenerCount, legacyEventsOf(manager).listenerCount], idle, 'no listener without hooks');
  assert.equal(hooks.registerHook('create', `${r.url}/a`), true);
  assert.deepEqual([manager.events.listenerCount, legacyEventsOf(manager).listenerCount], [idle[0]! + 1, idle[1]! + 1]);
  manager.load({ name: 'one', cmd: SLEEPER, numprocesses: 0 });
  await r.waitFor(1);
  assert.equal(hooks.unregisterHook('create', `${r.url}/a`), true);
  assert.equal(hooks.unregisterHook('create', `${r.url}/a`), false);
  assert.deepEqual([manager.events.listenerCount, legacyEventsOf(manager).listenerCount], idle);

  hooks.reload([{ event: 'create', url: `${r.url}/b` }, { event: 'delete', url: `${r.url}/c` }]);
  hooks.reload([{ event: 'delete', url: `${r.url}/c` }, { event: 'unload', url: `${r.url}/d` }]);
  assert.deepEqual(hooks.hooks, [{ event: 'delete', url: `${r.url}/c` }, { event: 'unload', url: `${r.url}/d` }]);
  manager.load({ name: 'two', cmd: SLEEPER, numprocesses: 0 });
  await manager.unload('two');
  await r.waitFor(3);
  await hooks.idle();
  assert.deepEqual(r.received.slice(1).map((x) => [x.path, x.body.event]).sort(), [['/c', 'delete'], ['/d', 'unload']]);
});

test('stop delivers what is queued (within drainMs) before closing', async () => {
  const r = await startReceiver();
  const manager = await startManager();
  const hooks = new Webhooks({ hooks: [['stop', r.url], ['exit', r.url]] });
  await manager.addApplication(hooks);
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER });
  await spawned;
  await manager.stop();
  assert.deepEqual(r.received.map((x) => x.body.event).sort(), ['exit', 'stop'], 'shutdown events were delivered');
});

// Let the event bus deliver what was published (delivery is on a later microtask).
async function waitForEvents(manager: Awaited<ReturnType<typeof startManager>>): Promise<void> {
  const marker = nextEvent(manager.events, 'marker');
  manager.events.publish('marker', {});
  await marker;
}

test('the port events (ready, unhealthy, max_memory, give_up, spawn_error) reach webhooks by name', async () => {
  const receiver = await startReceiver();
  const { manager } = await startHooks({ hooks: [{ event: 'ready', url: `${receiver.url}/ready` }, { event: 'spawn_error', url: `${receiver.url}/err` }] });
  for (const type of ['ready', 'unhealthy', 'max_memory', 'give_up', 'spawn_error']) assert.ok(isCanonicalOnly(type), type);
  manager.load({ name: 'svc', cmd: SLEEPER, ready: 'cmd:true' });
  manager.load({ name: 'ghost', cmd: '/no/such/binary', restart: 'never' });
  const [ready] = await receiver.waitFor(1, (r) => r.path === '/ready');
  assert.equal(ready!.body.event, 'ready');
  assert.equal(ready!.body.name, 'default.svc');
  const [failed] = await receiver.waitFor(1, (r) => r.path === '/err');
  assert.equal(failed!.body.errno, 'ENOENT');
});
