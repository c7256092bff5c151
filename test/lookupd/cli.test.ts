// The built `bin/gaffer_lookupd.js` as a real process: startup checks,
// serving on a free port (plain and TLS), SIGTERM -> exit 0.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { getLookupd, lookupNodes } from '../../src/client/lookup-client.js';
import { ROOT } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { ProtocolClient } from './helpers.js';

const BIN = join(ROOT, 'bin', 'gaffer_lookupd.js');
const children: ChildProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Spawn the lookupd and resolve once it logged that it listens. */
function startBin(args: string[]): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      if (err.includes('listening on')) resolve({ child, stderr: () => err });
    });
    child.once('exit', (code) => reject(new Error(`gaffer_lookupd exited with ${code} before listening:\n${err}`)));
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

test('--version, --help and startup errors', () => {
  const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0);
  assert.equal(version.stdout.trim(), '0.5.2');
  const help = spawnSync(process.execPath, [BIN, '-h'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  for (const flag of ['--bind', '--backlog', '--certfile', '--keyfile', '--cacert', '--pidfile', '--daemon']) assert.match(help.stdout, new RegExp(flag));
  const backlog = spawnSync(process.execPath, [BIN, '--backlog', 'many'], { encoding: 'utf8' });
  assert.equal(backlog.status, 1);
  assert.match(backlog.stderr, /backlog/);
  const noCert = spawnSync(process.execPath, [BIN, '--keyfile', '/tmp/key.pem'], { encoding: 'utf8' });
  assert.equal(noCert.status, 1);
  assert.match(noCert.stderr, /missing key "certfile" in ssl_options/);
  const missing = spawnSync(process.execPath, [BIN, '--certfile', '/nonexistent/cert.pem', '--keyfile', '/nonexistent/key.pem'], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /certfile "\/nonexistent\/cert.pem" does not exist/);
});

test('serves the directory on the bound port and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const { child } = await startBin(['--bind', `127.0.0.1:${port}`]);
  const url = `http://127.0.0.1:${port}`;
  assert.deepEqual(await getLookupd(url, '/'), { welcome: 'gaffer-lookupd', version: '0.5.2' });
  const node = await ProtocolClient.connect(url);
  await node.identify('bin-node');
  await node.send('REGISTER_JOB', { job_name: 'x.y' });
  assert.deepEqual((await lookupNodes([url])).result.nodes.map((n) => n.name), ['bin-node']);
  assert.equal((await getLookupd<{ sources: unknown[] }>(url, '/findJob?name=x.y')).sources.length, 1);
  const exited = exitOf(child);
  const closed = new Promise<void>((resolve) => node.ws.once('close', () => resolve()));
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null });
  await closed;
});

test('serves HTTPS and WSS with --certfile/--keyfile', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookupd-tls-'));
  dirs.push(dir);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (made.error || made.status !== 0) {
    t.skip('openssl is not available to make a test certificate');
    return;
  }
  const port = await freePort();
  const { child } = await startBin(['--bind', `127.0.0.1:${port}`, '--certfile', cert, '--keyfile', key]);
  const url = `https://127.0.0.1:${port}`;
  const ca = readFileSync(cert);
  assert.deepEqual(await getLookupd(url, '/version', { tls: { ca } }), { version: '0.5.2' });
  await assert.rejects(getLookupd(url, '/version'), /self.signed|certificate/i);
  const node = await ProtocolClient.connect(url, { ca });
  assert.deepEqual(await node.identify('tls-node'), { ok: true, msgid: 'm1' });
  assert.deepEqual((await lookupNodes([url], { tls: { ca } })).result.nodes.map((n) => n.name), ['tls-node']);
  const exited = exitOf(child);
  child.kill('SIGINT');
  assert.deepEqual(await exited, { code: 0, signal: null });
});

/** Retry `probe` every 50 ms until it returns a value (bounded: 100 tries). */
async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('--pidfile holds the pid while running and is removed on exit; --daemon detaches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookupd-pid-'));
  dirs.push(dir);
  const pidfile = join(dir, 'lookupd.pid');
  const port = await freePort();
  const { child } = await startBin(['--bind', `127.0.0.1:${port}`, '--pidfile', pidfile]);
  assert.equal(readFileSync(pidfile, 'utf8').trim(), String(child.pid));
  const again = spawnSync(process.execPath, [BIN, '--bind', `127.0.0.1:${port}`, '--pidfile', pidfile], { encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /names a running process/);
  const exited = exitOf(child);
  child.kill('SIGTERM');
  assert.equal((await exited).code, 0);
  assert.equal(existsSync(pidfile), false);

  // --daemon: the command returns at once; the detached server writes the pid file and serves.
  const daemonPort = await freePort();
  const launched = spawnSync(process.execPath, [BIN, '--daemon', '--bind', `127.0.0.1:${daemonPort}`, '--pidfile', pidfile], { encoding: 'utf8' });
  assert.equal(launched.status, 0, launched.stderr);
  const daemonPid = await eventually('the daemon pid file', () => {
    const text = existsSync(pidfile) ? readFileSync(pidfile, 'utf8').trim() : '';
    return text ? Number(text) : undefined;
  });
  try {
    const welcome = await eventually('the daemon to answer', () => getLookupd(`http://127.0.0.1:${daemonPort}`, '/').catch(() => undefined));
    assert.deepEqual(welcome, { welcome: 'gaffer-lookupd', version: '0.5.2' });
  } finally {
    process.kill(daemonPid, 'SIGTERM');
  }
  await eventually('the daemon to remove its pid file', () => (existsSync(pidfile) ? undefined : true));
});
