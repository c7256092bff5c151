// Request bodies against a real gafferd: deeply nested JSON is a 400 naming the
// problem (no 500, no stack in the log); a 100 MB body gets its 413 answer
// before the connection closes; the seed's `curl -d` examples still work.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startGafferd } from '../helpers/gafferd.js';
import { errorBody, openStream, request } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';

const MB = 1024 * 1024;
const gafferd = await startGafferd();

function deep(levels: number): string {
  return `{"name":"deep","cmd":"true","x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--max-time', '30', ...args], (err, stdout, stderr) => (err ? reject(new Error(`curl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

interface BigUpload {
  status: number;
  text: string;
  /** Bytes written before the response arrived (or in all). */
  written: number;
}

// POST `total` bytes of filler while reading the answer as it comes (curl's behaviour), and stop
// sending once it is complete.
function uploadReadingEarly(path: string, total: number, chunked = false): Promise<BigUpload> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(MB, 0x20);
    let written = 0;
    let answered = false;
    const req = httpRequest(`${gafferd.url}${path}`, {
      method: 'POST', agent: false,
      headers: chunked ? { 'Content-Type': 'application/json' } : { 'Content-Type': 'application/json', 'Content-Length': String(total) },
    }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), written });
        req.destroy();
      });
    });
    req.on('error', (err) => { if (!answered) reject(err); });
    const pump = (): void => {
      while (written < total && !answered) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

// Send the request head and all `total` bytes first, and only then look at the answer (Python's
// http.client does this): the server must neither close nor reset the connection under the upload.
function uploadThenRead(path: string, total: number): Promise<BigUpload> {
  return new Promise((resolve, reject) => {
    const socket = connect(gafferd.port, '127.0.0.1');
    const received: Buffer[] = [];
    let written = 0;
    socket.on('data', (c: Buffer) => received.push(c));
    socket.on('error', (err) => reject(new Error(`the connection failed after ${written} bytes: ${err.message}`)));
    const chunk = Buffer.alloc(MB, 0x20);
    const pump = (): void => {
      while (written < total) {
        written += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    // Once the whole body is in, the server ends the connection cleanly (a FIN, not a reset).
    socket.once('end', () => {
      const answer = Buffer.concat(received).toString('latin1');
      const split = answer.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? 0);
      resolve({ status, text: split === -1 ? '' : answer.slice(split + 4), written });
      socket.destroy();
    });
    socket.once('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${gafferd.port}\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`);
      pump();
    });
  });
}

test('JSON nested 5 000 deep is a 400 json_too_deep on every JSON route; nothing is logged as an internal error', async () => {
  const body = deep(5000);
  const ok = await request(`${gafferd.url}/jobs/default`, { body: deep(60).replace('"cmd":"true"', '"cmd":"true","start":false') });
  assert.equal(ok.status, 200, '60 levels are fine');
  const routes = [['POST', '/jobs/default'], ['POST', '/processes'], ['PUT', '/processes/deep'], ['PUT', '/jobs/default/deep'], ['POST', '/jobs/default/deep/signal']];
  for (const [method, path] of routes) {
    const res = await request(`${gafferd.url}${path}`, { method, body, headers: { 'Content-Type': 'application/json' } });
    assert.deepEqual([res.status, res.json()], [400, errorBody('json_too_deep', 400)], `${method} ${path}`);
  }
  assert.equal((await request(`${gafferd.url}/jobs`)).status, 200, 'the daemon still serves');
  assert.deepEqual(gafferd.logs.filter((l) => /internal error|^\s+at /.test(l)), []);
});

test('a 100 MB body gets its 413 answer, whether the client reads while sending or only at the end', async () => {
  const early = await uploadReadingEarly('/jobs/default', 100 * MB);
  assert.deepEqual([early.status, JSON.parse(early.text)], [413, errorBody('body_too_large', 413)]);
  assert.ok(early.written < 100 * MB, `answered before the whole body was sent (${early.written} bytes written)`);
  const chunked = await uploadReadingEarly('/jobs/default', 100 * MB, true);
  assert.deepEqual([chunked.status, JSON.parse(chunked.text)], [413, errorBody('body_too_large', 413)]);
  const late = await uploadThenRead('/processes', 100 * MB);
  assert.deepEqual([late.status, late.written, JSON.parse(late.text)], [413, 100 * MB, errorBody('body_too_large', 413)]);
  assert.equal((await request(`${gafferd.url}/ping`)).text, 'OK');
});

test("the seed's curl -d examples (form-urlencoded, no Origin) still work", async () => {
  const config = JSON.stringify({ name: 'curlecho', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['stdout'] });
  assert.deepEqual(JSON.parse(await curl(['-d', config, `${gafferd.url}/processes`])), { ok: true });
  const v05 = JSON.stringify({ name: 'curl05', cmd: fixtureCmd('sleeper.js'), start: false });
  assert.deepEqual(JSON.parse(await curl(['-d', v05, `${gafferd.url}/jobs/default`])), { ok: true });
  const { pids } = JSON.parse(await curl([`${gafferd.url}/jobs/default/curlecho/pids`])) as { pids: number[] };
  const pid = pids[0]!;
  const stdout = await openStream(`${gafferd.url}/streams/${pid}/stdout?feed=continuous`);
  assert.deepEqual(JSON.parse(await curl(['-XPOST', '-d', 'ECHO\n', `${gafferd.url}/streams/${pid}/stdin`])), { ok: true });
  assert.match(await stdout.waitFor('ECHO'), /ECHO/);
  stdout.close();
  assert.deepEqual(JSON.parse(await curl(['-XPOST', '-d', '{"scale": 1}', `${gafferd.url}/jobs/default/curlecho/numprocesses`])), { numprocesses: 2 });
});
