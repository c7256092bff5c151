import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportIni, exportJson } from '../../src/config/export.js';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { parseProcfile, procfileToJobs, readProcfile } from '../../src/config/procfile.js';
import { buildSpawnCommand, splitCommandLine } from '../../src/core/command.js';
import { NotFoundError } from '../../src/errors.js';
import { FIXTURES } from '../helpers/paths.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();
const SEED = parseProcfile('dummy: python -u dummy_basic.py\ndummy1: python -u dummy_basic.py\n', 'Procfile');

test('ini export: one [process:<app>:<type>] section per type: cmd, args, cwd, port, priority, numprocesses, output, env', () => {
  assert.equal(exportIni(SEED, { appName: 'testapp', root: '/srv/app', env: { GREETING: 'hi' }, concurrency: new Map([['dummy1', 3]]) }), `[process:testapp:dummy]
cmd = python
args = -u dummy_basic.py
cwd = /srv/app
port = 5100
priority = 0
numprocesses = 1
redirect_output = out, err
env:GREETING = hi

[process:testapp:dummy1]
cmd = python
args = -u dummy_basic.py
cwd = /srv/app
port = 5200
priority = 1
numprocesses = 3
redirect_output = out, err
env:GREETING = hi
`);
});

test('ini export omits args when there are none, quotes words that need it, and marks shell lines', () => {
  const procfile = parseProcfile(`clock: ./clock\nweb: "./my server" --name 'a b' --port $PORT --msg "it's"\nboth: echo one && echo two\n`, 'Procfile');
  assert.equal(exportIni(procfile, { appName: 'app', root: '/a', basePort: 8000 }), `[process:app:clock]
cmd = ./clock
cwd = /a
port = 8000
priority = 0
numprocesses = 1
redirect_output = out, err

[process:app:web]
cmd = './my server'
args = --name 'a b' --port $PORT --msg 'it'\\''s'
cwd = /a
port = 8100
priority = 1
numprocesses = 1
redirect_output = out, err

[process:app:both]
cmd = echo one && echo two
shell = true
cwd = /a
port = 8200
priority = 2
numprocesses = 1
redirect_output = out, err
`);
  assert.equal(exportIni(parseProcfile('', 'Procfile'), { appName: 'app' }), '');
});

test('round trip: the ini export, included from a gafferd configuration, loads the same jobs', async () => {
  const procfile = await readProcfile(join(FIXTURES, 'config', 'Procfile'));
  const concurrency = new Map([['dummy1', 2], ['web', 0]]);
  await tmp.write('roundtrip/procfile.ini', exportIni(procfile, { appName: 'fixture', concurrency }));
  const main = await tmp.write('roundtrip/gafferd.ini', '[gaffer]\ninclude = procfile.ini\n');
  const loaded = (await loadGafferdConfig(main, { env: {}, homeDir: tmp.join('home') })).jobs;
  const expected = procfileToJobs(procfile, { forLocalRun: false, appName: 'fixture', concurrency });
  assert.deepEqual(loaded.map((j) => j.fullName), expected.map((j) => j.fullName));
  loaded.forEach((job, i) => {
    const source = expected[i]!;
    const words = (c: typeof job.config): string[] => [...splitCommandLine(c.cmd), ...(typeof c.args === 'string' ? splitCommandLine(c.args) : c.args)];
    assert.deepEqual(words(job.config), words(source.config));
    assert.equal(job.config.numprocesses, source.config.numprocesses);
    assert.equal(job.config.priority, i);
    assert.equal(job.start, true);
    const env = { PORT: '5000' };
    const spawned = buildSpawnCommand(job.config, env);
    const direct = buildSpawnCommand(source.config, env);
    assert.deepEqual([spawned.file, spawned.args], [direct.file, direct.args]);
  });
});

test('json export: one type as the job gaffer load sends, indented with one space', () => {
  assert.equal(exportJson(SEED, 'dummy1', { root: '/srv/app', env: { PORT: '80' }, concurrency: new Map([['dummy1', 2]]) }), `{
 "name": "dummy1",
 "cmd": "python",
 "args": [
  "-u",
  "dummy_basic.py"
 ],
 "cwd": "/srv/app",
 "port": 180,
 "env": {
  "PORT": "80"
 },
 "numprocesses": 2,
 "redirect_output": [
  "out",
  "err"
 ]
}
`);
  const parsed = JSON.parse(exportJson(SEED, 'dummy', { root: '/r' })) as Record<string, unknown>;
  assert.deepEqual(parsed, { name: 'dummy', cmd: 'python', args: ['-u', 'dummy_basic.py'], cwd: '/r', port: 5100, env: {}, numprocesses: 1, redirect_output: ['out', 'err'] });
  const shell = JSON.parse(exportJson(parseProcfile('a: FOO=bar ./x | tee log\n', 'Procfile'), 'a', { root: '/r' })) as Record<string, unknown>;
  assert.deepEqual([shell.cmd, shell.args, shell.shell], ['FOO=bar ./x | tee log', [], true]);
});

test("json export of an unknown type is \"'<type>' is not found\"", () => {
  assert.throws(() => exportJson(SEED, 'nope'), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.message, "'nope' is not found");
    return true;
  });
});
