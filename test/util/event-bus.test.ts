import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../../src/util/event-bus.js';
import { matchesPattern } from '../../src/util/event-pattern.js';

test('patterns: wildcard, whole-segment prefixes, trailing dot, no glob', () => {
  assert.ok(matchesPattern('.', 'anything'));
  assert.ok(matchesPattern('proc', 'proc.dummy.spawn'));
  assert.ok(matchesPattern('proc.dummy', 'proc.dummy.spawn'));
  assert.ok(matchesPattern('proc.dummy.', 'proc.dummy.spawn'));
  assert.ok(matchesPattern('proc.dummy.spawn', 'proc.dummy.spawn'));
  assert.ok(!matchesPattern('proc.dum', 'proc.dummy.spawn'));
  assert.ok(!matchesPattern('proc.*', 'proc.dummy'));
});

test('delivery is asynchronous, ordered, once per matching subscription', async () => {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.subscribe('a', (t) => seen.push(`a:${t}`));
  bus.subscribe('a.b', (t) => seen.push(`ab:${t}`));
  bus.subscribe('.', (t) => seen.push(`all:${t}`));
  bus.publish('a.b.c', { x: 1 });
  bus.publish('z', {});
  assert.deepEqual(seen, [], 'nothing is delivered synchronously');
  await Promise.resolve();
  assert.deepEqual(seen, ['all:a.b.c', 'a:a.b.c', 'ab:a.b.c', 'all:z']);
});

test('payload carries event; subscribeOnce; unsubscribe; unsubscribeAll; close', async () => {
  const bus = new EventBus();
  const got: unknown[] = [];
  const l = (_t: string, p: unknown): void => { got.push(p); };
  bus.subscribeOnce('x', l);
  bus.publish('x', { n: 1 });
  bus.publish('x', { n: 2 });
  await Promise.resolve();
  assert.deepEqual(got, [{ event: 'x', n: 1 }]);
  bus.subscribe('y.', l);
  bus.unsubscribe('y', l);
  bus.subscribe('.', l);
  bus.unsubscribeAll(['.']);
  bus.publish('y', {});
  await Promise.resolve();
  assert.equal(got.length, 1);
  bus.subscribe('q', l);
  bus.close();
  bus.publish('q', {});
  await Promise.resolve();
  assert.equal(got.length, 1);
  assert.equal(bus.listenerCount, 0);
});

test('a throwing listener is logged and does not stop delivery to others', async () => {
  const errors: string[] = [];
  const bus = new EventBus({ logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) } });
  const seen: string[] = [];
  bus.subscribe('e', () => { throw new Error('boom'); });
  bus.subscribe('e', (t) => seen.push(t));
  bus.publish('e', {});
  await Promise.resolve();
  assert.deepEqual(seen, ['e']);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /boom/);
});

test('the pending queue is bounded: the oldest events are dropped', async () => {
  const bus = new EventBus({ maxQueue: 3 });
  const seen: number[] = [];
  bus.subscribe('.', (_t, p) => seen.push(p.n as number));
  for (let n = 0; n < 10; n++) bus.publish('e', { n });
  await Promise.resolve();
  assert.deepEqual(seen, [7, 8, 9]);
  assert.equal(bus.dropped, 7);
});
