// `--log-format json` and `[gaffer] log_format`: gafferd's own log is one JSON object per line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';
import { runGafferd, startGafferd } from '../helpers/gafferd.js';

interface Record { time: string; level: string; pid: number; message: string; [k: string]: unknown }

function parseAll(lines: string[]): Record[] {
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record;
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
}

test('--log-format json: every log line is a JSON object with time, level, pid and message', async () => {
  const gafferd = await startGafferd({
    args: ['--log-format', 'json'],
    config: `[process:crashy]\ncmd = ${fixtureCmd('crash-after.js', 0, 3)}\nrestart = never\n`,
  });
  await gafferd.waitForLog(/ended .*is not restarted|not restarted/);
  const records = parseAll(gafferd.logs);
  assert.ok(records.length >= 3, `a few lines were logged (${records.length})`);
  for (const r of records) {
    assert.ok(!Number.isNaN(Date.parse(r.time)) && r.time.endsWith('Z'), `ISO time: ${r.time}`);
    assert.ok(['critical', 'error', 'warning', 'info', 'debug'].includes(r.level), r.level);
    assert.equal(r.pid, gafferd.child.pid);
    assert.equal(typeof r.message, 'string');
  }
  const ended = records.find((r) => /is not restarted/.test(r.message));
  assert.ok(ended, 'the exit line is there');
  assert.equal(ended.job, 'default.crashy');
  assert.equal(ended.proc_pid, 1);
  assert.equal(ended.exit_status, 3);
  assert.equal(typeof ended.os_pid, 'number');
  const listening = records.find((r) => /^HTTP API listening on 127\.0\.0\.1:\d+$/.test(r.message));
  assert.ok(listening, 'the listener line is there, as a message');
  const port = /:(\d+)$/.exec(listening.message)![1];
  assert.equal((await request(`http://127.0.0.1:${port}/ping`)).text, 'OK');
});

test('[gaffer] log_format = json in the file; a bad --log-format is refused with the option named', async () => {
  const gafferd = await startGafferd({ config: '[gaffer]\nlog_format = json\n' });
  assert.ok(parseAll(gafferd.logs).some((r) => /gafferd started/.test(r.message)));
  const bad = await runGafferd(['--bind', '127.0.0.1:0', '--log-format', 'yaml']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--log-format "yaml": expected one of text, json/);
});
