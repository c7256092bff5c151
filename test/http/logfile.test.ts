// `GET /jobs/<sid>/<name>/logfile`: the tail of a job's log file, stream
// selection, errors, follow (live output, {pid} files, end on unload),
// slow clients and permissions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Manager } from '../../src/core/manager.js';
import { tailStart } from '../../src/http/log-tail.js';
import { startAuthServer, statusOf, withKey } from '../auth/auth-server.js';
import { nextEvent } from '../helpers/events.js';
import { errorBody, openStream, request, startServer, waitUntil } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { fileHolds } from '../helpers/files.js';
import { parseScale } from '../../src/util/scale.js';

const ECHO = fixtureCmd('echo.js');
const QUIET = [process.execPath, '-e', 'setInterval(() => {}, 1 << 30)'];

const dir = mkdtempSync(join(tmpdir(), 'gaffer-logfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const file = (name: string): string => join(dir, `${++serial}-${name}`);
const lines = (from: number, to: number, prefix = 'old'): string => Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}\n`).join('');


/** Load an echo job (stdin → stdout, "ERR…" → stderr) in session `app`; resolves once it wrote "ready". */
async function loadEcho(manager: Manager, name: string, logs: Record<string, unknown>, readyIn: string): Promise<number> {
  const job = manager.load({ name, cmd: ECHO, redirect_input: true, ...logs }, { sessionid: 'app' });
  await fileHolds(readyIn, 'ready\n');
  return job.kept[0]!.pid;
}

test('the last lines of the stdout log file: default 10, lines=N, 0, more than the file, no final newline', async () => {
  const { manager, url } = await startServer();
  const out = file('out.log');
  writeFileSync(out, lines(1, 30));
  await loadEcho(manager, 'echo', { stdout_logfile: out }, out);
  const tail = await request(`${url}/jobs/app/echo/logfile`);
  assert.equal(tail.status, 200);
  assert.equal(tail.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(tail.text, `${lines(22, 30)}ready\n`);
  assert.equal((await request(`${url}/jobs/app/echo/logfile?lines=3`)).text, 'old 29\nold 30\nready\n');
  assert.equal((await request(`${url}/jobs/app/echo/logfile?lines=0`)).text, '');
  assert.equal((await request(`${url}/jobs/app/echo/logfile?lines=1000&stream=stdout&follow=false`)).text, `${lines(1, 30)}ready\n`);

  const partial = file('partial.log');
  writeFileSync(partial, 'a\nb\nc');
  manager.load({ name: 'quiet', cmd: QUIET[0]!, args: QUIET.slice(1), stdout_logfile: partial }, { sessionid: 'app' });
  assert.equal((await request(`${url}/jobs/app/quiet/logfile?lines=2`)).text, 'b\nc');
  // Configured but not written yet: an empty tail.
  manager.load({ name: 'unborn', cmd: QUIET[0]!, args: QUIET.slice(1), stdout_logfile: file('never-written.log') }, { sessionid: 'app' });
  const unborn = await request(`${url}/jobs/app/unborn/logfile`);
  assert.deepEqual([unborn.status, unborn.text], [200, '']);
});

test('the tail of a large file is found by reading backwards in blocks', async () => {
  const { manager, url } = await startServer();
  const big = file('big.log');
  // 300 000 lines, about 9 MB: many 64 KiB blocks.
  writeFileSync(big, lines(1, 300_000, 'line'));
  manager.load({ name: 'big', cmd: QUIET[0]!, args: QUIET.slice(1), stdout_logfile: big }, { sessionid: 'app' });
  assert.equal((await request(`${url}/jobs/app/big/logfile?lines=2`)).text, 'line 299999\nline 300000\n');
  const many = (await request(`${url}/jobs/app/big/logfile?lines=100000`)).text;
  assert.equal(many, lines(200_001, 300_000, 'line'));
});

test('tailStart: offsets of the last lines, final newline, empty lines, short files', async () => {
  const cases: Array<[string, number, number]> = [
    ['', 3, 0],
    ['abc', 1, 0],
    ['a\nb\n', 1, 2],
    ['a\nb\n', 2, 0],
    ['a\nb\n', 5, 0],
    ['a\nb', 1, 2],
    ['\n\n\n', 1, 2],
    ['\n\n\n', 3, 0],
    ['x\n', 0, 2],
  ];
  for (const [text, count, expected] of cases) {
    const path = file('case.log');
    writeFileSync(path, text);
    const handle = await open(path, 'r');
    try {
      assert.equal(await tailStart(handle, Buffer.byteLength(text), count), expected, `${JSON.stringify(text)} lines=${count}`);
    } finally {
      await handle.close();
    }
  }
});

test('stream=stderr: its own file, or the stdout file when only stdout_logfile is set (both streams)', async () => {
  const { manager, url } = await startServer();
  const [out, err] = [file('split.out'), file('split.err')];
  const split = await loadEcho(manager, 'split', { stdout_logfile: out, stderr_logfile: err }, out);
  await manager.send(split, 'ERR oops\nfine\n');
  await fileHolds(err, 'ERR oops\n');
  await fileHolds(out, 'fine\n');
  assert.equal((await request(`${url}/jobs/app/split/logfile?stream=stderr`)).text, 'ERR oops\n');
  assert.equal((await request(`${url}/jobs/app/split/logfile`)).text, 'ready\nfine\n');

  const both = file('both.log');
  const combined = await loadEcho(manager, 'combined', { stdout_logfile: both }, both);
  await manager.send(combined, 'ERR one\n');
  await fileHolds(both, 'ERR one\n');
  assert.equal((await request(`${url}/jobs/app/combined/logfile?stream=stderr`)).text, 'ready\nERR one\n');

  const onlyErr = file('only.err');
  manager.load({ name: 'onlyerr', cmd: ECHO, redirect_input: true, stderr_logfile: onlyErr }, { sessionid: 'app' });
  assert.deepEqual((await request(`${url}/jobs/app/onlyerr/logfile`)).json(), errorBody('no_logfile', 404));
  assert.equal((await request(`${url}/jobs/app/onlyerr/logfile?stream=stderr`)).status, 200);
});

test('errors: unknown job, no log file, bad stream, lines or follow', async () => {
  const { manager, url } = await startServer();
  manager.load({ name: 'plain', cmd: QUIET[0]!, args: QUIET.slice(1) }, { sessionid: 'app' });
  manager.load({ name: 'logged', cmd: QUIET[0]!, args: QUIET.slice(1), stdout_logfile: file('logged.log') }, { sessionid: 'app' });
  assert.deepEqual((await request(`${url}/jobs/app/nope/logfile`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/jobs/nope/logged/logfile`)).json(), errorBody('not_found', 404));
  const none = await request(`${url}/jobs/app/plain/logfile`);
  assert.deepEqual([none.status, none.json()], [404, errorBody('no_logfile', 404)]);
  for (const query of ['stream=both', 'lines=-1', 'lines=abc', 'lines=1.5', 'follow=maybe']) {
    const bad = await request(`${url}/jobs/app/logged/logfile?${query}`);
    assert.deepEqual([bad.status, bad.json()], [400, errorBody('bad_value', 400)], query);
  }
  assert.equal((await request(`${url}/jobs/app/logged/logfile`, { method: 'POST', body: '' })).status, 405);
});

test('follow: the tail, then every new line of the job (one-off processes too), without repeats; ends when the job is unloaded', async () => {
  const { manager, url } = await startServer();
  const out = file('follow.log');
  writeFileSync(out, lines(1, 5));
  const pid = await loadEcho(manager, 'talk', { stdout_logfile: out }, out);
  const feed = await openStream(`${url}/jobs/app/talk/logfile?lines=2&follow=true`);
  assert.equal(feed.status, 200);
  await feed.waitFor('old 5\nready\n');
  // stdout and stderr are separate pipes: one line at a time keeps their order.
  await manager.send(pid, 'new 1\n');
  await feed.waitFor('new 1\n');
  await manager.send(pid, 'ERR to stderr\n');
  await feed.waitFor('ERR to stderr\n');
  await manager.send(pid, 'new 2\n');
  await feed.waitFor('new 2\n');
  const oneOff = await manager.commit('talk', {}, 'app');
  await feed.waitFor((t) => t.split('ready\n').length === 3);
  await manager.send(oneOff, 'from the one-off\n');
  await feed.waitFor('from the one-off\n');
  const unloaded = nextEvent(manager.events, 'unload');
  await manager.unload('talk', 'app');
  await unloaded;
  // stderr goes to the same file (no stderr_logfile): it is followed too.
  assert.equal(await feed.ended, 'old 5\nready\nnew 1\nERR to stderr\nnew 2\nready\nfrom the one-off\n');
});

test('follow stream=stderr of a split job: only stderr', async () => {
  const { manager, url } = await startServer();
  const [out, err] = [file('f.out'), file('f.err')];
  const pid = await loadEcho(manager, 'split', { stdout_logfile: out, stderr_logfile: err }, out);
  const feed = await openStream(`${url}/jobs/app/split/logfile?stream=stderr&follow=1`);
  await manager.send(pid, 'not this\nERR this\n');
  assert.equal(await feed.waitFor('ERR this\n'), 'ERR this\n');
  feed.close();
});

test('{pid} files: the files of the current processes with a header each; follow announces each file it switches to', async () => {
  const { manager, url } = await startServer();
  const template = join(dir, 'per-{pid}.log');
  const job = manager.load({ name: 'per', cmd: ECHO, redirect_input: true, numprocesses: 2, stdout_logfile: template }, { sessionid: 'app' });
  const [a, b] = job.kept.map((p) => p.pid) as [number, number];
  const path = (pid: number): string => template.replace('{pid}', String(pid));
  await fileHolds(path(a), 'ready\n');
  await fileHolds(path(b), 'ready\n');
  assert.equal((await request(`${url}/jobs/app/per/logfile`)).text, `==> ${path(a)} <==\nready\n\n==> ${path(b)} <==\nready\n`);
  const feed = await openStream(`${url}/jobs/app/per/logfile?lines=0&follow=true`);
  await feed.waitFor(`==> ${path(b)} <==\n`);
  await manager.send(a, 'to a\n');
  await feed.waitFor('to a\n');
  const spawned = nextEvent(manager.events, 'job.app.per.spawn');
  manager.scale('per', parseScale(1), 'app');
  const c = (await spawned).pid as number;
  await feed.waitFor(`\n==> ${path(c)} <==\nready\n`);
  feed.close();
});

test('a follower that does not read is cut at the feed bound', async () => {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
  const { manager, url } = await startServer({ logger, limits: { feedBuffer: 64 * 1024 } });
  // Floods stdout until stopped (more than any socket buffer can hold), after one line on stdin so the client
  // subscribes first; the log file rotates at 1 MB so the disk holds little of it.
  const job = manager.load({
    name: 'flood', cmd: `read go; exec ${fixtureCmd('flood.js', 1e12)}`, shell: true, redirect_input: true, restart: 'never',
    stdout_logfile: file('flood.log'), logfile_maxbytes: 1024 * 1024, logfile_backups: 1,
  }, { sessionid: 'app' });
  const slow = await openStream(`${url}/jobs/app/flood/logfile?follow=true&lines=0`);
  slow.res.pause();
  await manager.send(job.kept[0]!.pid, 'go\n');
  // The client does not read, so it cannot see its connection end: the server's warning tells.
  await waitUntil(() => warnings.some((w) => w.includes('/jobs/app/flood/logfile') && w.includes('too slow')), 'the stalled client is cut', 30000);
  slow.close();
  await manager.unload('flood', 'app');
});

test('permission: read on the job (key of its session, or read *); other sessions are refused', async () => {
  const server = await startAuthServer();
  const log = file('auth.log');
  server.manager.load({ name: 'web', cmd: QUIET[0]!, args: QUIET.slice(1), stdout_logfile: log }, { sessionid: 'app' });
  const url = `${server.url}/jobs/app/web/logfile`;
  assert.equal(await statusOf(url), 401);
  assert.equal(await statusOf(url, { headers: withKey(server.key({ read: ['other'] })) }), 403);
  assert.equal(await statusOf(url, { headers: withKey(server.key({ read: ['app'] })) }), 200);
  assert.equal(await statusOf(url, { headers: withKey(server.key({ read: ['app.web'] })) }), 200);
  assert.equal(await statusOf(`${url}?follow=true`, { headers: withKey(server.key({ manage: ['app'] })) }), 200);
});
