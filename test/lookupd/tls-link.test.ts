// The gafferd -> lookupd link over TLS with client certificates: a lookupd that requires
// certificates of its CA registers a gafferd that presents one, and refuses one that does not.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { startGafferd } from '../helpers/gafferd.js';
import { ROOT } from '../helpers/paths.js';
import { createTestCa } from '../helpers/test-ca.js';

const children: ChildProcess[] = [];
after(() => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });

test('gafferd registers with a lookupd that requires client certificates (--cacert, --client-certfile, --client-keyfile)', async () => {
  const ca = createTestCa();
  const lookupd = spawn(process.execPath, [join(ROOT, 'bin', 'gaffer_lookupd.js'), '--bind', '127.0.0.1:0',
    '--certfile', ca.serverCert, '--keyfile', ca.serverKey, '--cacert', ca.caCert], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(lookupd);
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: lookupd.stderr! }).on('line', (line) => {
      const m = /listening on (https:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    lookupd.once('exit', (code) => reject(new Error(`gaffer_lookupd exited (${code})`)));
  });
  const tls = { ca: readFileSync(ca.caCert), cert: readFileSync(ca.clientCert), key: readFileSync(ca.clientKey) };
  const nodes = (): Promise<Array<{ origin: string }>> => new Promise((resolve, reject) => {
    get(`${url}/nodes`, tls, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(JSON.parse(body).nodes));
    }).on('error', reject);
  });

  const withCert = await startGafferd({
    args: ['--lookupd-address', url, '--broadcast-address', 'http://with-cert.test:5000',
      '--cacert', ca.caCert, '--client-certfile', ca.clientCert, '--client-keyfile', ca.clientKey],
  });
  const without = await startGafferd({
    args: ['--lookupd-address', url, '--broadcast-address', 'http://without-cert.test:5000', '--cacert', ca.caCert],
  });
  let origins: string[] = [];
  for (let i = 0; i < 400 && !origins.includes('http://with-cert.test:5000'); i++) {
    origins = (await nodes()).map((n) => n.origin);
    if (!origins.includes('http://with-cert.test:5000')) await new Promise((r) => setTimeout(r, 25));
  }
  assert.deepEqual(origins, ['http://with-cert.test:5000'], 'only the node with a client certificate is registered');
  // The refused node says why, naming the lookupd.
  await without.waitForLog(new RegExp(`lookupd wss://127\\.0\\.0\\.1:${new URL(url).port}/ws is unreachable or went away \\(.*certificate required`));
  assert.ok(withCert.logs.every((l) => !/ERROR/.test(l)), withCert.logs.join('\n'));
});
