// Event-stream injection (issue 12): process output is text inside `data:` lines; a bare `\r`
// in it must start a new data line, never a new field, as a real EventSource client reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openEventSource, request, startServer } from '../helpers/http.js';

// A process that waits for "go" on stdin, then prints `output` with printf (escapes allowed) and waits.
async function streamOf(output: string, types: string[]): Promise<{ es: Awaited<ReturnType<typeof openEventSource>>; go: () => Promise<unknown> }> {
  const { url, manager } = await startServer();
  manager.load({ name: 'p', cmd: '/bin/sh', args: ['-c', `read go; printf '${output}'; exec sleep 1000`], redirect_input: true, redirect_output: ['out'] });
  const pid = manager.pids('p')[0]!;
  const es = await openEventSource(`${url}/streams/${pid}/out?feed=eventsource&heartbeat=false`, types);
  return { es, go: () => request(`${url}/streams/${pid}/stdin`, { method: 'POST', body: 'go\n' }) };
}

// Data lines of 'out' events until one of them is `last`.
async function linesUntil(es: Awaited<ReturnType<typeof openEventSource>>, last: string): Promise<string[]> {
  const lines: string[] = [];
  while (!lines.includes(last)) lines.push(...(await es.next('out')).split('\n'));
  return lines;
}

test('a bare \\r in output cannot forge an event: it arrives as separate data lines of the same event', async () => {
  const forged: string[] = [];
  const { es, go } = await streamOf('x\\revent: forged\\rdata: {"evil":1}\\rid: 7\\r\\nend\\n', ['out']);
  es.es.addEventListener('forged', (event) => forged.push(event.data));
  await go();
  const lines = await linesUntil(es, 'end');
  assert.deepEqual(lines, ['x', 'event: forged', 'data: {"evil":1}', 'id: 7', 'end']);
  assert.deepEqual(forged, [], 'no forged event fired');
  assert.equal(es.es.readyState, es.es.OPEN);
  es.close();
});

test('progress output `50%\\r100%\\n` arrives as two data lines', async () => {
  const { es, go } = await streamOf('50%%\\r100%%\\n', ['out']);
  await go();
  assert.deepEqual(await linesUntil(es, '100%'), ['50%', '100%']);
  es.close();
});

test('invalid UTF-8 is sent as U+FFFD, valid characters around it intact', async () => {
  const { es, go } = await streamOf('caf\\303\\251 \\377\\376 ok\\n', ['out']);
  await go();
  const lines = await linesUntil(es, 'café \ufffd\ufffd ok');
  assert.deepEqual(lines, ['café \ufffd\ufffd ok']);
  es.close();
});
