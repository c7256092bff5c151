// The one rule for a Procfile line: shell syntax runs under /bin/sh -c, a plain line is exec'd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsShell, procfileCommand } from '../../src/config/procfile-command.js';
import { parseProcfile, procfileToJobs } from '../../src/config/procfile.js';
import { buildSpawnCommand } from '../../src/core/command.js';

test('shell syntax: operators, redirections, VAR=value prefixes, $(...), backticks, globs, special $ forms, quotes a split would lose', () => {
  const shell = [
    'echo one && echo two', 'a || b', 'a; b', 'a | b', 'a &', 'a > out.log', 'a 2>&1', 'a < in', 'FOO=bar cmd', 'A=1 B=2 ./x',
    'echo $(date)', 'echo `date`', 'ls *.js', 'ls ?', 'ls [ab]', 'cd ~', 'echo {a,b}', 'echo $$', 'echo $?', 'echo $1',
    'echo ${PORT:-5000}', "echo '$PORT'", 'echo "$(date)"', 'echo "a\\"b"', 'echo a\\ b', 'node -e process.exit(3)', 'a # comment',
    "echo 'unterminated",
  ];
  for (const line of shell) assert.equal(needsShell(line), true, line);
});

test('plain lines: words, quotes, $VAR and ${VAR} references, = inside arguments', () => {
  const plain = [
    'node server.js --port $PORT', 'node server.js --port=${PORT}', './s --name=${APP}_worker', `"./my server" --label 'a b'`,
    `node -e 'console.log(1)'`, 'echo "port $PORT"', 'python -u worker.py', 'env', 'node app.js --flag=a,b:c@d%e+f',
  ];
  for (const line of plain) assert.equal(needsShell(line), false, line);
});

test('procfileCommand: a shell line is kept whole, a plain line becomes words', () => {
  assert.deepEqual(procfileCommand('  echo one && echo two '), { shell: true, cmd: 'echo one && echo two', args: [] });
  assert.deepEqual(procfileCommand(`node server.js --port $PORT --label 'a b'`), { shell: false, cmd: 'node', args: ['server.js', '--port', '$PORT', '--label', 'a b'] });
});

test('Procfile jobs follow the rule: shell lines spawn /bin/sh -c, plain lines the program itself with $VAR substituted', () => {
  const procfile = parseProcfile('a: echo one && echo two\nb: FOO=bar ./x\nweb-2: node s.js --port $PORT\n', 'Procfile');
  assert.deepEqual(procfile.entries.map((e) => e.type), ['a', 'b', 'web-2'], 'type names follow foreman: [A-Za-z0-9_-]+');
  for (const local of [true, false]) {
    const [a, b, web] = procfileToJobs(procfile, { forLocalRun: local, root: '/app' }).map((j) => buildSpawnCommand(j.config, { PORT: '5200' }));
    assert.deepEqual([a!.file, a!.args], ['/bin/sh', ['-c', 'echo one && echo two']]);
    assert.deepEqual([b!.file, b!.args], ['/bin/sh', ['-c', 'FOO=bar ./x']]);
    assert.deepEqual([web!.file, web!.args], ['node', ['s.js', '--port', '5200']]);
  }
});
