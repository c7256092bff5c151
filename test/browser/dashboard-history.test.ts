// The dashboard's Recent output: the last lines of a job whose process already crashed, with no log
// file, from gafferd's output history; and Tail shows what a process printed before it was opened.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startGafferd } from '../helpers/gafferd.js';
import { FIXTURES } from '../helpers/paths.js';
import { launchBrowser, openPage } from './browser-helpers.js';

test('dashboard: Recent output of a crashed job without a log file; Tail starts with the history', async () => {
  const daemon = await startGafferd({
    config: `[process:crash]\ncmd = ${process.execPath} ${join(FIXTURES, 'last-words.js')} 3 2\nrestart = never\n\n` +
      `[process:echo]\ncmd = ${process.execPath} ${join(FIXTURES, 'echo.js')}\nredirect_input = true\nredirect_output = out, err\n`,
  });
  await daemon.waitForLog(/job 'default\.crash': process \d+ \(os pid \d+\) ended/);
  const browser = await launchBrowser();
  const { page, errors } = await openPage(browser);
  await page.goto(`${daemon.url}/_plugin/dashboard/`);
  const crash = page.locator('[data-job="default.crash"]');
  await crash.getByRole('button', { name: 'Recent output of default.crash' }).click();
  await page.locator('#output-lines', { hasText: 'err 3' }).waitFor();
  const text = await page.locator('#output-lines').innerText();
  for (const line of ['out 1', 'out 2', 'out 3', 'err 1', 'err 2', 'err 3']) assert.ok(text.includes(line), `${line} in ${text}`);
  assert.match(await page.locator('#output-title').innerText(), /default\.crash · recent output/);

  // Tail of a live process: its "ready" line was printed before the tail opened; it comes from the history.
  const echo = page.locator('[data-job="default.echo"]');
  await echo.locator('tr[data-pid]').first().waitFor();
  const pid = await echo.locator('tr[data-pid]').first().getAttribute('data-pid');
  await echo.getByRole('button', { name: `Tail output of process ${pid}` }).click();
  await page.locator('#output-lines', { hasText: 'earlier line' }).waitFor();
  assert.ok((await page.locator('#output-lines').innerText()).includes('ready'));
  assert.deepEqual(errors, []);
});
