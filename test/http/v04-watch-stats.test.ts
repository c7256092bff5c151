// 0.4 /watch (legacy event feed) and /stats (plain and feeds).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureCmd } from '../helpers/paths.js';
import { nextEvent, nthEvent } from '../helpers/events.js';
import { errorBody, openEventSource, openStream, request, startServer, waitUntil } from '../helpers/http.js';
import { legacyEventsOf } from '../../src/legacy/legacy-events.js';

const SLEEPER = fixtureCmd('sleeper.js');

// Parse a JSON-lines feed body (items end with CRLF; heartbeats are bare newlines).
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.split('\r\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('/watch longpoll (default) answers the next legacy event and closes', async () => {
  const { manager, url } = await startServer();
  const stream = await openStream(`${url}/watch`);
  assert.equal(stream.status, 200);
  assert.equal(stream.headers['content-type'], 'application/json');
  assert.equal(stream.headers['cache-control'], 'no-cache');
  manager.load({ name: 'w', cmd: SLEEPER, start: false });
  const body = await stream.ended;
  assert.ok(body.endsWith('\r\n'));
  assert.deepEqual(JSON.parse(body), { event: 'create', name: 'w' });
});

test('/watch/<p1>/<p2>... continuous streams matching events of any depth and stays open', async () => {
  const { manager, url } = await startServer();
  const perJob = await openStream(`${url}/watch/proc/myapp/web?feed=continuous`);
  const exitOnly = await openStream(`${url}/watch/proc/myapp/web/exit?feed=continuous`);
  const spawned = nextEvent(legacyEventsOf(manager), 'proc.myapp.web.spawn');
  manager.load({ name: 'myapp.web', cmd: SLEEPER });
  const { pid } = await spawned;
  await perJob.waitFor('proc.myapp.web.spawn');
  void manager.stopProcess(pid as number);
  const text = await exitOnly.waitFor('\r\n');
  const [exit] = jsonLines(text);
  assert.equal(exit!.event, 'proc.myapp.web.exit');
  assert.deepEqual(Object.keys(exit!).sort(), ['event', 'exit_status', 'name', 'os_pid', 'pid', 'term_signal']);
  const all = jsonLines(await perJob.waitFor('proc.myapp.web.exit'));
  // stop_process spawns the replacement at once, so its spawn may come before the exit.
  assert.deepEqual(all.slice(0, 3).map((e) => e.event), ['proc.myapp.web.start', 'proc.myapp.web.spawn', 'proc.myapp.web.stop_pid']);
  assert.deepEqual(all.slice(3).map((e) => e.event).sort(), ['proc.myapp.web.exit', 'proc.myapp.web.spawn']);
  assert.ok(!perJob.res.complete, 'a continuous feed stays open');
  perJob.close();
  exitOnly.close();
});

test('/watch?feed=eventsource with the eventsource client: typed events with JSON data', async () => {
  const { manager, url } = await startServer();
  const sse = await openEventSource(`${url}/watch?feed=eventsource&heartbeat=true`, ['spawn', 'exit', 'proc.priority0.exit']);
  const spawned = nextEvent(legacyEventsOf(manager), 'spawn');
  manager.load({ name: 'priority0', cmd: fixtureCmd('crash-after.js', 0, 0) });
  const spawn = JSON.parse(await sse.next('spawn')) as Record<string, unknown>;
  assert.equal(spawn.pid, (await spawned).pid);
  assert.equal(spawn.detached, false);
  const exit = JSON.parse(await sse.next('exit')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(exit).sort(), ['event', 'exit_status', 'name', 'os_pid', 'pid', 'term_signal']);
  assert.deepEqual([exit.event, exit.name, exit.exit_status, exit.term_signal], ['exit', 'priority0', 0, 0]);
  assert.equal((JSON.parse(await sse.next('proc.priority0.exit')) as Record<string, unknown>).event, 'proc.priority0.exit');
  sse.close();
  void manager.stopJob('priority0');
});

test('/watch heartbeat writes newlines; a client that disconnects is unsubscribed at once; bad feed is 400', async () => {
  const { manager, url } = await startServer();
  const before = legacyEventsOf(manager).listenerCount;
  const stream = await openStream(`${url}/watch?feed=continuous&heartbeat=1`);
  assert.equal(legacyEventsOf(manager).listenerCount, before + 1);
  await stream.waitFor((t) => t === '\n', 5000);
  stream.close();
  await waitUntil(() => legacyEventsOf(manager).listenerCount === before, 'the /watch subscription is dropped');
  assert.deepEqual((await request(`${url}/watch?feed=smoke-signals`)).json(), errorBody('bad_value', 400));
});

test('/stats: 0.4 job stats of every job, of one job, of one process; errors', async () => {
  const { manager, url } = await startServer();
  const spawns = nthEvent(manager.events, 'spawn', 3);
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 2 });
  manager.load({ name: 'app.worker', cmd: SLEEPER });
  const [first] = await spawns;
  const all = (await request(`${url}/stats`)).json<Array<Record<string, unknown>>>();
  assert.deepEqual(all.map((s) => s.name), ['web', 'app.worker']);
  const web = (await request(`${url}/stats/web`)).json<{ name: string; stats: Array<Record<string, unknown>>; cpu: unknown; mem: unknown }>();
  assert.equal(web.name, 'web');
  assert.deepEqual(web.stats.map((s) => s.id), [1, 2]);
  for (const key of ['mem_info1', 'mem_info2', 'cpu', 'mem', 'ctime', 'pid', 'username', 'nice', 'cmdline', 'children', 'id']) {
    assert.ok(key in web.stats[0]!, key);
  }
  for (const key of ['mem', 'max_mem', 'min_mem', 'cpu', 'max_cpu', 'min_cpu']) assert.ok(key in web, key);
  assert.deepEqual((await request(`${url}/stats/web?feed=normal`)).json<{ name: string }>().name, 'web');

  const proc = (await request(`${url}/stats/web/1`)).json<Record<string, unknown>>();
  assert.equal(proc.pid, first!.os_pid, '0.4 process stats carry the OS pid');
  assert.equal(proc.cmdline, 'node');
  assert.equal((await request(`${url}/stats/anything/1`)).status, 200, 'the name is not checked');
  assert.deepEqual((await request(`${url}/stats/nope`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/stats/web/abc`)).json(), errorBody('bad_value', 400));
  assert.deepEqual((await request(`${url}/stats/web/99`)).json(), errorBody('not_found', 404));
  assert.deepEqual((await request(`${url}/stats/web?feed=fax`)).json(), errorBody('bad_value', 400));
});

test('/stats feeds: stat events of a job (continuous, longpoll) and of a process (eventsource); they end with the process', async () => {
  const { manager, url } = await startServer();
  const spawns = nthEvent(manager.events, 'job.default.web.spawn', 2);
  manager.load({ name: 'web', cmd: SLEEPER, numprocesses: 2 });
  await spawns;

  const job = await openStream(`${url}/stats/web?feed=continuous`);
  const items = jsonLines(await job.waitFor((t) => new Set(jsonLines(t).map((e) => e.id)).size === 2));
  for (const e of items) {
    assert.equal(e.event, 'stat');
    assert.equal(e.name, 'web', '0.4 stat events use the legacy name');
    assert.ok('cmdline' in e && 'children' in e);
  }
  job.close();

  const once = await openStream(`${url}/stats/web?feed=longpoll`);
  const [single] = jsonLines(await once.ended);
  assert.equal(single!.event, 'stat');

  const sse = await openEventSource(`${url}/stats/web/1?feed=eventsource`, ['stat']);
  assert.equal((JSON.parse(await sse.next('stat')) as Record<string, unknown>).id, 1);
  sse.close();

  const ending = await openStream(`${url}/stats/web/2?feed=continuous`);
  await ending.waitFor('"stat"');
  void manager.stopProcess(2);
  await ending.ended;
  assert.ok(ending.res.complete, 'the feed ended normally when the process exited');
});
