// gaffer's prompts: values and passwords from a pipe or a terminal (raw mode,
// nothing echoed, erase keys, Ctrl-C/Ctrl-D), and the user configuration
// update that `login` writes.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/shared/io.js';
import { Prompter } from '../../src/cli/gaffer/prompt.js';
import { withNodeKey } from '../../src/cli/gaffer/user-config.js';

interface FakeTerminal { io: CliIo; stdin: PassThrough; output: () => string; rawModes: boolean[] }

function fakeIo(isTTY: boolean): FakeTerminal {
  const stdin = new PassThrough();
  const rawModes: boolean[] = [];
  Object.assign(stdin, { isTTY, setRawMode: (raw: boolean) => { rawModes.push(raw); } });
  let written = '';
  const io: CliIo = {
    stdin,
    stdout: { write: (text: string) => { written += text; } },
    stderr: { write: () => {} },
    env: {},
    cwd: '/',
    onSignal: () => () => {},
  };
  return { io, stdin, output: () => written, rawModes };
}

test('from a pipe: one line per question, a newline after each question, undefined at end of input', async () => {
  const t = fakeIo(false);
  const prompter = new Prompter(t.io, false);
  t.stdin.write('bob\ns3cret\n');
  assert.equal(await prompter.ask('username: '), 'bob');
  assert.equal(await prompter.ask('password: ', { hidden: true }), 's3cret');
  t.stdin.end();
  assert.equal(await prompter.ask('again: '), undefined);
  assert.equal(t.output(), 'username: \npassword: \nagain: \n');
  assert.deepEqual(t.rawModes, [], 'raw mode is for terminals only');
});

test('on a terminal: a hidden answer is typed in raw mode, never echoed; erase keys work; Ctrl-C and Ctrl-D abort', async () => {
  const t = fakeIo(true);
  const prompter = new Prompter(t.io, false);
  const first = prompter.ask('password: ', { hidden: true });
  await new Promise((r) => setImmediate(r));
  t.stdin.write('s3cx\u007fret');
  t.stdin.write('\u0015pa');
  t.stdin.write('ss\r');
  assert.equal(await first, 'pass');
  assert.deepEqual(t.rawModes, [true, false]);
  for (const key of ['\u0003', '\u0004']) {
    const aborted = prompter.ask('password: ', { hidden: true });
    await new Promise((r) => setImmediate(r));
    t.stdin.write(`abc${key}`);
    assert.equal(await aborted, undefined);
  }
  assert.deepEqual(t.rawModes, [true, false, true, false, true, false]);
  // The question, then only the newline ending the hidden answer: nothing typed is shown.
  assert.equal(t.output(), 'password: \npassword: \npassword: \n');
  // A visible answer on a terminal is echoed by the terminal itself: no extra newline.
  const visible = prompter.ask('username: ');
  t.stdin.write('bob\n');
  assert.equal(await visible, 'bob');
  assert.equal(t.output(), 'password: \npassword: \npassword: \nusername: ');
});

test('withNodeKey: replaces the key of the node section, keeps everything else, appends a section when missing', () => {
  const url = 'http://127.0.0.1:5000';
  assert.equal(withNodeKey('', url, 'k1'), `[node "${url}"]\nkey = k1\n`);
  assert.equal(withNodeKey('[node "http://other"]\nkey = x', url, 'k1'), `[node "http://other"]\nkey = x\n\n[node "${url}"]\nkey = k1\n`);
  const text = `; comment\n[node  "${url}" ]\ncacert = /ca.pem\nKEY: old\n   more\nkeyfile = /k.pem\n[other]\nkey = stays\n`;
  assert.equal(withNodeKey(text, url, 'k2'), `; comment\n[node  "${url}" ]\nkey = k2\ncacert = /ca.pem\nkeyfile = /k.pem\n[other]\nkey = stays\n`);
});
