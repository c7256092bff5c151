// Headless Chromium for page tests (Debian's chromium driven by playwright-core),
// and an in-process gafferd stack: Manager + HTTP API + SockJS channel + plugin sites.
import { existsSync } from 'node:fs';
import { after } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SockJsChannel, type SockJsChannelOptions } from '../../src/apps/channel/sockjs-channel.js';
import { PluginHost } from '../../src/apps/plugins/plugin-host.js';
import type { HttpServerAppOptions } from '../../src/http/server-app.js';
import { startServer, type TestServer } from '../helpers/http.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launch Chromium once per test file (closed after it); throws a clear error when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  after(() => browser.close());
  return browser;
}

/** A fresh page; its script errors, console errors and failed HTTP responses are collected in `errors`. */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  after(() => context.close());
  // Chromium asks every origin for a favicon; answer it so the console stays clean.
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  // HTTP failures are reported below with their URL; Chromium's console line for them says less.
  page.on('console', (msg) => { if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`); });
  // A process or job may go away between a listing and the request for its details: that 404 is expected.
  const isRace = (status: number, url: string): boolean => status === 404 && /\/(\d+|jobs\/[^/]+\/[^/]+)$/.test(new URL(url).pathname);
  page.on('response', (res) => {
    if (res.status() >= 400 && !isRace(res.status(), res.url())) errors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return { page, errors };
}

export interface DashboardStack extends TestServer {
  channel: SockJsChannel;
  plugins: PluginHost;
}

/** The parts of gafferd the dashboard talks to, in process, on 127.0.0.1:0 (stopped after the file). */
export async function startDashboardStack(options: {
  http?: Partial<HttpServerAppOptions>;
  channel?: Omit<SockJsChannelOptions, 'host'>;
  pluginDir?: string;
} = {}): Promise<DashboardStack> {
  const server = await startServer(options.http);
  const channel = new SockJsChannel({ host: server.app, disconnectMs: 500, ...options.channel });
  const plugins = new PluginHost({ dir: options.pluginDir, host: server.app });
  await server.manager.addApplication(channel);
  await server.manager.addApplication(plugins);
  after(() => channel.stop());
  return { ...server, channel, plugins };
}
