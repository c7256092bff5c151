// A crash-looping job on the dashboard, against a real gafferd: the card says
// so (badge, last exit status, restarts), while a job restarted on purpose
// does not count as crashing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGafferd } from '../helpers/gafferd.js';
import { fixtureCmd } from '../helpers/paths.js';
import { launchBrowser, openPage } from './browser-helpers.js';

test('dashboard: a crash-looping job shows its state, last exit status and restarts; a restart on purpose is no crash', async () => {
  const daemon = await startGafferd({
    config: `[job:crash]\ncmd = ${fixtureCmd('crash-after.js', 300, 3)}\n\n[job:steady]\ncmd = ${fixtureCmd('sleeper.js')}\n`,
  });
  const browser = await launchBrowser();
  const { page, errors } = await openPage(browser);
  await page.goto(`${daemon.url}/_plugin/dashboard/`);
  await page.locator('#connection.pill-live').waitFor();

  const crash = page.locator('[data-job="default.crash"]');
  await page.locator('[data-job="default.crash"].is-crashing .badge', { hasText: /^(crash loop|backoff)$/ }).waitFor();
  // Between two respawns the job has no process (`active` false) but is not stopped: Stop stays offered.
  assert.equal(await crash.getByRole('button', { name: 'Stop', exact: true }).isEnabled(), true);
  assert.equal(await crash.locator('.badge').textContent().then((t) => /^(crash loop|backoff)$/.test(t ?? '')), true);
  const line = crash.locator('.job-crash');
  await line.filter({ hasText: /^Last exit: exit status 3 \(process \d+\), \d+s ago · ([2-9]|\d\d+) restarts/ }).waitFor();
  assert.equal(await line.getAttribute('role'), 'status');

  const steady = page.locator('[data-job="default.steady"]');
  const first = await steady.locator('tr[data-pid]').first().getAttribute('data-pid');
  await steady.getByRole('button', { name: 'Restart' }).click();
  await steady.locator(`tr[data-pid]:not([data-pid="${first}"])`).first().waitFor();
  assert.equal(await steady.locator('.badge').textContent(), 'running');
  assert.equal(await steady.locator('.job-crash').isHidden(), true, 'a restart asked for is not a crash');
  assert.deepEqual(errors, []);
});
