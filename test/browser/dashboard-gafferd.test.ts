// The dashboard against a real gafferd process (bin/gafferd.js): served at
// /_plugin/dashboard/ by default, live over the daemon's /channel. Needs the
// daemon to wire the SockJS channel and the plugin host (see docs/plugins.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startGafferd } from '../helpers/gafferd.js';
import { request } from '../helpers/http.js';
import { FIXTURES } from '../helpers/paths.js';
import { launchBrowser, openPage } from './browser-helpers.js';

test('gafferd serves the dashboard: a configured job, scaled to 3, its output, stopped', async () => {
  const daemon = await startGafferd({
    config: `[process:echo]\ncmd = ${process.execPath} ${join(FIXTURES, 'echo.js')}\nredirect_input = true\nredirect_output = out, err\n`,
  });
  const browser = await launchBrowser();
  const { page, errors } = await openPage(browser);
  await page.goto(`${daemon.url}/_plugin/dashboard/`);
  const echo = page.locator('[data-job="default.echo"]');
  await echo.locator('tr[data-pid]').first().waitFor();
  await page.locator('#connection.pill-live').waitFor();

  await echo.getByRole('button', { name: 'Scale up' }).click();
  await echo.locator('tr[data-pid]').nth(1).waitFor();
  await echo.getByRole('button', { name: 'Scale up' }).click();
  await echo.locator('tr[data-pid]').nth(2).waitFor();
  assert.equal(await echo.locator('tr[data-pid]').count(), 3);
  assert.deepEqual((await request(`${daemon.url}/jobs/default/echo/numprocesses`)).json(), { numprocesses: 3 });

  const pid = await echo.locator('tr[data-pid]').first().getAttribute('data-pid');
  await echo.getByRole('button', { name: `Tail output of process ${pid}` }).click();
  await page.locator('#output[data-live="true"]').waitFor();
  assert.equal((await request(`${daemon.url}/streams/${pid}/stdin`, { body: 'written through the API\n' })).status < 300, true);
  await page.locator('#output-lines', { hasText: 'written through the API' }).waitFor();

  await echo.getByRole('button', { name: 'Stop', exact: true }).click();
  await echo.locator('.badge', { hasText: 'stopped' }).waitFor();
  await echo.locator('tr[data-pid]').first().waitFor({ state: 'detached' });
  assert.deepEqual((await request(`${daemon.url}/jobs/default/echo/pids`)).json(), { pids: [] });
  assert.deepEqual(errors, []);
});
