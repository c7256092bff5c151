import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();
const opts = { env: {}, homeDir: tmp.join('home') };

test('include files and include_dir (recursive *.ini) are read after the main file; a later key wins', async () => {
  const main = await tmp.write('a/gafferd.ini', `
[gaffer]
include = extra.ini ../shared/common.ini
include_dir = conf.d  more.d
log_level = debug

[process:web]
cmd = ./web
numprocesses = 1
`);
  await tmp.write('a/extra.ini', '[process:web]\nnumprocesses = 3\n\n[gaffer]\nlog_level = warning\n');
  await tmp.write('shared/common.ini', '[process:worker]\ncmd = ./worker\n');
  await tmp.write('a/conf.d/b.ini', '[process:b]\ncmd = ./b\n');
  await tmp.write('a/conf.d/sub/a.ini', '[process:a]\ncmd = ./a\n[process:web]\nnumprocesses = 4\n');
  await tmp.write('a/conf.d/notes.txt', '[process:ignored]\ncmd = ./ignored\n');
  await tmp.write('a/more.d/c.ini', '[process:c]\ncmd = ./c\n');
  const config = await loadGafferdConfig(main, opts);
  assert.deepEqual(config.files, [main, tmp.join('a/extra.ini'), tmp.join('shared/common.ini'), tmp.join('a/conf.d/b.ini'),
    tmp.join('a/conf.d/sub/a.ini'), tmp.join('a/more.d/c.ini')]);
  assert.equal(config.logLevel, 'warning');
  assert.deepEqual(config.jobs.map((j) => j.fullName), ['default.web', 'default.worker', 'default.b', 'default.a', 'default.c']);
  assert.equal(config.jobs[0]!.config.numprocesses, 4, 'the last file read wins, the section keeps its first position');
  assert.equal(config.jobs[0]!.config.cmd, './web');
  assert.deepEqual(config.warnings, []);
});

test('unreadable included files and directories are skipped with a warning', async () => {
  const main = await tmp.write('skip/gafferd.ini', '[gaffer]\ninclude = missing.ini adir\ninclude_dir = nodir\n[process:web]\ncmd = ./web\n');
  await tmp.write('skip/adir/x.ini', '[process:x]\ncmd = ./x\n');
  const config = await loadGafferdConfig(main, opts);
  assert.deepEqual(config.files, [main]);
  assert.deepEqual(config.jobs.map((j) => j.fullName), ['default.web']);
  assert.equal(config.warnings.length, 3);
  const warnings = config.warnings.join('\n');
  assert.match(warnings, /skipping unreadable included file '.*missing\.ini': no such file or directory \(ENOENT\)/);
  assert.match(warnings, /skipping unreadable included file '.*adir': illegal operation on a directory \(EISDIR\)/);
  assert.match(warnings, /skipping unreadable include_dir '.*nodir'/);
});

test('included files may include others; each file is read once (cycles end)', async () => {
  const main = await tmp.write('nest/gafferd.ini', '[gaffer]\ninclude = one.ini\n[process:main]\ncmd = ./main\n');
  await tmp.write('nest/one.ini', '[gaffer]\ninclude = two.ini gafferd.ini\n[process:one]\ncmd = ./one\n');
  await tmp.write('nest/two.ini', '[gaffer]\ninclude = one.ini\n[process:two]\ncmd = ./two\n');
  const config = await loadGafferdConfig(main, opts);
  assert.deepEqual(config.files, [main, tmp.join('nest/one.ini'), tmp.join('nest/two.ini')]);
  assert.deepEqual(config.jobs.map((j) => j.fullName), ['default.main', 'default.one', 'default.two']);
});

test('an error in an included file names that file', async () => {
  const main = await tmp.write('bad/gafferd.ini', '[gaffer]\ninclude = bad.ini\n');
  const bad = await tmp.write('bad/bad.ini', '[process:web]\ncmd = ./web\nnumprocesses = many\n');
  await assert.rejects(loadGafferdConfig(main, opts), { message: `${bad} [process:web] numprocesses = "many": expected an integer >= 0` });
});
