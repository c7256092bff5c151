import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();
const opts = { env: {}, homeDir: tmp.join('home') };
let counter = 0;

async function load(text: string): Promise<Awaited<ReturnType<typeof loadGafferdConfig>>> {
  return loadGafferdConfig(await tmp.write(`jobs-${counter++}.ini`, text), opts);
}

test('designations: name, session:name, session.name, session/name; [process:] and [job:] are synonyms', async () => {
  const config = await load(`
[process:plain]
cmd = ./a
[process:ga:colon]
cmd = ./b
[job:gb.dot]
cmd = ./c
[job:gc/slash]
cmd = ./d
`);
  assert.deepEqual(config.jobs.map((j) => [j.sessionid, j.config.name, j.fullName]), [
    ['default', 'plain', 'default.plain'], ['ga', 'colon', 'ga.colon'], ['gb', 'dot', 'gb.dot'], ['gc', 'slash', 'gc.slash'],
  ]);
});

test('a job section without cmd is ignored with a warning', async () => {
  const config = await load('[process:nocmd]\nnumprocesses = 2\n[process:web]\ncmd = ./web\n');
  assert.deepEqual(config.jobs.map((j) => j.fullName), ['default.web']);
  assert.match(config.warnings.join('\n'), /\[process:nocmd\] has no cmd; section ignored/);
});

test('every job key is stored with its type; start is a load-time flag', async () => {
  const config = await load(`
[process:all]
cmd = ./server --port $PORT
args = -some value --option=a
cwd = /srv/app
uid = 1000
gid = staff
detach = true
shell = yes
os_env = off
numprocesses = 3
start = false
flapping = 3 2.5 10 4
redirect_output = mystdout, mystderr
redirect_input = 1
graceful_timeout = 2.5
priority = 7
custom_streams = ctrl, data
stop_signal = INT
stdout_logfile = /var/log/all.out
stderr_logfile = /var/log/all.err
logfile_maxbytes = 10MB
logfile_backups = 5
ready = tcp:8000
ready_timeout = 15
health = http://127.0.0.1:8000/health
health_interval = 0.5
health_failures = 3
depends_on = db, cache.redis default/queue
restart = On-Failure
success_exit_codes = 0, 2 3
restart_delay = 1.5
max_memory = 512K
on_give_up = exit
`);
  const [job] = config.jobs;
  assert.equal(job!.start, false);
  assert.deepEqual({ ...job!.config }, {
    name: 'all', cmd: './server --port $PORT', args: '-some value --option=a', env: {}, cwd: '/srv/app', uid: 1000, gid: 'staff',
    detach: true, shell: true, os_env: false, numprocesses: 3,
    flapping: { attempts: 3, window: 2.5, retry_in: 10, max_retry: 4 },
    redirect_output: ['mystdout', 'mystderr'], redirect_input: true, graceful_timeout: 2.5, priority: 7,
    custom_streams: ['ctrl', 'data'], stop_signal: 'INT',
    stdout_logfile: '/var/log/all.out', stderr_logfile: '/var/log/all.err', logfile_maxbytes: 10 * 1024 * 1024, logfile_backups: 5,
    ready: 'tcp:8000', ready_timeout: 15, health: 'http://127.0.0.1:8000/health', health_interval: 0.5, health_failures: 3,
    depends_on: ['db', 'cache.redis', 'default/queue'], restart: 'on-failure', success_exit_codes: [0, 2, 3], restart_delay: 1.5,
    max_memory: 512 * 1024, on_give_up: 'exit',
  });
});

test('defaults of a minimal job match the JSON job config defaults', async () => {
  const [job] = (await load('[process:min]\ncmd = ./min\n')).jobs;
  assert.equal(job!.start, true);
  assert.deepEqual({ ...job!.config }, {
    name: 'min', cmd: './min', args: [], env: {}, uid: null, gid: null, cwd: null, detach: false, shell: false, os_env: true,
    numprocesses: 1, flapping: null, redirect_output: [], redirect_input: false, graceful_timeout: 30, custom_streams: [], stop_signal: 'SIGTERM',
  });
});

test('flapping accepts the seed comma form, missing trailing values take defaults, off disables', async () => {
  const config = await load('[process:a]\ncmd = ./a\nflapping = 2, 1., 7., 5\n[process:b]\ncmd = ./b\nflapping = 4\n[process:c]\ncmd = ./c\nflapping = off\n');
  assert.deepEqual(config.jobs.map((j) => j.config.flapping), [
    { attempts: 2, window: 1, retry_in: 7, max_retry: 5 }, { attempts: 4, window: 1, retry_in: 7, max_retry: 5 }, null,
  ]);
});

test('jobs load in ascending priority; equal priorities keep file order; no priority comes last', async () => {
  const config = await load(`
[process:none1]
cmd = ./x
[process:p5a]
cmd = ./x
priority = 5
[process:p0]
cmd = ./x
priority = 0
[process:none2]
cmd = ./x
[process:p5b]
cmd = ./x
priority = 5
[process:neg]
cmd = ./x
priority = -1
`);
  assert.deepEqual(config.jobs.map((j) => j.config.name), ['neg', 'p0', 'p5a', 'p5b', 'none1', 'none2']);
});

test('env: inline env:<VAR> keys and [env:...] keys are upper-cased; the section wins; designations match in any form', async () => {
  const config = await load(`
[process:app:web]
cmd = ./web
env:port = 1
env:Mode = inline
env:ONLY_INLINE = yes

[env:app.web]
port = 80
only_section = yes

[env:app/web]
mode = section

[process:other]
cmd = ./other

[env:ghost]
x = 1
`);
  assert.deepEqual(config.jobs[0]!.config.env, { PORT: '80', MODE: 'section', ONLY_INLINE: 'yes', ONLY_SECTION: 'yes' });
  assert.deepEqual(config.jobs[1]!.config.env, {});
  assert.match(config.warnings.join('\n'), /\[env:ghost\] names no job section; ignored/);
});

test('uid/gid: digits become numeric ids, empty means not set', async () => {
  const [job] = (await load('[process:ids]\ncmd = ./ids\nuid =\ngid = 20\n')).jobs;
  assert.equal(job!.config.uid, null);
  assert.equal(job!.config.gid, 20);
});
