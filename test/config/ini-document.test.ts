import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSections, parseIniText } from '../../src/config/ini-document.js';

const pairs = (text: string): Array<[string, Array<[string, string]>]> =>
  parseIniText(text, 'x.ini').map((s) => [s.name, s.entries.map((e) => [e.key, e.value])]);

test('section names with dots, slashes and colons are kept whole and in file order', () => {
  assert.deepEqual(pairs('[process:app.web]\ncmd = a\n[process:app/b]\ncmd = b\n[process:z]\ncmd = c\n[env:app.web]\nX = 1\n'), [
    ['process:app.web', [['cmd', 'a']]], ['process:app/b', [['cmd', 'b']]], ['process:z', [['cmd', 'c']]], ['env:app.web', [['X', '1']]],
  ]);
});

test('keys keep their case; env:<VAR> keys keep their colon; the first = or : after the key is the delimiter', () => {
  assert.deepEqual(pairs('[s]\nenv:Port = 80\nenv:B: 2\ncmd: ./run --opt=1 a:b\nurl = http://h:1/x=y\nKey:value\n'), [
    ['s', [['env:Port', '80'], ['env:B', '2'], ['cmd', './run --opt=1 a:b'], ['url', 'http://h:1/x=y'], ['Key', 'value']]],
  ]);
});

test('continuation lines join with a space; a blank line ends the value; an indented line after a header is a key', () => {
  assert.deepEqual(pairs('[s]\n  a = 1\n    2\n\n    b = 3\n'), [['s', [['a', '1 2'], ['b', '3']]]]);
  assert.deepEqual(pairs('[s]\nempty =\n  filled later\n'), [['s', [['empty', 'filled later']]]]);
});

test('a repeated section merges; a repeated key keeps its first position and the later value', () => {
  assert.deepEqual(pairs('[s]\na = 1\nb = 2\n[t]\nc = 3\n[s]\na = 4\n'), [['s', [['a', '4'], ['b', '2']]], ['t', [['c', '3']]]]);
});

test('special words and characters are values like any other', () => {
  assert.deepEqual(pairs('[s]\na = true\nb = null\nc = "q"\nd = x ; y # z\ne = \\\\n\nf = [1]\n'), [
    ['s', [['a', 'true'], ['b', 'null'], ['c', '"q"'], ['d', 'x ; y # z'], ['e', '\\\\n'], ['f', '[1]']]],
  ]);
});

test('__proto__ and [] keys are refused rather than silently dropped', () => {
  assert.throws(() => parseIniText('[__proto__]\na = 1\n', 'x.ini'), { message: 'x.ini line 1: invalid section name "__proto__"' });
  assert.throws(() => parseIniText('[s]\n__proto__ = 1\n', 'x.ini'), { message: 'x.ini line 2 [s]: unsupported key "__proto__"' });
});

test('mergeSections appends entries of a later file to the section of the first', () => {
  const merged = mergeSections([...parseIniText('[s]\na = 1\n', 'one.ini'), ...parseIniText('[t]\nb = 2\n[s]\na = 3\n', 'two.ini')]);
  assert.deepEqual(merged.map((s) => [s.name, s.file, s.entries.map((e) => [e.key, e.value, e.file])]), [
    ['s', 'one.ini', [['a', '1', 'one.ini'], ['a', '3', 'two.ini']]], ['t', 'two.ini', [['b', '2', 'two.ini']]],
  ]);
});
