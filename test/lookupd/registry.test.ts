import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGafferError } from '../../src/errors.js';
import { Registry } from '../../src/lookupd/registry.js';
import { parseMessage } from '../../src/lookupd/parse-message.js';
import { collectEvents } from '../helpers/events.js';

function refused(fn: () => void, errno: number, reason: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isGafferError(err));
    assert.equal(err.status, errno);
    if (typeof reason === 'string') assert.equal(err.reason, reason);
    else assert.match(err.reason, reason);
    assert.match(err.code, /^GAFFER_ERR_LOOKUPD_/);
    return true;
  });
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a node identifies once; (name, origin) is unique among connected nodes', () => {
  const r = new Registry();
  const a = r.addNode();
  const b = r.addNode();
  const c = r.addNode();
  r.identify(a, 'n1', 'http://n1:5000', '0.1');
  refused(() => r.identify(a, 'n1', 'http://n1:5000', '0.1'), 409, 'already identified');
  refused(() => r.identify(b, 'n1', 'http://n1:5000', '0.1'), 409, 'identity exists');
  r.identify(b, 'n1', 'http://n1:6000', '0.1');
  assert.deepEqual(r.nodesReply().nodes.map((n) => n.origin), ['http://n1:5000', 'http://n1:6000']);
  // The identity is free again once its node is gone.
  r.removeNode(a);
  r.identify(c, 'n1', 'http://n1:5000', '0.1');
  assert.deepEqual(r.nodesReply().nodes.map((n) => n.origin), ['http://n1:6000', 'http://n1:5000']);
});

test('nothing can be registered before IDENTIFY', () => {
  const r = new Registry();
  const node = r.addNode();
  for (const fn of [
    () => r.registerJob(node, 'a.web'), () => r.unregisterJob(node, 'a.web'),
    () => r.registerProcess(node, 'a.web', 1), () => r.unregisterProcess(node, 'a.web', 1),
  ]) refused(fn, 404, 'need to send IDENTIFY message first');
  assert.deepEqual(r.nodesReply(), { nodes: [] });
});

test('a job is registered at most once per node, whatever its spelling', () => {
  const r = new Registry();
  const node = r.addNode();
  r.identify(node, 'n1', 'http://n1:5000', '0.1');
  r.registerJob(node, 'default.web');
  refused(() => r.registerJob(node, 'default.web'), 409, "job 'default.web' is already registered");
  refused(() => r.registerJob(node, 'web'), 409, "job 'web' is already registered");
  refused(() => r.registerJob(node, 'default/web'), 409, /already registered/);
  const other = r.addNode();
  r.identify(other, 'n2', 'http://n2:5000', '0.1');
  r.registerJob(other, 'web');
  assert.equal(r.findJobReply('web').sources.length, 2);
  assert.equal(r.findJobReply('default.web').sources.length, 2);
  assert.deepEqual(r.jobsReply().jobs.map((j) => j.name), ['default.web']);
});

test('processes: job must be registered; unknown pid and unknown job unregistration are not errors', async () => {
  const r = new Registry();
  const events = collectEvents(r.events);
  const node = r.addNode();
  r.identify(node, 'n1', 'http://n1:5000', '0.1');
  refused(() => r.registerProcess(node, 'a.web', 1), 404, "job 'a.web' not found");
  refused(() => r.unregisterProcess(node, 'a.web', 1), 404, "job 'a.web' not found");
  r.registerJob(node, 'a.web');
  r.registerProcess(node, 'a.web', 1);
  r.registerProcess(node, 'a.web', 2);
  r.registerProcess(node, 'a.web', 2);
  r.unregisterProcess(node, 'a.web', 1);
  r.unregisterProcess(node, 'a.web', 99);
  r.unregisterJob(node, 'nothere.job');
  assert.deepEqual(r.findJobReply('a.web').sources[0]!.pids, [2]);
  r.unregisterJob(node, 'a.web');
  assert.deepEqual(r.findJobReply('a.web'), { sources: [] });
  await flush();
  const info = { name: 'n1', origin: 'http://n1:5000', version: '0.1' };
  assert.deepEqual(events.events, [
    { event: 'add_node', name: null, origin: null, version: null },
    { event: 'identify', ...info },
    { event: 'add_job', node: info, job_name: 'a.web' },
    { event: 'add_process', node: info, job_name: 'a.web', pid: 1 },
    { event: 'add_process', node: info, job_name: 'a.web', pid: 2 },
    { event: 'remove_process', node: info, job_name: 'a.web', pid: 1 },
    { event: 'remove_job', node: info, job_name: 'a.web' },
  ]);
});

test('removing a node drops its jobs and emits only remove_node', async () => {
  const r = new Registry();
  const node = r.addNode();
  r.identify(node, 'n1', 'http://n1:5000', '0.1');
  r.registerJob(node, 'a.web');
  r.registerProcess(node, 'a.web', 1);
  const events = collectEvents(r.events);
  r.removeNode(node);
  r.removeNode(node);
  await flush();
  assert.deepEqual(events.events, [{ event: 'remove_node', name: 'n1', origin: 'http://n1:5000', version: '0.1' }]);
  assert.deepEqual(r.jobsReply(), { nb_jobs: 0, jobs: [] });
  assert.equal(r.size, 0);
});

test('views follow node connection order then registration order', () => {
  const r = new Registry();
  const n1 = r.addNode();
  const n2 = r.addNode();
  r.identify(n2, 'n2', 'http://n2:5000', '0.1');
  r.identify(n1, 'n1', 'http://n1:5000', '0.1');
  r.registerJob(n2, 'b.worker');
  r.registerJob(n2, 'a.web');
  r.registerJob(n1, 'a.web');
  r.registerJob(n1, 'a.db');
  r.registerProcess(n1, 'a.web', 7);
  r.registerJob(n1, 'web');
  assert.deepEqual(r.nodesReply().nodes.map((n) => n.name), ['n1', 'n2']);
  assert.deepEqual(r.jobsReply().jobs.map((j) => [j.name, j.sources.map((s) => s.name)]), [
    ['a.web', ['n1', 'n2']], ['a.db', ['n1']], ['web', ['n1']], ['b.worker', ['n2']],
  ]);
  const sessions = r.sessionsReply();
  assert.equal(sessions.nb_sessions, 3);
  assert.deepEqual(sessions.sessions.map((s) => [s.sessionid, Object.keys(s.jobs)]), [
    ['a', ['a.web', 'a.db']], ['default', ['web']], ['b', ['b.worker']],
  ]);
  assert.deepEqual(sessions.sessions[0]!.jobs['a.web']![0], {
    name: 'n1', pids: [7], node_info: { name: 'n1', origin: 'http://n1:5000', version: '0.1' },
  });
  assert.deepEqual(r.sessionsReply('n2').sessions.map((s) => s.sessionid), ['b', 'a']);
  assert.deepEqual(r.sessionsReply('nobody'), { nb_sessions: 0, sessions: [] });
  const a = r.findSessionReply('a');
  assert.equal(a.nb_jobs, 2);
  assert.deepEqual(a.jobs.map((j) => j.name), ['a.web', 'a.db']);
  assert.deepEqual(r.findSessionReply('zzz'), { nb_jobs: 0, jobs: [] });
  assert.deepEqual(r.findJobReply('web').sources.map((s) => s.name), ['n1']);
});

test('parseMessage validates frames and keeps the msgid for the reply', () => {
  const cases: Array<[string, number | null, string, string | number | null]> = [
    ['not json', 400, 'invalid_json', null],
    ['[1,2]', 400, 'invalid_message', null],
    ['{"type":"PING"}', 400, 'invalid_message', null],
    ['{"msgid":"x"}', 400, 'invalid_message', 'x'],
    ['{"msgid":7,"type":"NOPE"}', 400, 'invalid_message_type', 7],
    ['{"msgid":"x","type":"IDENTIFY","name":"n"}', 400, 'invalid_message', 'x'],
    ['{"msgid":"x","type":"REGISTER_JOB","job_name":""}', 400, 'invalid_message', 'x'],
    ['{"msgid":"x","type":"REGISTER_JOB","job_name":".web"}', 400, 'invalid_message', 'x'],
    ['{"msgid":"x","type":"REGISTER_PROCESS","job_name":"a.b","pid":"3"}', 400, 'invalid_message', 'x'],
    ['{"msgid":"x","type":"REGISTER_PROCESS","job_name":"a.b","pid":-1}', 400, 'invalid_message', 'x'],
  ];
  for (const [frame, errno, reason, msgid] of cases) {
    const parsed = parseMessage(frame);
    assert.equal(parsed.ok, false, frame);
    if (parsed.ok) continue;
    assert.equal(parsed.error.status, errno, frame);
    assert.equal(parsed.error.reason, reason, frame);
    assert.equal(parsed.msgid, msgid, frame);
  }
  const ok = parseMessage('{"msgid":"a","type":"REGISTER_PROCESS","job_name":"a.b","pid":3,"extra":1}');
  assert.deepEqual(ok, { ok: true, message: { type: 'REGISTER_PROCESS', msgid: 'a', job_name: 'a.b', pid: 3 } });
});
