// The `./client` subpath export loads no server code: checked in a fresh node process that imports
// it by package name, with module hooks recording every ES module resolved and require.cache
// showing the CommonJS ones. The main entry, imported the same way, is the control.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { FIXTURES, ROOT } from '../helpers/paths.js';

const run = promisify(execFile);
let dir = '';

before(async () => { dir = await mkdtemp(join(tmpdir(), 'gaffer-entry-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

interface Loaded { exports: string[]; esm: string[]; commonjs: string[] }

async function load(entry: string): Promise<Loaded> {
  const log = join(dir, `${entry.replace(/\W+/g, '_')}.log`);
  const { stdout } = await run(process.execPath, [join(FIXTURES, 'modules', 'import-entry.mjs'), entry],
    { cwd: ROOT, env: { ...process.env, MODULE_LOG: log } });
  const result = JSON.parse(stdout) as { exports: string[]; commonjs: string[] };
  const esm = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
  return { ...result, esm };
}

// Our own compiled modules, as paths below dist/src/ (`client/gaffer-client.js`).
function ownModules(urls: string[]): string[] {
  const base = `${pathToFileURL(join(ROOT, 'dist', 'src')).href}/`;
  return urls.filter((u) => u.startsWith(base)).map((u) => u.slice(base.length));
}

const SERVER_PACKAGES = /node_modules\/(better-sqlite3|sockjs|ws|pidusage|ini|chalk|commander)\//;

test('gaffer-node/client loads the client, errors, protocol and util only, and no server package', async () => {
  const loaded = await load('gaffer-node/client');
  for (const name of ['GafferClient', 'UnreachableError', 'openPidChannel', 'watchEvents', 'GafferError', 'NotFoundError', 'VERSION']) {
    assert.ok(loaded.exports.includes(name), `./client exports ${name}`);
  }
  for (const name of ['Manager', 'Daemon', 'HttpServerApp', 'KeyStore', 'Job']) assert.ok(!loaded.exports.includes(name), `./client does not export ${name}`);
  const own = ownModules(loaded.esm);
  assert.ok(own.includes('client/index.js') && own.includes('client/gaffer-client.js'), own.join(', '));
  assert.deepEqual(own.filter((m) => !/^(client|protocol|util)\/|^errors\.js$|^error-codes\.js$/.test(m)), []);
  assert.deepEqual([...loaded.esm, ...loaded.commonjs].filter((m) => SERVER_PACKAGES.test(m)), []);
});

test('the main entry, imported the same way, does load the server (the check sees what it looks for)', async () => {
  const loaded = await load('gaffer-node');
  assert.ok(loaded.exports.includes('Manager') && loaded.exports.includes('GafferClient'));
  assert.ok(!loaded.exports.includes('Job') && !loaded.exports.some((n) => n.startsWith('LEGACY_')), 'Job and LEGACY_* are internal');
  const own = ownModules(loaded.esm);
  assert.ok(own.includes('core/manager.js') && own.includes('daemon/daemon.js'), own.join(', '));
  assert.ok([...loaded.esm, ...loaded.commonjs].some((m) => SERVER_PACKAGES.test(m)), 'server packages are loaded by the main entry');
});
