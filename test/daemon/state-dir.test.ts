// The state directory (issue 14): one per configuration file and, without a
// file, one per --bind address, so gafferds sharing a folder all start; a
// --state-dir flag; a refusal names the other gafferd and how to choose
// another directory.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { instanceName } from '../../src/daemon/state-dir.js';
import { startGafferd } from '../helpers/gafferd.js';
import { fixtureCmd } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

// No GAFFERD_STATE_DIR: the default rule is under test.
const NO_STATE_ENV = { GAFFERD_STATE_DIR: '' };

function sharedFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gafferd-folder-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('instance names: the config file name, else bind-<first address> made file-name safe', () => {
  assert.equal(instanceName('/srv/app/shop.ini', []), 'shop.ini');
  assert.equal(instanceName(undefined, [{ kind: 'tcp', host: '127.0.0.1', port: 5000 }]), 'bind-127.0.0.1_5000');
  assert.equal(instanceName(undefined, [{ kind: 'tcp', host: '::1', port: 5001 }]), 'bind-1_5001');
  assert.equal(instanceName(undefined, [{ kind: 'unix', path: '/run/g.sock' }]), 'bind-unix_run_g.sock');
});

test('two gafferds whose configuration files sit in one folder both start, each with its own state directory', async () => {
  const folder = sharedFolder();
  for (const name of ['a.ini', 'b.ini']) writeFileSync(join(folder, name), `[process:${name[0]}]\ncmd = ${fixtureCmd('sleeper.js')}\n`);
  const [a, b] = await Promise.all(['a.ini', 'b.ini'].map((name) => startGafferd({ args: ['-c', join(folder, name)], env: NO_STATE_ENV })));
  assert.ok(a!.port > 0 && b!.port > 0);
  for (const name of ['a.ini', 'b.ini']) {
    const record = join(folder, 'state', name, 'children.json');
    await waitForFile(record);
    const data = JSON.parse(readFileSync(record, 'utf8')) as { config: string; binds: string[] };
    assert.equal(data.config, join(folder, name));
    assert.equal(data.binds.length, 1);
  }
});

test('two gafferds without a configuration file on different --bind ports both start', async () => {
  const folder = sharedFolder();
  const [p1, p2] = [await freePort(), await freePort()];
  // A configuration directory without gafferd.ini: the defaults, state under <dir>/state/bind-<address>.
  await Promise.all([p1, p2].map((port) => startGafferd({ args: ['-c', folder, '--bind', `127.0.0.1:${port}`], env: NO_STATE_ENV })));
  for (const port of [p1, p2]) await waitForFile(join(folder, 'state', `bind-127.0.0.1_${port}`, 'children.json'));
});

test('the same configuration twice: the second is refused naming the first (pid, config, bind) and --state-dir; --state-dir lets it start', async () => {
  const folder = sharedFolder();
  const config = join(folder, 'shop.ini');
  writeFileSync(config, '[gaffer]\n');
  const first = await startGafferd({ args: ['-c', config], env: NO_STATE_ENV });
  await waitForFile(join(folder, 'state', 'shop.ini', 'children.json'));
  const second = await startGafferd({ args: ['-c', config], env: NO_STATE_ENV, waitForListen: false });
  assert.equal(await second.exited, 1);
  const refusal = second.logs.find((l) => l.startsWith('gafferd: another gafferd'));
  assert.equal(refusal, `gafferd: another gafferd (pid ${first.child.pid}, config ${config}, bind 127.0.0.1:${first.port}) is running with ` +
    `the state directory '${join(folder, 'state', 'shop.ini')}'; stop it first, or give this gafferd its own state directory with --state-dir DIR (or GAFFERD_STATE_DIR)`);
  const own = join(folder, 'other-state');
  const third = await startGafferd({ args: ['-c', config, '--state-dir', own], env: NO_STATE_ENV });
  assert.ok(third.port > 0);
  await waitForFile(join(own, 'children.json'));
});

// The record is written (debounced) just after start; wait for it by polling the file system.
async function waitForFile(path: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} was not written within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
