// Plugin sites on the HTTP server: `/_plugin/<name>/...` static files, content
// types, index.html, redirects, sites added at run time, the built-in
// dashboard with the sockjs-client bundle, and refused path traversal.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { PluginHost } from '../../src/apps/plugins/plugin-host.js';
import { request, startServer } from '../helpers/http.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-sites-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

const SECRET = 'top secret: never served';
const SECRET_ENV = 'TOKEN=never served';
write('site/_site/index.html', '<h1>site index</h1>');
write('site/_site/css/app.css', 'body { color: red }');
write('site/_site/sub/index.html', '<p>sub index</p>');
write('site/_site/data.json', '{"a": 1}');
write('site/_site/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
write('site/_site/file with space.txt', 'spaced');
write('site/_site/.env', SECRET_ENV);
write('site/secret.txt', SECRET);
write('site/plugin/index.js', 'export const nothing = 1;');
symlinkSync(join(dir, 'site', 'secret.txt'), join(dir, 'site', '_site', 'escape.txt'));
symlinkSync(join(dir, 'site'), join(dir, 'site', '_site', 'parent'));
write('bare/index.html', '<p>bare site</p>');
write('bare/page.js', 'console.log(1)');
write('package.json', '{"type": "module"}');

async function startSites() {
  const server = await startServer();
  const host = new PluginHost({ dir, host: server.app });
  await server.manager.addApplication(host);
  return server;
}

test('files, content types, index.html for directories, redirects to the directory URL, HEAD, 304', async () => {
  const { url } = await startSites();
  const index = await request(`${url}/_plugin/site/`);
  assert.deepEqual([index.status, index.headers['content-type'], index.text], [200, 'text/html; charset=utf-8', '<h1>site index</h1>']);
  const cases: Array<[string, string, string]> = [
    ['/_plugin/site/css/app.css', 'text/css; charset=utf-8', 'body { color: red }'],
    ['/_plugin/site/data.json', 'application/json', '{"a": 1}'],
    ['/_plugin/site/sub/', 'text/html; charset=utf-8', '<p>sub index</p>'],
    ['/_plugin/site/file%20with%20space.txt', 'text/plain; charset=utf-8', 'spaced'],
    ['/_plugin/site/logo.png', 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('utf8')],
  ];
  for (const [path, type, body] of cases) {
    const res = await request(`${url}${path}`);
    assert.deepEqual([res.status, res.headers['content-type'], res.text], [200, type, body], path);
  }
  for (const [path, location] of [['/_plugin/site', '/_plugin/site/'], ['/_plugin/site/sub?x=1', '/_plugin/site/sub/?x=1']]) {
    const res = await request(`${url}${path!}`);
    assert.deepEqual([res.status, res.headers.location], [301, location], path);
  }
  const head = await request(`${url}/_plugin/site/css/app.css`, { method: 'HEAD' });
  assert.deepEqual([head.status, head.headers['content-length'], head.text], [200, '19', '']);
  const cached = await request(`${url}/_plugin/site/css/app.css`, { headers: { 'If-Modified-Since': head.headers['last-modified']! } });
  assert.equal(cached.status, 304);
  assert.equal((await request(`${url}/_plugin/site/data.json`, { method: 'POST', body: {} })).status, 405);
});

test('404: unknown site, missing file, dot files, the bare prefix; a site-only folder is served in place', async () => {
  const { url } = await startSites();
  for (const path of ['/_plugin/nope/', '/_plugin/site/missing.html', '/_plugin/', '/_plugin', '/_plugin/site/plugin/index.js', '/_plugin/site/.env', '/_plugin/site/%2eenv']) {
    const res = await request(`${url}${path}`);
    assert.deepEqual([res.status, res.json()], [404, { error: 'not_found', errno: 404, reason: 'not_found' }], path);
  }
  assert.equal((await request(`${url}/_plugin/bare/`)).text, '<p>bare site</p>');
  assert.equal((await request(`${url}/_plugin/bare/page.js`)).headers['content-type'], 'text/javascript; charset=utf-8');
});

test('path traversal out of the site directory is refused (encoded dots and slashes, backslashes, NUL, symlinks)', async () => {
  const { url } = await startSites();
  const attempts = [
    '/_plugin/site/..%2fsecret.txt',
    '/_plugin/site/..%2Fsecret.txt',
    '/_plugin/site/%2e%2e%2fsecret.txt',
    '/_plugin/site/%2E%2E%2Fsecret.txt',
    '/_plugin/site/sub/..%2f..%2fsecret.txt',
    '/_plugin/site/..%5csecret.txt',
    '/_plugin/site/%2e%2e/secret.txt',
    '/_plugin/site/../secret.txt',
    '/_plugin/site/%00secret.txt',
    '/_plugin/site/%E0%A4%A',
    '/_plugin/..%2fsite/secret.txt',
    '/_plugin/%2e%2e/site/secret.txt',
    '/_plugin/site/escape.txt',
    '/_plugin/site/parent/secret.txt',
    '/_plugin/site/%252e%252e%252fsecret.txt',
  ];
  for (const path of attempts) {
    const res = await request(`${url}${path}`);
    assert.equal(res.status, 404, `${path} -> ${res.status}`);
    assert.ok(!res.text.includes(SECRET), path);
  }
});

test('sites are looked up at request time: a site added while running is served', async () => {
  const { url } = await startSites();
  assert.equal((await request(`${url}/_plugin/late/`)).status, 404);
  write('late/_site/index.html', 'late site');
  assert.equal((await request(`${url}/_plugin/late/`)).text, 'late site');
});

test('the built-in dashboard and the sockjs-client bundle from node_modules; a plugin folder of the same name wins', async () => {
  const server = await startServer();
  const host = new PluginHost({ dir: join(dir, 'no-such-dir'), host: server.app });
  await server.manager.addApplication(host);
  const page = await request(`${server.url}/_plugin/dashboard/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<title>gaffer dashboard<\/title>/);
  const main = await request(`${server.url}/_plugin/dashboard/js/main.js`);
  assert.equal(main.headers['content-type'], 'text/javascript; charset=utf-8');
  const bundle = await request(`${server.url}/_plugin/dashboard/vendor/sockjs.min.js`);
  const installed = createRequire(import.meta.url).resolve('sockjs-client/dist/sockjs.min.js');
  assert.deepEqual([bundle.status, bundle.headers['content-type'], Number(bundle.headers['content-length'])],
    [200, 'text/javascript; charset=utf-8', statSync(installed).size]);
  assert.equal(bundle.text, readFileSync(installed, 'utf8'));

  write('dashboard/_site/index.html', 'my own dashboard');
  const own = await startServer();
  await own.manager.addApplication(new PluginHost({ dir, host: own.app }));
  assert.equal((await request(`${own.url}/_plugin/dashboard/`)).text, 'my own dashboard');
  rmSync(join(dir, 'dashboard'), { recursive: true });
});
