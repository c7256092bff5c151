// sockjs-client in a real browser (headless Chromium) against the /channel
// endpoint: each SockJS transport subscribes to EVENTS and receives events.
// One transport at a time: a browser allows 6 connections per host and the
// streaming/polling transports each hold one open.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { launchBrowser, openPage, startDashboardStack } from './browser-helpers.js';

const SLEEPER = fixtureCmd('sleeper.js');

// An empty HTML page served as a plugin site: the polling transports need an HTML document.
const sites = mkdtempSync(join(tmpdir(), 'gaffer-page-'));
after(() => rmSync(sites, { recursive: true, force: true }));
mkdirSync(join(sites, 'blank', '_site'), { recursive: true });
writeFileSync(join(sites, 'blank', '_site', 'index.html'), '<!doctype html><html><head><title>blank</title></head><body></body></html>');

// Transports a browser can use; the iframe ones load sockjs-client from the dashboard's vendor URL.
const TRANSPORTS = ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'iframe-eventsource', 'iframe-htmlfile', 'jsonp-polling'];

test('sockjs-client in the browser: every transport subscribes to EVENTS and receives canonical events', async () => {
  const browser = await launchBrowser();
  const stack = await startDashboardStack({ pluginDir: sites });
  const { page, errors } = await openPage(browser);
  await page.goto(`${stack.url}/_plugin/blank/`);
  await page.addScriptTag({ url: '/_plugin/dashboard/vendor/sockjs.min.js' });
  for (const [i, transport] of TRANSPORTS.entries()) {
    const used = await page.evaluate(({ base, transport: t }) => new Promise<string>((resolve, reject) => {
      const w = globalThis as unknown as { SockJS: any; received: Record<string, any[]>; socks: Record<string, any> };
      w.received ??= {};
      w.socks ??= {};
      const received: any[] = (w.received[t] = []);
      const sock = new w.SockJS(`${base}/channel`, null, { transports: [t] });
      w.socks[t] = sock;
      sock.onopen = () => sock.send(JSON.stringify({ event: 'SUB', data: { topic: 'EVENTS' } }));
      sock.onmessage = (e: { data: string }) => {
        const message = JSON.parse(e.data);
        received.push(message);
        if (message.event === 'gaffer:subscription_success') resolve(sock.transport);
      };
      sock.onclose = (e: { code: number; reason: string }) => reject(new Error(`closed ${e.code} ${e.reason}`));
    }), { base: stack.url, transport });
    assert.equal(used, transport, `sockjs-client used ${transport}`);
    stack.manager.load({ name: `job${i}`, cmd: SLEEPER, numprocesses: 1 });
    await page.waitForFunction(({ t, name }) => (globalThis as unknown as { received: Record<string, any[]> }).received[t]!
      .some((m) => m.event === 'gaffer:event' && m.data.event === 'spawn' && m.data.name === name), { t: transport, name: `default.job${i}` });
    // Browsers allow 6 connections per host and polling transports hold one: close before the next.
    await page.evaluate((t) => (globalThis as unknown as { socks: Record<string, any> }).socks[t].close(), transport);
  }
  assert.deepEqual(errors, []);
});
