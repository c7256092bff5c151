// The pieces of `gafferctl top` that need no daemon: the screen drawn from a
// model (crash-loop members of the job info, narrow terminals, the tail pane)
// and the key decoder. The live behaviour is tested in gafferctl-top.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionOfKey, decodeKeys } from '../../src/cli/shared/top/top-keys.js';
import { TopModel, type TopJobInfo } from '../../src/cli/shared/top/top-model.js';
import { renderScreen, renderSnapshot } from '../../src/cli/shared/top/top-render.js';

const NOW = Date.parse('2026-12-06T10:00:00Z');

function info(name: string, extra: Partial<TopJobInfo> = {}): TopJobInfo {
  return { name, active: true, running: 1, running_out: 0, max_processes: 1, processes: [], config: { name, cmd: 'x' }, ...extra };
}

function model(): TopModel {
  const m = new TopModel();
  m.setJob('default.api', info('default.api', { processes: [7] }));
  m.setProcess({ pid: 7, osPid: 4242, job: 'default.api', createTime: NOW / 1000 - 125, once: false, stopping: false, labels: ['stdout'], stats: { cpu: 1.5, mem: 0.7, mem_info1: '41M' } });
  m.setJob('default.worker', info('default.worker', {
    running: 0, state: 'backoff', restarts: 7,
    last_exit: { pid: 9, os_pid: 5000, exit_status: 3, term_signal: 0, time: new Date(NOW - 4000).toISOString() },
    next_retry: new Date(NOW + 8000).toISOString(),
  }));
  return m;
}

test('the screen shows jobs, their processes and gafferd\'s crash-loop members (state, restarts, last exit, next retry)', () => {
  const lines = renderScreen(model(), { columns: 120, rows: 12 }, 'http://127.0.0.1:5000', false, NOW);
  assert.equal(lines.length, 12);
  assert.match(lines[0]!, /^gaffer top - http:\/\/127\.0\.0\.1:5000 - 2 jobs, 1 process - \d\d:\d\d:\d\d$/);
  assert.match(lines[3]!, /^> default\.api\s+running\s+1\/1\s+1\.5\s+0\.7%\s+0 -$/);
  assert.match(lines[4]!, /^ {4}7 \(os 4242\)\s+up\s+1\.5\s+41M\s+2m05s$/);
  assert.match(lines[5]!, /^ {2}default\.worker\s+backoff\s+0\/1\s+-\s+-\s+7 exit status 3, 4s ago, retry in 8s$/);
  assert.match(lines[11]!, /^up\/down select .* q quit$/);
  assert.ok(lines.every((l) => !l.includes('\x1b')), 'no escape sequences without colour');
});

test('without gafferd\'s members, restarts and the last exit come from the exits top saw (a stop on purpose is not counted)', () => {
  const m = new TopModel();
  m.setJob('default.web', info('default.web', { processes: [1, 2] }));
  m.processExited({ name: 'default.web', pid: 1, os_pid: 11, exit_status: 1, term_signal: 0 });
  m.markStopping(2);
  m.processExited({ name: 'default.web', pid: 2, os_pid: 12, exit_status: 0, term_signal: 15 });
  const [line] = renderSnapshot(m, 'x', 200, NOW).filter((l) => l.startsWith('default.web'));
  assert.match(line!, /\s1 signal SIGTERM, \S+ ago$/);
});

test('narrow terminals drop the columns that do not fit; colours only when enabled; the tail pane shows the last lines', () => {
  const m = model();
  const narrow = renderScreen(m, { columns: 40, rows: 10 }, 'http://127.0.0.1:5000', false, NOW);
  assert.ok(narrow.every((l) => l.length <= 40), narrow.join('\n'));
  assert.match(narrow[3]!, /^> default\.api\s+running\s+1\/1\s+1\.5$/);
  const coloured = renderScreen(m, { columns: 120, rows: 10 }, 'h', true, NOW);
  assert.match(coloured.join('\n'), /\x1b\[31mbackoff/);
  assert.match(coloured[3]!, /^\x1b\[7m> default\.api/);

  m.tail = { pid: 7, job: 'default.api', lines: [], partial: new Map() };
  for (let i = 1; i <= 30; i++) m.appendOutput(7, 'stdout', `line ${i}\n`);
  m.appendOutput(7, 'stdout', 'half');
  const withTail = renderScreen(m, { columns: 80, rows: 16 }, 'h', false, NOW);
  assert.match(withTail.join('\n'), /-- output of process 7 \(default\.api, os pid 4242\) -+\n(line \d+\n)+line 30\nup\/down select/);
  assert.match(withTail.at(-1)!, /esc close  q quit$/);
});

test('keys: arrows, page keys, a lone Esc, Ctrl-C and characters decode to actions', () => {
  const actions = (chunk: string): Array<string | undefined> => decodeKeys(chunk).map(({ text, key }) => actionOfKey(text, key));
  assert.deepEqual(actions('\x1b[A\x1b[B\x1bOA\x1b[5~\x1b[6~'), ['up', 'down', 'up', 'page-up', 'page-down']);
  assert.deepEqual(actions('\x1b'), ['close-tail']);
  assert.deepEqual(actions('+-rstq'), ['scale-up', 'scale-down', 'restart', 'toggle', 'tail', 'quit']);
  assert.deepEqual(actions('\x03'), ['quit']);
  assert.deepEqual(actions('\r'), ['tail']);
  assert.deepEqual(actions('x\x1bq'), [undefined, undefined], 'Alt-q is not q');
});

test('a process row shows its whole OS pid even when the job names are short', () => {
  const m = new TopModel();
  m.setJob('a.w', info('a.w', { processes: [11] }));
  m.setProcess({ pid: 11, osPid: 4194301, job: 'a.w', createTime: NOW / 1000 - 5, once: false, stopping: false, labels: [], stats: { cpu: 0, mem: 0.1, mem_info1: '1M' } });
  const lines = renderSnapshot(m, 'x', 120, NOW);
  assert.ok(lines.some((l) => /^ {2}11 \(os 4194301\)\s+up\s/.test(l)), lines.join('\n'));
  const screen = renderScreen(m, { columns: 120, rows: 8 }, 'x', false, NOW);
  assert.ok(screen.some((l) => /^ {4}11 \(os 4194301\)\s+up\s/.test(l)), screen.join('\n'));
});
