// Webhooks `start`, `update`, `stop` (and the other event types 0.5 also emitted) carry the full
// job name, as gaffer 0.5 sent them; the 0.4-only types keep the 0.4 name (issue 15).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { Webhooks } from '../../src/apps/webhooks.js';
import { nextEvent } from '../helpers/events.js';
import { startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';
import { parseScale } from '../../src/util/scale.js';

const SLEEPER = fixtureCmd('sleeper.js');

// A real HTTP receiver that records each POSTed JSON body under its path.
async function startReceiver(): Promise<{ url: string; bodies: Map<string, any[]>; waitFor(path: string, n: number): Promise<any[]> }> {
  const bodies = new Map<string, any[]>();
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { text += c; });
    req.on('end', () => {
      const list = bodies.get(req.url ?? '') ?? [];
      list.push(JSON.parse(text));
      bodies.set(req.url ?? '', list);
      res.writeHead(200).end();
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const waitFor = (path: string, n: number): Promise<any[]> => new Promise((resolve, reject) => {
    const check = (): void => {
      const list = bodies.get(path) ?? [];
      if (list.length < n) return;
      waiters.delete(check);
      clearTimeout(timer);
      resolve(list);
    };
    const timer = setTimeout(() => reject(new Error(`${path}: ${bodies.get(path)?.length ?? 0} of ${n} POSTs`)), 15000);
    waiters.add(check);
    check();
  });
  return { url, bodies, waitFor };
}

test('start, update, stop, spawn and exit hooks get "name": "default.dummy"; create and proc.<L>.* keep "dummy"', async () => {
  const r = await startReceiver();
  const manager = await startManager();
  const hooks = new Webhooks({
    hooks: ['start', 'update', 'stop', 'spawn', 'exit', 'create', 'proc.dummy.spawn', 'proc.app.web.spawn'].map((e) => [e, `${r.url}/${e}`] as const),
  });
  await manager.addApplication(hooks);
  after(() => hooks.stop());
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'dummy', cmd: SLEEPER });
  const { pid, os_pid } = await spawned;
  manager.scale('dummy', parseScale('+0'));
  await manager.stopJob('dummy');
  manager.load({ name: 'web', cmd: SLEEPER }, { sessionid: 'app' });

  assert.deepEqual(await r.waitFor('/start', 2), [{ event: 'start', name: 'default.dummy' }, { event: 'start', name: 'app.web' }]);
  assert.deepEqual(await r.waitFor('/update', 1), [{ event: 'update', name: 'default.dummy' }]);
  assert.deepEqual(await r.waitFor('/stop', 1), [{ event: 'stop', name: 'default.dummy' }]);
  const spawns = await r.waitFor('/spawn', 2);
  assert.deepEqual(spawns[0], { event: 'spawn', name: 'default.dummy', pid, os_pid, detached: false });
  assert.equal(spawns[1].name, 'app.web');
  const [exit] = await r.waitFor('/exit', 1);
  assert.deepEqual([exit.event, exit.name, exit.pid], ['exit', 'default.dummy', pid]);
  assert.deepEqual(await r.waitFor('/create', 2), [{ event: 'create', name: 'dummy' }, { event: 'create', name: 'app.web' }]);
  assert.equal((await r.waitFor('/proc.dummy.spawn', 1))[0].name, 'dummy');
  assert.equal((await r.waitFor('/proc.app.web.spawn', 1))[0].name, 'app.web');
});
