import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile as writeFileRaw } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ChildRecord, type ChildRecordData } from '../../src/daemon/child-record.js';
import { recoverSurvivors } from '../../src/daemon/crash-recovery.js';
import { defaultStateDir } from '../../src/daemon/state-dir.js';
import { ConflictError } from '../../src/errors.js';
import { useTempDir } from '../config/temp-dir.js';
import { recordingLogger, startManager } from '../helpers/manager.js';
import { FIXTURES, fixtureCmd } from '../helpers/paths.js';

const tmp = await useTempDir('gaffer-crash-recovery-');

// Every process group a test creates is SIGKILLed at the end, whatever the test did.
const groups = new Set<number>();
after(() => {
  for (const pgid of groups) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
  }
});

interface Stat { state: string; pgid: number; startTime: number }

function procStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0]!, pgid: Number(f[2]), startTime: Number(f[19]) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  const s = procStat(pid);
  return s !== undefined && s.state !== 'Z';
}

function groupMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    const s = procStat(pid);
    return s !== undefined && s.pgid === pgid && s.state !== 'Z';
  });
}

// Poll a condition that has no event (another process's state), bounded.
async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An unrelated `sleep` in its own process group, killed after the tests. */
function unrelatedSleep(): { pid: number; startTime: number } {
  const child = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
  child.unref();
  groups.add(child.pid!);
  return { pid: child.pid!, startTime: procStat(child.pid!)!.startTime };
}

// The pid of a process that has exited (reaped): a "previous gafferd" that is gone.
function deadPid(): number {
  return spawnSync('true').pid!;
}

// Write a file, creating its directory (each test has its own state directory).
async function writeFile(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFileRaw(path, text);
}

function fakeRecord(overrides: Partial<ChildRecordData>): string {
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return JSON.stringify({ version: 1, gafferdPid: deadPid(), bootId, updatedAt: new Date().toISOString(), children: [], ...overrides });
}

/** Run the previous-gafferd fixture until it printed its record; the caller SIGKILLs it. */
async function startPreviousGafferd(stateDir: string, jobs: unknown[]): Promise<{ child: ChildProcess; record: ChildRecordData }> {
  const child = spawn(process.execPath, [join(FIXTURES, 'ops', 'previous-gafferd.js'), stateDir, JSON.stringify(jobs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  after(() => { child.kill('SIGKILL'); });
  let out = '';
  child.stdout!.setEncoding('utf8');
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (data: string) => {
      out += data;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`previous-gafferd fixture exited (${code}) before it was ready: ${out}`)));
  });
  assert.match(line, /^ready /);
  const record = JSON.parse(line.slice('ready '.length)) as ChildRecordData;
  for (const c of record.children) groups.add(c.pgid);
  return { child, record };
}

async function killPrevious(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

test('processes left by a SIGKILLed gafferd, shell pipeline members included, are stopped; detached ones are left', async (t) => {
  const stateDir = tmp.join('killed');
  const { child, record } = await startPreviousGafferd(stateDir, [
    { name: 'web', cmd: fixtureCmd('sleeper.js'), numprocesses: 2 },
    { name: 'pipe', cmd: 'sleep 1000 | sleep 1001', shell: true },
    { name: 'bg', cmd: fixtureCmd('sleeper.js'), detach: true },
  ]);
  assert.equal(record.gafferdPid, child.pid);
  assert.deepEqual(record.children.map((c) => `${c.job}:${c.detach}`).sort(), ['default.bg:true', 'default.pipe:false', 'default.web:false', 'default.web:false']);
  for (const c of record.children) {
    assert.equal(c.pgid, c.pid, 'every child leads its own process group');
    assert.equal(c.startTime, procStat(c.pid)!.startTime);
  }
  const pipe = record.children.find((c) => c.job === 'default.pipe')!;
  await until('the pipeline runs both sleeps', () => groupMembers(pipe.pgid).length === 3);
  const pipeline = groupMembers(pipe.pgid);

  await killPrevious(child);
  const recorded = record.children.filter((c) => !c.detach).map((c) => c.pid);
  for (const pid of [...recorded, ...pipeline]) assert.ok(isAlive(pid), `os pid ${pid} survived the SIGKILL of gafferd: the problem being solved`);

  const logger = recordingLogger();
  const started = performance.now();
  const result = await recoverSurvivors(stateDir, { logger, gracefulTimeoutMs: 5000 });
  const ms = performance.now() - started;
  t.diagnostic(`recovery of ${result.stopped} processes took ${ms.toFixed(0)} ms (from the call until all were gone)`);

  assert.equal(result.error, undefined);
  assert.equal(result.previousPid, child.pid);
  assert.equal(result.stopped, 5, 'two sleepers, the shell and both pipeline members');
  for (const pid of [...recorded, ...pipeline]) assert.ok(!isAlive(pid), `os pid ${pid} was stopped`);
  const bg = record.children.find((c) => c.detach)!;
  assert.ok(isAlive(bg.pid), 'the detached job is left running');
  assert.deepEqual(result.found.map((f) => `${f.job}:${f.detach}`).sort(), ['default.bg:true', 'default.pipe:false', 'default.web:false', 'default.web:false']);
  assert.deepEqual(result.found.find((f) => f.job === 'default.pipe')!.pids.sort(), pipeline.sort());

  const warning = logger.lines.find((l) => l.startsWith('warn'))!;
  const web = record.children.filter((c) => c.job === 'default.web').map((c) => c.pid);
  assert.match(warning, new RegExp(`^warn recovered 5 processes left by a previous gafferd \\(pid ${child.pid}\\) that was killed or crashed: ` +
    `default\\.web os pid (${web[0]}|${web[1]}), default\\.web os pid (${web[0]}|${web[1]}), default\\.pipe os pid ${pipe.pid} \\(\\+2 in its process group ${pipe.pgid}\\); stopped them in \\d+\\.\\d\\ds$`));
  assert.ok(logger.lines.includes(`info left running 1 process group of detached jobs started by a previous gafferd (pid ${child.pid}) that was killed or crashed: default.bg os pid ${bg.pid}`));
  assert.deepEqual(await readdir(stateDir), [], 'the record is removed');
  process.kill(-bg.pgid, 'SIGKILL');
});

test('a recorded pid now used by an unrelated process is never killed', async () => {
  const stateDir = tmp.join('reused');
  const recycled = unrelatedSleep();
  const moved = unrelatedSleep();
  const grouped = unrelatedSleep();
  await writeFile(join(stateDir, 'children.json'), fakeRecord({
    children: [
      // Same pid, another start time: the recorded process died and the pid was handed out again.
      { pid: recycled.pid, pgid: recycled.pid, startTime: recycled.startTime - 100, job: 'default.web', internalPid: 1, detach: false },
      // The very process, but no longer in the recorded group.
      { pid: moved.pid, pgid: moved.pid + 1, startTime: moved.startTime, job: 'default.web', internalPid: 2, detach: false },
      // The recorded leader is gone and the live group with its id started before it: not its group.
      { pid: deadPid(), pgid: grouped.pid, startTime: grouped.startTime + 1000, job: 'default.web', internalPid: 3, detach: false },
    ],
  }));
  const logger = recordingLogger();
  const result = await recoverSurvivors(stateDir, { logger, gracefulTimeoutMs: 500 });
  assert.deepEqual(result.found, []);
  assert.equal(result.stopped, 0);
  for (const p of [recycled, moved, grouped]) assert.ok(isAlive(p.pid), `unrelated os pid ${p.pid} is alive`);
  assert.deepEqual(logger.lines, []);
});

test('a previous gafferd that is still running makes recovery refuse, touching nothing', async () => {
  const stateDir = tmp.join('alive');
  const gafferd = unrelatedSleep();
  const worker = unrelatedSleep();
  const text = fakeRecord({
    gafferdPid: gafferd.pid,
    gafferdStartTime: gafferd.startTime,
    children: [{ pid: worker.pid, pgid: worker.pid, startTime: worker.startTime, job: 'default.web', internalPid: 1, detach: false }],
  });
  await writeFile(join(stateDir, 'children.json'), text);
  const result = await recoverSurvivors(stateDir, { gracefulTimeoutMs: 500 });
  assert.ok(result.error instanceof ConflictError);
  assert.equal(result.error.message, `another gafferd (pid ${gafferd.pid}) is running with the state directory '${stateDir}'; ` +
    'stop it first, or give this gafferd its own state directory with --state-dir DIR (or GAFFERD_STATE_DIR)');
  assert.equal(result.stopped, 0);
  assert.ok(isAlive(worker.pid));
  assert.equal(await readFile(join(stateDir, 'children.json'), 'utf8'), text, 'the record is kept');

  // The same pid with another start time is a recycled pid, not a gafferd: recovery goes ahead.
  await writeFile(join(stateDir, 'children.json'), fakeRecord({
    gafferdPid: gafferd.pid,
    gafferdStartTime: gafferd.startTime - 1,
    children: [{ pid: worker.pid, pgid: worker.pid, startTime: worker.startTime, job: 'default.web', internalPid: 1, detach: false }],
  }));
  const next = await recoverSurvivors(stateDir, { gracefulTimeoutMs: 500 });
  assert.equal(next.error, undefined);
  assert.equal(next.stopped, 1);
  assert.ok(!isAlive(worker.pid));
  assert.ok(isAlive(gafferd.pid));
});

test('a garbage or malformed record is reported and removed, never a crash; a missing one is nothing to do', async () => {
  const stateDir = tmp.join('garbage');
  const logger = recordingLogger();
  assert.deepEqual(await recoverSurvivors(stateDir, { logger }), { found: [], stopped: 0, ms: 0 }, 'no record: nothing to do');
  await writeFile(join(stateDir, 'children.json'), '{"gafferdPid": 12, "child');
  let result = await recoverSurvivors(stateDir, { logger });
  assert.match(result.problem!, /^not valid JSON/);
  assert.match(logger.lines[0]!, new RegExp(`^warn ignoring the crash-recovery record '${stateDir}/children.json': not valid JSON .*; processes a previous gafferd may have left were not checked$`));
  assert.deepEqual(await readdir(stateDir), []);

  await writeFile(join(stateDir, 'children.json'), JSON.stringify({ gafferdPid: deadPid(), children: [{ pid: -1, job: 'x' }] }));
  result = await recoverSurvivors(stateDir, { logger });
  assert.equal(result.problem, 'malformed child entry {"pid":-1,"job":"x"}');
  await writeFile(join(stateDir, 'children.json'), '[1, 2]');
  result = await recoverSurvivors(stateDir, { logger });
  assert.equal(result.problem, 'expected {"gafferdPid": <pid>, "children": [...]}');
  assert.equal(result.stopped, 0);
});

test('a record written before a reboot is ignored', async () => {
  const stateDir = tmp.join('reboot');
  const sleeper = unrelatedSleep();
  await writeFile(join(stateDir, 'children.json'), fakeRecord({
    bootId: '00000000-0000-0000-0000-000000000000',
    children: [{ pid: sleeper.pid, pgid: sleeper.pid, startTime: sleeper.startTime, job: 'default.web', internalPid: 1, detach: false }],
  }));
  const logger = recordingLogger();
  const result = await recoverSurvivors(stateDir, { logger });
  assert.equal(result.stopped, 0);
  assert.ok(isAlive(sleeper.pid));
  assert.deepEqual(logger.lines, [`info the crash-recovery record '${stateDir}/children.json' was written before the last reboot: nothing to recover`]);
});

test('ChildRecord follows a Manager: spawn adds, exit removes, writes are atomic and debounced', async () => {
  const stateDir = tmp.join('follow', 'state');
  const m = await startManager();
  const record = new ChildRecord({ stateDir });
  const detach = record.attach(m);
  // Subscribed before the load: the record follows the process table, not the event bus.
  const spawned = new Promise<void>((resolve) => {
    let n = 0;
    m.events.subscribe('job.default.w.spawn', () => { if (++n === 3) resolve(); });
  });
  m.load({ name: 'w', cmd: fixtureCmd('sleeper.js'), numprocesses: 3 });
  await spawned;
  await record.flush();
  let data = JSON.parse(await readFile(record.path, 'utf8')) as ChildRecordData;
  assert.equal(data.gafferdPid, process.pid);
  assert.equal(data.gafferdStartTime, procStat(process.pid)!.startTime);
  assert.equal(data.bootId, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  const osPids = m.pids('w').map((pid) => m.getProcess(pid).osPid);
  assert.deepEqual(data.children.map((c) => c.pid).sort(), [...osPids].sort());
  assert.deepEqual(data.children.map((c) => c.internalPid).sort(), m.pids('w').sort());
  assert.ok(data.children.every((c) => c.job === 'default.w' && !c.detach && c.pgid === c.pid && c.startTime === procStat(c.pid)!.startTime));
  assert.equal((statSync(record.path).mode & 0o777), 0o600);
  assert.equal((statSync(stateDir).mode & 0o777), 0o700);

  await m.stopJob('w');
  await record.flush();
  data = JSON.parse(await readFile(record.path, 'utf8')) as ChildRecordData;
  assert.deepEqual(data.children, []);
  detach();

  // A burst of 1000 changes is coalesced into one write that ends with the final state.
  const writes = record.writes;
  for (let i = 1; i <= 1000; i++) record.add({ pid: 100_000 + i, pgid: 100_000 + i, startTime: i, job: 'default.x', internalPid: i, detach: false });
  for (let i = 1; i <= 500; i++) record.remove(100_000 + i);
  await record.flush();
  assert.equal(record.writes, writes + 1);
  data = JSON.parse(await readFile(record.path, 'utf8')) as ChildRecordData;
  assert.equal(data.children.length, 500);
  assert.equal(data.children[0]!.pid, 100_501);
  assert.deepEqual(await readdir(stateDir), ['children.json'], 'no temp file is left behind');

  await record.close({ remove: true });
  assert.deepEqual(await readdir(stateDir), [], 'a clean shutdown removes the record');
});

test('defaultStateDir: <configDir>/state when the config dir exists, else the XDG state home; created 0700', async () => {
  const configDir = tmp.join('conf');
  await mkdir(configDir);
  assert.equal(defaultStateDir(configDir), join(configDir, 'state'));
  assert.equal(statSync(join(configDir, 'state')).mode & 0o777, 0o700);
  const home = tmp.join('home');
  assert.equal(defaultStateDir(tmp.join('no-such-dir'), { env: {}, homeDir: home, isRoot: false }), join(home, '.local', 'state', 'gaffer'));
  assert.equal(statSync(join(home, '.local', 'state', 'gaffer')).mode & 0o777, 0o700);
  assert.equal(defaultStateDir(undefined, { env: { XDG_STATE_HOME: tmp.join('xdg') }, homeDir: home, isRoot: false }), tmp.join('xdg', 'gaffer'));
  assert.equal(defaultStateDir(undefined, { env: { XDG_STATE_HOME: 'relative' }, homeDir: home, isRoot: false }), join(home, '.local', 'state', 'gaffer'));
});
