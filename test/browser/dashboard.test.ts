// The dashboard end to end in headless Chromium, against an in-process gafferd
// stack (Manager + HTTP API + SockJS channel + plugin sites): live jobs and
// processes, scaling, output tailing, stats, signals, stop/start/restart, and
// the API key prompt. `UPDATE_SCREENSHOTS=1` rewrites docs/dashboard.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ChannelAuth, KeyInfo } from '../../src/protocol/auth.js';
import { ForbiddenError, UnauthorizedError } from '../../src/errors.js';
import { nextEvent } from '../helpers/events.js';
import { ROOT, fixtureCmd } from '../helpers/paths.js';
import { launchBrowser, openPage, startDashboardStack } from './browser-helpers.js';

const ECHO = fixtureCmd('echo.js');
const SLEEPER = fixtureCmd('sleeper.js');

function card(page: Page, job: string) {
  return page.locator(`[data-job="${job}"]`);
}

test('dashboard: live jobs, scale to 3, tail output, stats, signal, stop and start', async () => {
  const browser = await launchBrowser();
  const stack = await startDashboardStack();
  const { manager } = stack;
  manager.load({ name: 'echo', cmd: ECHO, redirect_input: true, redirect_output: ['out', 'err'] });
  manager.load({ name: 'worker', cmd: SLEEPER, numprocesses: 2, redirect_output: ['out'] }, { sessionid: 'jobs' });
  manager.load({ name: 'nightly', cmd: SLEEPER, start: false });
  const { page, errors } = await openPage(browser);
  await page.goto(`${stack.url}/_plugin/dashboard/`);

  const echo = card(page, 'default.echo');
  await echo.locator('tr[data-pid]').first().waitFor();
  await page.locator('#connection.pill-live').waitFor();
  await card(page, 'jobs.worker').locator('tr[data-pid]').nth(1).waitFor();
  assert.equal(await card(page, 'default.nightly').locator('.badge').textContent(), 'stopped');
  assert.equal(await page.locator('#count-jobs').textContent(), '3');

  // Scale up twice: three rows, as many processes in the manager.
  await echo.getByRole('button', { name: 'Scale up' }).click();
  await echo.locator('tr[data-pid]').nth(1).waitFor();
  await echo.getByRole('button', { name: 'Scale up' }).click();
  await echo.locator('tr[data-pid]').nth(2).waitFor();
  assert.equal(await echo.locator('tr[data-pid]').count(), 3);
  assert.equal(manager.getJob('echo').numprocesses, 3);
  assert.equal(await page.locator('#count-processes').textContent(), '5');

  // Live stats arrive through STATS:<pid> topics.
  await page.waitForFunction(() => [...(globalThis as any).document.querySelectorAll('[data-job="default.echo"] tr[data-pid] td:nth-child(4) .num')]
    .every((el: any) => /%$/.test(el.textContent ?? '')));

  // Tail the first process: its output lines arrive over STREAM:<pid>.<label>.
  const pid = manager.pids('echo')[0]!;
  await echo.getByRole('button', { name: `Tail output of process ${pid}` }).click();
  await page.locator('#output-title', { hasText: `default.echo · pid ${pid}` }).waitFor();
  await page.locator('#output[data-live="true"]').waitFor();
  await manager.send(pid, 'hello from the dashboard test\nERR and one on stderr\n');
  await page.locator('#output-lines', { hasText: 'hello from the dashboard test' }).waitFor();
  await page.locator('#output-lines .line.label-1', { hasText: 'ERR and one on stderr' }).waitFor();

  // docs/dashboard.png is refreshed on demand only (pids, ports and times differ on every run).
  if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), fullPage: true });

  // A signal to every process of the job.
  const killed = nextEvent(manager.events, 'job.default.echo.kill');
  await echo.getByRole('combobox', { name: 'Signal for every process of default.echo' }).selectOption('CONT');
  await echo.getByRole('button', { name: 'Send signal' }).click();
  assert.equal((await killed).signum, 18);
  await page.getByRole('status').filter({ hasText: 'SIGCONT sent to every process of default.echo' }).waitFor();

  // Stop: the rows go, the badge says stopped, the followed process's exit is shown.
  await echo.getByRole('button', { name: 'Stop', exact: true }).click();
  await echo.locator('.badge', { hasText: 'stopped' }).waitFor();
  await echo.locator('tr[data-pid]').first().waitFor({ state: 'detached' });
  await page.locator('#output-lines .system', { hasText: 'process exited' }).waitFor();
  assert.equal(manager.getJob('echo').active, false);

  // Start again: one process (the configured numprocesses).
  await echo.getByRole('button', { name: 'Start', exact: true }).click();
  await echo.locator('.badge', { hasText: 'running' }).waitFor();
  await echo.locator('tr[data-pid]').first().waitFor();
  assert.equal(manager.pids('echo').length, 1);
  assert.deepEqual(errors, []);
});

test('dashboard: restart replaces processes, a process can be stopped or signalled, jobs appear and go live', async () => {
  const browser = await launchBrowser();
  const stack = await startDashboardStack({ channel: { } });
  const { manager } = stack;
  const { page, errors } = await openPage(browser);
  await page.goto(`${stack.url}/_plugin/dashboard/`);
  await page.locator('#empty').waitFor();
  await page.locator('#connection.pill-live').waitFor();

  // A job loaded while the page is open appears without a reload.
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 2 }, { sessionid: 'site' });
  const web = card(page, 'site.web');
  await web.locator('tr[data-pid]').nth(1).waitFor();
  assert.equal(await page.locator('#empty').isHidden(), true);
  const before = manager.pids('site.web');

  await web.getByRole('button', { name: 'Restart' }).click();
  await page.waitForFunction((old) => {
    const shown = [...(globalThis as any).document.querySelectorAll('[data-job="site.web"] tr[data-pid]')].map((el: any) => Number(el.dataset.pid));
    return shown.length === 2 && shown.every((p: number) => !old.includes(p));
  }, before);

  const [first] = manager.pids('site.web');
  const signalled = nextEvent(manager.events, `proc.${first}.kill`);
  await web.getByRole('combobox', { name: `Signal for process ${first}` }).selectOption('CONT');
  assert.equal((await signalled).signum, 18);

  await web.getByRole('button', { name: `Stop process ${first}` }).click();
  await web.locator(`tr[data-pid="${first}"]`).waitFor({ state: 'detached' });
  await web.locator('tr[data-pid]').nth(1).waitFor();
  assert.ok(!manager.pids('site.web').includes(first!), 'the stopped process was replaced');

  // Typing a number sets the target.
  await web.getByRole('spinbutton').fill('1');
  await web.getByRole('spinbutton').press('Enter');
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-job="site.web"] tr[data-pid]').length === 1);
  assert.equal(manager.getJob('site.web').numprocesses, 1);

  manager.unload('site.web').catch(() => {});
  await web.waitFor({ state: 'detached' });
  await page.locator('#empty').waitFor();
  assert.deepEqual(errors, []);
});

test('dashboard with API keys: asks for a key on 401, sends it as X-Api-Key and AUTH:<key>, refuses a bad one', async () => {
  const browser = await launchBrowser();
  const KEY = 'k-1234';
  const auth: ChannelAuth = {
    required: true,
    verify: async (key) => (key === KEY ? { key, permissions: { admin: true } } satisfies KeyInfo : undefined),
    can: () => true,
  };
  const stack = await startDashboardStack({
    http: {
      authorize: (req) => {
        const key = req.headers['x-api-key'];
        if (key === undefined) throw new UnauthorizedError('unauthorized', 'an API key is required');
        if (key !== KEY) throw new ForbiddenError('forbidden', 'unknown API key');
        return true;
      },
    },
    channel: { auth },
  });
  stack.manager.load({ name: 'secure', cmd: SLEEPER });
  const { page } = await openPage(browser);
  const keysSent = new Set<string>();
  page.on('request', (req) => {
    const key = req.headers()['x-api-key'];
    if (key) keysSent.add(key);
  });
  await page.goto(`${stack.url}/_plugin/dashboard/`);
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await page.locator('#key-message').textContent() ?? '', /requires an API key/);

  await page.getByRole('textbox', { name: 'API key' }).fill('wrong-key');
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.locator('#key-message.error', { hasText: 'refused' }).waitFor();

  await page.getByRole('textbox', { name: 'API key' }).fill(KEY);
  await page.getByRole('button', { name: 'Use key' }).click();
  await card(page, 'default.secure').locator('tr[data-pid]').first().waitFor();
  await page.locator('#connection.pill-live').waitFor();
  assert.ok(keysSent.has(KEY), 'the key went out as X-Api-Key');
  // The channel works with the key: live stats arrive.
  await page.waitForFunction(() => /%$/.test((globalThis as any).document.querySelector('[data-job="default.secure"] tr[data-pid] td:nth-child(4) .num')?.textContent ?? ''));
  assert.equal(await page.evaluate(() => (globalThis as any).localStorage.getItem('gaffer.dashboard.apiKey')), KEY);
});
