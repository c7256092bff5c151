// Cold start of the command-line clients: `gafferctl status <job>` and
// `gaffer ps` against a running gafferd, and `gaffer --version` (no network),
// each a fresh `node bin/<cli>.js` process, against `node -e 0` measured in
// the same run. Target: under 150 ms over node's own start.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { summarize, type Summary } from './stats.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface CliCommandFigures {
  /** The command line as typed (without the address options). */
  command: string;
  /** Wall time of the whole process, ms. */
  wall: Summary;
  /** Median minus the baseline median, ms. */
  overNodeMs: number;
}

export interface CliBenchResult {
  runs: number;
  /** `node -e 0`, ms. */
  baseline: Summary;
  commands: CliCommandFigures[];
  /** The target every command is compared with: at most this many ms over `node -e 0`. */
  targetOverNodeMs: number;
}

export interface CliBenchOptions {
  /** Runs per command (default 15). */
  runs?: number;
  log?: (line: string) => void;
}

/** Measure the cold start of the CLIs; starts and stops its own gafferd. */
export async function benchCli(options: CliBenchOptions = {}): Promise<CliBenchResult> {
  const runs = options.runs ?? 15;
  const log = options.log ?? ((): void => {});
  const daemon = await startDaemon();
  try {
    const url = daemon.url;
    const job = spawnSync(process.execPath, [join(ROOT, 'bin', 'gafferctl.js'), '--connect', url, 'add_process', '--start', 'bench.web',
      process.execPath, join(ROOT, 'test', 'fixtures', 'sleeper.js')], { encoding: 'utf8' });
    if (job.status !== 0) throw new Error(`could not load the benchmark job: ${job.stderr}`);
    const cases: Array<{ command: string; argv: string[] }> = [
      { command: 'gafferctl status bench.web', argv: ['bin/gafferctl.js', '--connect', url, 'status', 'bench.web'] },
      { command: 'gaffer ps bench', argv: ['bin/gaffer.js', '-g', url, 'ps', 'bench'] },
      { command: 'gaffer --version', argv: ['bin/gaffer.js', '--version'] },
    ];
    const baseline = measure(['-e', '0'], runs);
    log(`node -e 0: median ${baseline.median.toFixed(1)} ms`);
    const commands = cases.map(({ command, argv }) => {
      const wall = measure(argv, runs);
      log(`${command}: median ${wall.median.toFixed(1)} ms`);
      return { command, wall, overNodeMs: wall.median - baseline.median };
    });
    return { runs, baseline, commands, targetOverNodeMs: 150 };
  } finally {
    await daemon.stop();
  }
}

// Wall time of `node <argv>` (one warm-up run, then `runs` timed runs); a failing run is an error.
function measure(argv: string[], runs: number): Summary {
  const once = (): number => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`node ${argv.join(' ')} failed (${result.status}): ${result.stderr.toString()}`);
    return ms;
  };
  once();
  return summarize(Array.from({ length: runs }, once));
}

// A gafferd on 127.0.0.1:0 in a scratch directory; resolves once it logged its address.
function startDaemon(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'gaffer-bench-cli-'));
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gafferd.js'), '--bind', '127.0.0.1:0'], {
    cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GAFFERD_STATE_DIR: join(dir, 'state') },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const port = /HTTP API listening on [^\s]*:(\d+)\s*$/.exec(line)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}`, stop });
    });
    void exited.then(() => reject(new Error('gafferd exited before listening')));
  });
}
