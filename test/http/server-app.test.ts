// HttpServerApp as an Application: listeners (TCP, unix socket, TLS), stop/restart,
// the authorize hook and the extension points (mount, addUpgradeHandler).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { Manager } from '../../src/core/manager.js';
import { UnauthorizedError } from '../../src/errors.js';
import { HttpServerApp } from '../../src/http/server-app.js';
import type { Permission } from '../../src/http/permissions.js';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent } from '../helpers/events.js';
import { connectWs, errorBody, openStream, request, startServer } from '../helpers/http.js';

const SLEEPER = fixtureCmd('sleeper.js');
const dir = mkdtempSync(join(tmpdir(), 'gaffer-http-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Start an app on the given listeners over a fresh Manager; both stopped after the test.
async function startApp(listeners: ConstructorParameters<typeof HttpServerApp>[0]['listeners']): Promise<{ manager: Manager; app: HttpServerApp }> {
  const manager = new Manager();
  const app = new HttpServerApp({ listeners });
  await manager.start();
  after(() => Promise.allSettled([manager.stop(), app.stop()]));
  await app.start(manager);
  return { manager, app };
}

test('unix socket listener: a stale socket file is replaced; a live one or a regular file is refused', async () => {
  const path = join(dir, 'stale.sock');
  // A process that binds the socket and dies without cleaning up leaves a stale file.
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.ok(existsSync(path), 'the stale socket file exists');
  const { app } = await startApp([{ address: { kind: 'unix', path } }, { address: { kind: 'tcp', host: '127.0.0.1', port: 0 } }]);
  assert.deepEqual(app.addresses()[0], { kind: 'unix', path });
  assert.equal(app.addresses()[1]?.kind, 'tcp');
  const reply = await request('http://localhost/version', { socketPath: path });
  assert.deepEqual(reply.json(), { name: 'gaffer', version: '0.5.2' });

  const second = new HttpServerApp({ listeners: [{ address: { kind: 'unix', path } }] });
  await assert.rejects(second.start(new Manager()), { reason: 'listen_failed', message: /EADDRINUSE|in use/ });
  const file = join(dir, 'not-a-socket');
  writeFileSync(file, 'data');
  const third = new HttpServerApp({ listeners: [{ address: { kind: 'unix', path: file } }] });
  await assert.rejects(third.start(new Manager()), { reason: 'listen_failed', message: /not a socket/ });
  assert.equal(readFileSync(file, 'utf8'), 'data', 'a regular file is never removed');
  await app.stop();
  assert.ok(!existsSync(path), 'the socket file is removed at stop');
});

test('a listener that cannot bind fails start and releases the others', async () => {
  const { app: busy } = await startApp([{ address: { kind: 'tcp', host: '127.0.0.1', port: 0 } }]);
  const taken = busy.addresses()[0]!;
  const app = new HttpServerApp({ listeners: [{ address: { kind: 'tcp', host: '127.0.0.1', port: 0 } }, { address: taken }] });
  await assert.rejects(app.start(new Manager()), { reason: 'listen_failed', message: /127\.0\.0\.1:\d+: .*another process is listening/ });
  assert.deepEqual(app.addresses(), []);
});

test('TLS listener (node:https) when cert and key are given', async (t) => {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not available to make a test certificate');
    return;
  }
  const cert = readFileSync(certPath);
  const { app } = await startApp([{ address: { kind: 'tcp', host: '127.0.0.1', port: 0 }, tls: { cert, key: readFileSync(keyPath) } }]);
  const port = (app.addresses()[0] as { port: number }).port;
  const body = await new Promise<string>((resolve, reject) => {
    httpsGet({ host: '127.0.0.1', port, path: '/', ca: cert, servername: 'localhost', agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.deepEqual(JSON.parse(body), { welcome: 'gaffer', version: '0.5.2' });
});

test('stop ends open feeds and websockets, is idempotent; restart binds again', async () => {
  const { manager, app, url, wsUrl } = await startServer();
  const feed = await openStream(`${url}/watch?feed=continuous`);
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'echo', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['out'] });
  const { pid } = await spawned;
  const ws = await connectWs(`${wsUrl}/wstreams/${pid}`);
  const first = app.stop();
  assert.equal(app.stop(), first, 'stop is memoised');
  await first;
  await feed.ended;
  assert.ok(feed.res.complete, 'the feed was ended cleanly');
  assert.equal((await ws.closed).code, 1001);
  await assert.rejects(request(`${url}/ping`), /ECONNREFUSED/);

  await app.restart();
  const again = app.addresses()[0] as { port: number };
  assert.equal((await request(`http://127.0.0.1:${again.port}/ping`)).text, 'OK');
  assert.deepEqual((await request(`http://127.0.0.1:${again.port}/processes`)).json(), ['echo'], 'same Manager after a restart');
});

test('authorize hook: called with the permission names and targets of the spec; false → 403, thrown errors kept', async () => {
  const calls: Array<[Permission, string | undefined]> = [];
  const { manager, url } = await startServer({
    authorize: (req, permission, target) => {
      calls.push([permission, target]);
      if (req.headers['x-api-key'] === undefined) throw new UnauthorizedError('unauthorized', 'an API key is required');
      return target !== 'default.protected';
    },
  });
  const key = { 'X-Api-Key': 'k' };
  const spawned = nextEvent(manager.events, 'spawn');
  manager.load({ name: 'web', cmd: SLEEPER });
  manager.load({ name: 'protected', cmd: SLEEPER, start: false });
  await spawned;
  const expectations: Array<[string, string, unknown, [Permission, string | undefined]]> = [
    ['GET', '/processes', undefined, ['manage-all', undefined]],
    ['GET', '/processes/web', undefined, ['read', 'default.web']],
    ['POST', '/processes', { name: 'app.x', cmd: SLEEPER, start: false }, ['manage', 'app']],
    ['POST', '/processes/web/_add', undefined, ['manage', 'default.web']],
    ['GET', '/1', undefined, ['read', 'default.web']],
    ['POST', '/streams/1/stdin', 'x', ['write', 'default.web']],
    ['GET', '/groups/app', undefined, ['manage', 'app']],
    ['GET', '/jobs/app', undefined, ['manage', 'app']],
    ['DELETE', '/jobs/app/x', undefined, ['manage', 'app.x']],
    ['POST', '/jobs/default/web/commit', {}, ['manage', 'default']],
    ['GET', '/pids', undefined, ['manage-all', undefined]],
  ];
  for (const [method, path, body, expected] of expectations) {
    calls.length = 0;
    await request(`${url}${path}`, { method, body, headers: key });
    assert.deepEqual(calls, [expected], `${method} ${path}`);
  }
  calls.length = 0;
  for (const path of ['/', '/ping', '/version']) assert.equal((await request(`${url}${path}`)).status, 200);
  assert.equal((await request(`${url}/processes`, { method: 'OPTIONS' })).status, 204);
  assert.deepEqual(calls, [], 'common routes and OPTIONS never consult the hook');

  const refused = await request(`${url}/processes/protected`, { method: 'DELETE', headers: key });
  assert.deepEqual([refused.status, refused.json()], [403, errorBody('forbidden', 403)]);
  assert.ok(manager.hasJob('protected'), 'a refused request is not executed');
  const anonymous = await request(`${url}/processes`);
  assert.deepEqual([anonymous.status, anonymous.json()], [401, errorBody('unauthorized', 401)]);
});

test('extension points: mounted prefixes and raw upgrade handlers run before the routes', async () => {
  const { app, url, wsUrl } = await startServer();
  app.mount('/_plugin', (req, res, u) => {
    if (u.pathname === '/_plugin/broken/') throw new Error('plugin bug');
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`site ${u.pathname}`);
  });
  const sockjs = new WebSocketServer({ noServer: true });
  after(() => sockjs.close());
  app.addUpgradeHandler((pathname) => pathname.startsWith('/channel'), (req, socket, head) => {
    sockjs.handleUpgrade(req, socket, head, (ws) => ws.send('o'));
  });
  const site = await request(`${url}/_plugin/dummy/index.html`, { headers: { Origin: url } });
  assert.deepEqual([site.status, site.text, site.headers['access-control-allow-origin']], [200, 'site /_plugin/dummy/index.html', undefined]);
  const foreign = await request(`${url}/_plugin/dummy/index.html`, { headers: { Origin: 'http://x' } });
  assert.deepEqual([foreign.status, foreign.json()], [403, errorBody('origin_not_allowed', 403)], 'mounted sites are checked too');
  const broken = await request(`${url}/_plugin/broken/`);
  assert.deepEqual([broken.status, broken.json()], [500, errorBody('internal_error', 500)]);
  assert.deepEqual((await request(`${url}/_pluginx`)).json(), errorBody('resource_not_found', 404), 'prefixes match whole segments');
  const channel = await connectWs(`${wsUrl}/channel/websocket`);
  assert.equal((await channel.next()).toString(), 'o');
  channel.ws.close();
});
