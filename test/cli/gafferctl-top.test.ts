// `gafferctl top` in a real pseudo-terminal (tmux) against real gafferd
// processes: the screen, the keys (scale, restart, stop/start, tail, quit),
// terminal restore, NO_COLOR, resize, reconnection; and the plain snapshots
// printed when stdout is not a terminal.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { GafferClient } from '../../src/client/gaffer-client.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { fixtureCmd, ROOT } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { startTmux, type TmuxSession } from '../helpers/tmux.js';

const TICKER_JOB = `[job:ticker]\ncmd = ${fixtureCmd('ticker.js', 200)}\nredirect_output = stdout, stderr\n`;
const CRASH_JOB = `[job:crash]\ncmd = ${fixtureCmd('crash-after.js', 300, 3)}\n`;

/**
 * `gafferctl top` in tmux, through a shell that then says whether the tty
 * settings are back as they were and with which status top exited, and
 * waits for a line (so the pane's cursor and screen can still be inspected).
 */
function startTop(url: string, env = '', columns = 120, rows = 40): Promise<TmuxSession> {
  const bin = join(ROOT, 'bin', 'gafferctl.js');
  const top = `env -u NO_COLOR -u FORCE_COLOR -u GAFFERCTL_ENDPOINT GAFFER_CONFIG=/nonexistent ${env} '${process.execPath}' '${bin}' --connect ${url} top`;
  return startTmux(`before=$(stty -g); ${top}; code=$?; if [ "$before" = "$(stty -g)" ]; then echo "tty restored"; else echo "tty NOT restored"; fi; echo "top exited with status $code"; read line`, columns, rows);
}

/** Wait for the shell's report after top exited: whether the tty was restored, and top's exit status. */
async function exitReport(top: TmuxSession): Promise<string> {
  await top.waitForScreen(/top exited with status \d+/);
  return top.captureHistory();
}

/** The internal pids of the process rows on the screen (`  12 (os 3456)  up ...`). */
function screenPids(screen: string): number[] {
  return [...screen.matchAll(/^[> ] {3}(\d+) \(os \d+\)\s+up/gm)].map((m) => Number(m[1]));
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('top shows jobs and processes live; + scales up, r restarts, t tails the output, q exits 0 with the terminal restored', async () => {
  const gafferd = await startGafferd({ config: TICKER_JOB });
  const client = new GafferClient({ endpoint: gafferd.url });
  try {
    const top = await startTop(gafferd.url);
    let screen = await top.waitForScreen((s) => /^> default\.ticker\s+running\s+1\/1\b/m.test(s) && screenPids(s).length === 1);
    assert.match(screen, /^gaffer top - http:\/\/127\.0\.0\.1:\d+ - 1 job, 1 process - \d\d:\d\d:\d\d$/m);
    assert.match(screen, /NAME\s+STATE\s+PROCS\s+CPU%\s+MEM\s+UPTIME\s+RESTARTS\s+LAST EXIT/);
    assert.match(screen, /^ {4}\d+ \(os \d+\)\s+up\s+[\d.]+\s+\d+(\.\d+)?[KMG]?\s+\d+s$/m, 'the process row has CPU, memory and uptime');
    assert.match(screen.trimEnd().split('\n').at(-1)!, /q quit/);
    assert.equal(await top.display('#{alternate_on}'), '1');

    await top.sendKeys(['+'], true);
    screen = await top.waitForScreen((s) => /default\.ticker: scaled to 2/.test(s) && screenPids(s).length === 2);
    assert.equal((await client.jobInfo('default', 'ticker')).max_processes, 2);
    assert.match(screen, /^> default\.ticker\s+running\s+2\/2\b/m);

    const before = await client.jobPids('default', 'ticker');
    await top.sendKeys(['r'], true);
    screen = await top.waitForScreen((s) => {
      const pids = screenPids(s);
      return /default\.ticker: restarted/.test(s) && pids.length > 0 && pids.every((p) => !before.includes(p));
    });
    const after = await client.jobPids('default', 'ticker');
    assert.deepEqual([...after].sort(), screenPids(screen).sort(), 'the screen shows the new pids gafferd has');
    assert.match(screen, /^> default\.ticker\s+running\s+\d\/\d\s+.*\s0 signal SIGTERM/m, 'a restart is not counted as a crash');

    await top.sendKeys(['Down']);
    screen = await top.waitForScreen(/^> {3}\d+ \(os \d+\)/m);
    const [, pid, osPid] = /^> {3}(\d+) \(os (\d+)\)/m.exec(screen)!;
    await top.sendKeys(['t'], true);
    screen = await top.waitForScreen(new RegExp(`-- output of process ${pid} \\(default\\.ticker, os pid ${osPid}\\)[\\s\\S]*tick \\d+ from ${osPid}\\n[\\s\\S]*tick \\d+ from ${osPid}`));
    assert.match(screen.trimEnd().split('\n').at(-1)!, /esc close  q quit/);
    await top.sendKeys(['Escape']);
    await top.waitForScreen((s) => !s.includes('-- output of process') && /t tail  q quit/.test(s));

    await top.sendKeys(['Up']);
    await top.sendKeys(['s'], true);
    screen = await top.waitForScreen(/default\.ticker: stopped[\s\S]*^> default\.ticker\s+stopped\b/m);
    assert.equal((await client.jobInfo('default', 'ticker')).active, false);
    await top.sendKeys(['s'], true);
    await top.waitForScreen((s) => /default\.ticker: started/.test(s) && screenPids(s).length >= 1);

    await top.sendKeys(['q'], true);
    assert.match(await exitReport(top), /tty restored\ntop exited with status 0/);
    assert.equal(await top.display('#{pane_dead} #{alternate_on} #{cursor_flag}'), '0 0 1', 'main screen back, cursor visible');
    await top.kill();
  } finally {
    client.close();
  }
});

test('top shows a crash-looping job (restarts, last exit status); NO_COLOR has no colours; resize reflows; Ctrl-C restores the terminal', async () => {
  const gafferd = await startGafferd({ config: `${TICKER_JOB}\n${CRASH_JOB}` });
  const plain = await startTop(gafferd.url, 'NO_COLOR=1');
  let screen = await plain.waitForScreen(/^[> ] default\.crash\s+\S+\s+[01]\/1\s.*\s([2-9]|\d\d+) exit status 3, \d+s ago/m);
  assert.match(screen, /^[> ] default\.ticker\s+running\b/m);
  assert.doesNotMatch(await plain.capture(true), /\x1b\[[0-9;]*(3[0-7]|7)m/, 'no colour (nor reverse video) with NO_COLOR');

  await plain.resize(60, 12);
  screen = await plain.waitForScreen((s) => {
    const lines = s.replace(/\n+$/, '').split('\n');
    // Redrawn for the new size: the title on the first row and the help line on the last (tmux alone
    // keeps either the top or the bottom of the old 40-row screen, never both).
    return lines.length === 12 && /^gaffer top - http/.test(lines[0]!) && /^up\/down select/.test(lines[11]!) && lines.every((l) => l.length <= 60);
  });
  // The NAME column fits the longest name or process label (`  12 (os 4194301)`): with 7-digit OS
  // pids UPTIME no longer fits in 60 columns either.
  assert.match(screen, /^ {2}NAME\s+STATE\s+PROCS\s+CPU%\s+MEM(\s+UPTIME)?$/m, 'columns that do not fit are dropped');

  await plain.sendKeys(['C-c']);
  assert.match(await exitReport(plain), /tty restored\ntop exited with status 0/);
  await plain.kill();

  const coloured = await startTop(gafferd.url);
  await coloured.waitForScreen(/^> default\.crash/m);
  assert.match(await coloured.capture(true), /\x1b\[[0-9;]*32m\s*running/, 'states are coloured on a terminal');
  await coloured.sendKeys(['q'], true);
  assert.match(await exitReport(coloured), /tty restored\ntop exited with status 0/);
  await coloured.kill();
});

test('top (full screen and plain) shows a notice when gafferd goes away and reconnects when it is back', async () => {
  const port = await freePort();
  const first = await startGafferd({ config: TICKER_JOB, args: ['--bind', `127.0.0.1:${port}`] });
  const top = await startTop(first.url);
  const plain = spawnCli('gafferctl', ['--connect', first.url, 'top', '--interval', '0.2']);
  await top.waitForScreen(/^> default\.ticker\s+running/m);
  await plain.waitForLine(/^default\.ticker\s+running/);
  await first.stop();
  await top.waitForScreen(/^! lost the connection to gafferd at http:\/\/127\.0\.0\.1:\d+; reconnecting\.\.\.$/m);
  await plain.waitForErrLine(/^top: lost the connection to gafferd at http:\/\/127\.0\.0\.1:\d+; retrying every 0\.2 s\.\.\.$/);
  const second = await startGafferd({ config: `${TICKER_JOB}\n${CRASH_JOB}`, args: ['--bind', `127.0.0.1:${port}`] });
  await plain.waitForErrLine(/^top: reconnected to gafferd at http:\/\/127\.0\.0\.1:\d+$/);
  await plain.waitForLine(/^default\.crash\b/);
  plain.kill('SIGTERM');
  assert.equal((await plain.done).code, 0);
  const screen = await top.waitForScreen(/^reconnected to gafferd at http:\/\/127\.0\.0\.1:\d+$/m);
  assert.doesNotMatch(screen, /lost the connection/);
  await top.waitForScreen(/^[> ] default\.crash\b/m);
  await top.sendKeys(['q'], true);
  assert.match(await exitReport(top), /tty restored\ntop exited with status 0/);
  await top.kill();
  await second.stop();
});

test('top without a terminal prints a snapshot table every --interval seconds; -n, --json, gaffer top, bad options and no gafferd', async () => {
  const gafferd = await startGafferd({ config: TICKER_JOB });
  const client = new GafferClient({ endpoint: gafferd.url });
  try {
    await waitUntil('the ticker process', async () => ((await client.jobPids('default', 'ticker')).length === 1 ? true : undefined));
    const two = await runCli('gafferctl', ['--connect', gafferd.url, 'top', '-n', '2', '--interval', '0.2']);
    assert.equal(two.code, 0, two.stderr);
    const stamps = two.lines.filter((l) => /^\d\d:\d\d:\d\d gafferd http:\/\/127\.0\.0\.1:\d+: 1 job, 1 process$/.test(l));
    assert.equal(stamps.length, 2, two.stdout);
    assert.equal(two.lines.filter((l) => /^default\.ticker\s+running\s+1\/1\b/.test(l)).length, 2, two.stdout);
    assert.ok(two.lines.some((l) => /^ {2}\d+ \(os \d+\)\s+up\s/.test(l)), two.stdout);
    assert.doesNotMatch(two.stdout, /\x1b/, 'no escape sequence in plain output');

    const json = await runCli('gafferctl', ['--connect', gafferd.url, 'top', '-n', '1', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const snapshot = JSON.parse(json.lines[0]!) as { time: string; jobs: Array<{ name: string; processes: Array<{ pid: number; os_pid: number }> }> };
    assert.equal(snapshot.jobs[0]!.name, 'default.ticker');
    assert.equal(snapshot.jobs[0]!.processes.length, 1);

    const alias = await runCli('gaffer', ['-g', gafferd.url, 'top', '-n', '1']);
    assert.equal(alias.code, 0, alias.stderr);
    assert.match(alias.stdout, /^default\.ticker\s+running\s+1\/1\b/m, 'gaffer top is the same view');

    const follow = spawnCli('gafferctl', ['--connect', gafferd.url, 'top', '--interval', '0.2']);
    await follow.waitForLine(/^default\.ticker/);
    await waitUntil('a second snapshot', async () => (follow.lines.filter((l) => l.startsWith('default.ticker')).length >= 2 ? true : undefined));
    follow.kill('SIGTERM');
    assert.equal((await follow.done).code, 0);

    const bad = await runCli('gafferctl', ['--connect', gafferd.url, 'top', '--interval', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /--interval <SECONDS>' argument '0' is invalid\. expected a number of seconds >= 0\.1/);
    assert.match(bad.stdout, /Usage: gafferctl top/);

    const port = await freePort();
    const none = await runCli('gafferctl', ['--connect', `http://127.0.0.1:${port}`, 'top', '-n', '1']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /cannot reach gafferd at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  } finally {
    client.close();
  }
});
