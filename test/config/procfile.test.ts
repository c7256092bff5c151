import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  applicationName, parseConcurrency, parseProcfile, procfileToJobs, readProcfile,
} from '../../src/config/procfile.js';
import { buildSpawnCommand } from '../../src/core/command.js';
import { ConfigError } from '../../src/errors.js';
import { FIXTURES } from '../helpers/paths.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();

test('types keep file order; comments, blank lines and CRLF are handled; commands are shell-split', () => {
  const procfile = parseProcfile('# jobs\r\n\r\nweb: ./server --port $PORT --name "my app"\r\n   # indented comment\r\nworker:python -u worker.py\r\n', 'Procfile');
  assert.deepEqual(procfile.entries, [
    { type: 'web', command: './server --port $PORT --name "my app"', words: ['./server', '--port', '$PORT', '--name', 'my app'], line: 3 },
    { type: 'worker', command: 'python -u worker.py', words: ['python', '-u', 'worker.py'], line: 5 },
  ]);
  assert.deepEqual(procfile.warnings, []);
});

test('a line that is not "<type>: <command>" is an error naming the file and line number', () => {
  const bad = [
    ['web: ./a\nnot a procfile line\n', 2, 'not a procfile line'],
    ['web: ./a\n\n  indented: ./b\n', 3, '  indented: ./b'],
    ['web.1: ./a\n', 1, 'web.1: ./a'],
    ['web:\n', 1, 'web:'],
  ] as const;
  for (const [text, line, content] of bad) {
    assert.throws(() => parseProcfile(text, '/app/Procfile'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `/app/Procfile line ${line}: cannot parse ${JSON.stringify(content)}: expected "<type>: <command>" ` +
        'with a type of letters, digits, _ and - at the start of the line');
      return true;
    });
  }
  assert.throws(() => parseProcfile('a: ./a\nweb: # only a comment\n', 'Procfile'), { message: "Procfile line 2: type 'web' has an empty command" });
});

test('a type defined twice: the later command wins, the first position is kept, a warning is reported', () => {
  const procfile = parseProcfile('web: ./old\nworker: ./w\nweb: ./new\n', 'Procfile');
  assert.deepEqual(procfile.entries.map((e) => [e.type, e.command, e.line]), [['web', './new', 3], ['worker', './w', 2]]);
  assert.deepEqual(procfile.warnings, ["Procfile line 3: type 'web' is defined again (first on line 1); the later command wins"]);
});

test('readProcfile reads a file; a missing one is "procfile \'<f>\' not found"', async () => {
  const procfile = await readProcfile(join(FIXTURES, 'config', 'Procfile'));
  assert.deepEqual(procfile.entries.map((e) => e.type), ['dummy', 'dummy1', 'web']);
  const missing = tmp.join('Procfile');
  await assert.rejects(readProcfile(missing), { message: `procfile '${missing}' not found` });
  await assert.rejects(readProcfile(tmp.path), { message: `cannot read procfile '${tmp.path}': illegal operation on a directory (EISDIR)` });
});

test('application name: base name of the root with . / : and whitespace replaced by _', () => {
  assert.equal(applicationName('/srv/my.app'), 'my_app');
  assert.equal(applicationName('/srv/My App:v2'), 'My_App_v2');
  assert.equal(applicationName('.', '/home/u/proj'), 'proj');
  assert.equal(applicationName('sub/dir', '/home/u'), 'dir');
  assert.equal(applicationName('/'), 'default');
});

test('concurrency: web=2,worker=1 and repeated options; later wins; bad values ignored', () => {
  assert.deepEqual([...parseConcurrency(['web=2,worker=1'])], [['web', 2], ['worker', 1]]);
  assert.deepEqual([...parseConcurrency(['web=2', 'worker=3', 'web = 4 , x=1.5', 'y=two', 'z=-1', 'q=', 'noequals', 'ok=0'])],
    [['web', 4], ['worker', 3], ['ok', 0]]);
});

test('gafferd load: session = application, cwd = absolute root, .env as env, concurrency, redirects, uid/gid, start', () => {
  const procfile = parseProcfile('web: ./server --port $PORT\nworker: python -u worker.py\n', 'Procfile');
  const jobs = procfileToJobs(procfile, {
    forLocalRun: false, root: 'apps/shop', cwd: '/home/u', env: { A: '1', GAFFER_REDIRECT_INPUT: 'worker' },
    concurrency: new Map([['worker', 3]]), redirectInput: ['worker'], uid: 'www', gid: 33, start: false,
  });
  assert.deepEqual(jobs.map((j) => [j.fullName, j.type, j.start, j.port, j.config.port]),
    [['shop.web', 'web', false, 5100, 5100], ['shop.worker', 'worker', false, 5200, 5200]], 'gafferd loads start at 5100, clear of gafferd itself');
  const [web, worker] = jobs.map((j) => j.config);
  assert.equal(web!.cmd, './server');
  assert.deepEqual(web!.args, ['--port', '$PORT']);
  assert.deepEqual(web!.env, { A: '1', GAFFER_REDIRECT_INPUT: 'worker' });
  assert.equal(web!.cwd, '/home/u/apps/shop');
  assert.deepEqual(web!.redirect_output, ['out', 'err']);
  assert.equal(web!.redirect_input, false);
  assert.equal(web!.numprocesses, 1);
  assert.equal(web!.uid, 'www');
  assert.equal(web!.gid, 33);
  assert.equal(worker!.redirect_input, true);
  assert.equal(worker!.numprocesses, 3);
  assert.equal(procfileToJobs(procfile, { forLocalRun: false, root: '/x', appName: 'given' })[0]!.sessionid, 'given');
  const fromEnv = procfileToJobs(procfile, { forLocalRun: false, env: { GAFFER_REDIRECT_INPUT: 'web', GAFFER_UID: '1000', GAFFER_GID: 'staff' } });
  assert.deepEqual(fromEnv.map((j) => [j.config.redirect_input, j.config.uid, j.config.gid]), [[true, 1000, 'staff'], [false, 1000, 'staff']],
    'the special .env keys are the defaults');
});

test('local runs: session default, no cwd, no uid/gid, PORT = base + 100 x type index', () => {
  const procfile = parseProcfile('web: ./server --port $PORT\nworker: ./w\nclock: ./c\n', 'Procfile');
  const jobs = procfileToJobs(procfile, { forLocalRun: true, root: '/srv/app', env: { A: '1' }, uid: 'www' });
  assert.deepEqual(jobs.map((j) => [j.fullName, j.port, j.config.env.PORT, j.config.cwd, j.config.uid]),
    [['default.web', 5000, '5000', null, null], ['default.worker', 5100, '5100', null, null], ['default.clock', 5200, '5200', null, null]]);
  assert.equal(jobs[0]!.config.env.A, '1');
  const fromEnv = procfileToJobs(procfile, { forLocalRun: true, env: { PORT: '8000' } });
  assert.deepEqual(fromEnv.map((j) => j.port), [8000, 8100, 8200], 'an integer PORT in .env is the base, as with foreman');
  assert.deepEqual(procfileToJobs(procfile, { forLocalRun: true, env: { PORT: '8000' }, basePort: 3000 }).map((j) => j.port), [3000, 3100, 3200]);
});

test('$PORT is left to spawn-time substitution, and a quoted first word stays one word', () => {
  const procfile = parseProcfile(`web: "./my server" --port $PORT --label 'a b'\n`, 'Procfile');
  const [job] = procfileToJobs(procfile, { forLocalRun: true });
  const spawn = buildSpawnCommand(job!.config, { PORT: '5000' });
  assert.equal(spawn.file, './my server');
  assert.deepEqual(spawn.args, ['--port', '5000', '--label', 'a b']);
});

test('${VAR} followed by name characters survives splitting', () => {
  const [job] = procfileToJobs(parseProcfile('web: ./s --name=${APP}_worker\n', 'Procfile'), { forLocalRun: true });
  assert.deepEqual(buildSpawnCommand(job!.config, { APP: 'shop' }).args, ['--name=shop_worker']);
});

test('a type that is not a valid job name is reported with its line', () => {
  assert.throws(() => procfileToJobs(parseProcfile('web: ./a\n123: ./b\n', 'Procfile'), { forLocalRun: true }),
    { message: /^Procfile line 2: name must be .*not only digits \(got "123"\)$/ });
});
