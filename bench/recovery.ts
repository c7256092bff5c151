// Crash recovery: time from recoverSurvivors() until every process a SIGKILLed gafferd left
// running is gone (a real Manager + ChildRecord in a child process plays the previous gafferd).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildRecordData } from '../src/daemon/child-record.js';
import { recoverSurvivors } from '../src/daemon/crash-recovery.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PREVIOUS_GAFFERD = join(ROOT, 'test', 'fixtures', 'ops', 'previous-gafferd.js');

export interface RecoveryBench {
  /** OS processes stopped by the recovery. */
  processes: number;
  /** From the call to recoverSurvivors until all of them were gone, ms. */
  ms: number;
}

/** A gafferd with `sleeps` sleep processes and one 3-process shell pipeline is SIGKILLed; time the recovery. */
export async function benchRecovery(options: { sleeps?: number } = {}): Promise<RecoveryBench> {
  const sleeps = options.sleeps ?? 17;
  const stateDir = await mkdtemp(join(tmpdir(), 'gaffer-bench-recovery-'));
  const jobs = [
    { name: 's', cmd: 'sleep 1000', numprocesses: sleeps },
    { name: 'pipe', cmd: 'sleep 1000 | sleep 1001', shell: true },
  ];
  const child = spawn(process.execPath, [PREVIOUS_GAFFERD, stateDir, JSON.stringify(jobs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pgids: number[] = [];
  try {
    const line = await firstLine(child.stdout!);
    if (!line.startsWith('ready ')) throw new Error(`the previous-gafferd fixture did not start: ${line}`);
    const record = JSON.parse(line.slice('ready '.length)) as ChildRecordData;
    pgids = record.children.map((c) => c.pgid);
    const pipe = record.children.find((c) => c.job === 'default.pipe')!;
    await waitForGroupSize(pipe.pgid, 3);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    const started = performance.now();
    const result = await recoverSurvivors(stateDir, { gracefulTimeoutMs: 5000 });
    const ms = performance.now() - started;
    return { processes: result.stopped, ms };
  } finally {
    child.kill('SIGKILL');
    for (const pgid of pgids) {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone: the expected case */ }
    }
    await rm(stateDir, { recursive: true, force: true });
  }
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (data: string) => {
      text += data;
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    stream.on('end', () => reject(new Error(`the previous-gafferd fixture exited: ${text}`)));
  });
}

// The shell forks the pipeline members just after it starts: wait (bounded) until they exist.
async function waitForGroupSize(pgid: number, size: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    let members = 0;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members += 1;
    }
    if (members >= size) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
