import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestWord } from '../../src/util/closest-word.js';

test('closestWord: the nearest known word within two edits (a swap of neighbours is one), else undefined', () => {
  const commands = ['start', 'status', 'stop', 'list', 'load'];
  assert.equal(closestWord('stauts', commands), 'status');
  assert.equal(closestWord('lst', commands), 'list');
  assert.equal(closestWord('LOAD', commands), 'load');
  assert.equal(closestWord('stpo', commands), 'stop');
  assert.equal(closestWord('frobnicate', commands), undefined);
  assert.equal(closestWord('x', []), undefined);
});
