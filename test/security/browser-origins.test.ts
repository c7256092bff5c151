// A real browser attack: headless Chromium on a page of ANOTHER origin (a small
// node:http server) tries to create jobs with fetch (JSON and text/plain, cors
// and no-cors) and to write to a process's stdin over a WebSocket to a real
// gafferd. Both are refused and nothing is created or written; the same page
// served from an origin given to `--allow-origin` works.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../browser/browser-helpers.js';
import { startGafferd } from '../helpers/gafferd.js';
import { openStream, request } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';

// A page server: any path answers a blank HTML page of its origin.
async function startPageServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>page</title><p>page</p>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

interface AttackResult {
  json: string;
  text: string;
  noCors: string;
  ws: string;
}

// From inside the page: the four attempts; each reports its HTTP status, "blocked" (fetch threw) or the ws outcome.
async function attack(browser: Browser, pageUrl: string, gafferdUrl: string, pid: number, tag: string): Promise<{ result: AttackResult; statuses: string[] }> {
  const context = await browser.newContext();
  after(() => context.close());
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  const page = await context.newPage();
  const statuses: string[] = [];
  page.on('response', (res) => statuses.push(`${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`));
  await page.goto(pageUrl);
  const result = await page.evaluate(async ({ url, pid, tag, cmd }) => {
    const job = (name: string): string => JSON.stringify({ name, cmd, start: false });
    const status = async (init: RequestInit): Promise<string> => {
      try {
        const res = await fetch(`${url}/jobs/default`, { method: 'POST', ...init });
        return res.type === 'opaque' ? 'sent' : String(res.status);
      } catch {
        return 'blocked';
      }
    };
    const json = await status({ headers: { 'Content-Type': 'application/json' }, body: job(`${tag}-json`) });
    const text = await status({ headers: { 'Content-Type': 'text/plain' }, body: job(`${tag}-text`) });
    const noCors = await status({ mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: job(`${tag}-nocors`) });
    const ws = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${url.replace('http:', 'ws:')}/wstreams/${pid}`);
      socket.onopen = () => {
        socket.send(`${tag}-line\n`);
        resolve('open');
      };
      socket.onclose = (event) => resolve(`closed ${event.code}`);
    });
    return { json, text, noCors, ws };
  }, { url: gafferdUrl, pid, tag, cmd: fixtureCmd('sleeper.js') });
  return { result, statuses };
}

test('a page of another origin can neither create a job nor write to stdin; an allowed origin can', async () => {
  const browser = await launchBrowser();
  const foreign = await startPageServer();
  const allowed = await startPageServer();
  // Pages on http://localhost:<port>, gafferd on http://127.0.0.1:<port>: different sites.
  const gafferd = await startGafferd({ args: ['--allow-origin', `http://localhost:${allowed.port}`] });
  const load = await request(`${gafferd.url}/jobs/default`, {
    body: { name: 'echo', cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['stdout'] },
  });
  assert.equal(load.status, 200);
  const pid = ((await request(`${gafferd.url}/jobs/default/echo/pids`)).json<{ pids: number[] }>()).pids[0]!;
  const stdout = await openStream(`${gafferd.url}/streams/${pid}/stdout?feed=continuous`);

  const evil = await attack(browser, `http://localhost:${foreign.port}/`, gafferd.url, pid, 'evil');
  assert.deepEqual(evil.result, { json: 'blocked', text: 'blocked', noCors: 'sent', ws: 'closed 1006' });
  // The requests did reach gafferd and were refused there (not merely unreadable by the page).
  assert.ok(evil.statuses.includes('403 POST /jobs/default'), evil.statuses.join(', '));

  const ops = await attack(browser, `http://localhost:${allowed.port}/`, gafferd.url, pid, 'ops');
  assert.deepEqual(ops.result, { json: '200', text: '200', noCors: 'sent', ws: 'open' });
  const output = await stdout.waitFor('ops-line');
  stdout.close();
  assert.ok(!output.includes('evil'), `nothing of the foreign page reached stdin: ${JSON.stringify(output)}`);
  const jobs = (await request(`${gafferd.url}/jobs/default`)).json<{ jobs: string[] }>().jobs.sort();
  assert.deepEqual(jobs, ['default.echo', 'default.ops-json', 'default.ops-nocors', 'default.ops-text']);
});
