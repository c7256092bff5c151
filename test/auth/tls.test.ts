// gafferd as a real process over TLS, with certificates made at test time:
// an HTTPS and a WSS round trip trusting only the test CA.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { startGafferd } from '../helpers/gafferd.js';
import { fixtureCmd } from '../helpers/paths.js';
import { createTestCa, type TestCa } from '../helpers/test-ca.js';

const ECHO = fixtureCmd('echo.js');

function httpsGet(url: string, options: RequestOptions = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, ...options }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Open a wss:// socket trusting `ca`, send `data`; resolve with what came back once it includes `data`.
function wssEcho(url: string, ca: Buffer, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ca });
    let received = '';
    ws.once('open', () => ws.send(data));
    ws.on('message', (message: Buffer) => {
      received += message.toString('utf8');
      if (!received.includes(data)) return;
      resolve(received);
      ws.close();
    });
    ws.once('error', reject);
  });
}

async function startTlsGafferd(ca: TestCa, extraConfig = ''): Promise<{ base: string; port: number }> {
  const gafferd = await startGafferd({
    config: `${extraConfig}[process:echo]\ncmd = ${ECHO}\nredirect_input = true\nredirect_output = out\n`,
    args: ['--certfile', ca.serverCert, '--keyfile', ca.serverKey],
  });
  return { base: `https://127.0.0.1:${gafferd.port}`, port: gafferd.port };
}

test('HTTPS and WSS round trips with gafferd --certfile/--keyfile and a test CA', async () => {
  const ca = createTestCa();
  const caPem = readFileSync(ca.caCert);
  const { base, port } = await startTlsGafferd(ca);

  assert.deepEqual(await httpsGet(`${base}/ping`, { ca: caPem }), { status: 200, text: 'OK' });
  assert.deepEqual(JSON.parse((await httpsGet(`${base}/jobs`, { ca: caPem })).text), { jobs: ['default.echo'] });
  const localhost = await httpsGet(`https://localhost:${port}/version`, { ca: caPem });
  assert.equal(localhost.status, 200, 'the certificate names localhost too');
  await assert.rejects(httpsGet(`${base}/ping`), /self[- ]signed|unable to (get|verify)/i, 'without the test CA the certificate is not trusted');

  const { pids } = JSON.parse((await httpsGet(`${base}/jobs/default/echo/pids`, { ca: caPem })).text) as { pids: number[] };
  // The echo program may print "ready" before or after the socket opens: only the echo matters.
  const received = await wssEcho(`wss://127.0.0.1:${port}/wstreams/${pids[0]}`, caPem, 'ECHO\n');
  assert.match(received, /^(ready\n)?ECHO\n$/);
});

test('[ssl] ca_certs + cert_reqs = required: only clients with a certificate of the CA get in', async () => {
  const ca = createTestCa();
  const caPem = readFileSync(ca.caCert);
  const { base } = await startTlsGafferd(ca, `[ssl]\nca_certs = ${ca.caCert}\ncert_reqs = required\n\n`);
  await assert.rejects(httpsGet(`${base}/ping`, { ca: caPem }), 'a client without a certificate is refused');
  const withCert = await httpsGet(`${base}/ping`, { ca: caPem, cert: readFileSync(ca.clientCert), key: readFileSync(ca.clientKey) });
  assert.deepEqual(withCert, { status: 200, text: 'OK' });
});
