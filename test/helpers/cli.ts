// Runs the built CLIs (bin/gaffer.js, bin/gafferctl.js) as a user would:
// plain-text output (FORCE_COLOR=0), no user configuration, lines read as
// they come so tests wait on lines rather than sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { ROOT } from './paths.js';

export type CliProgram = 'gaffer' | 'gafferctl';

export interface CliOptions {
  cwd?: string;
  /** Extra environment (over a cleaned copy of the test's environment). */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (default: stdin closed at once). */
  input?: string;
  /** Keep stdin open (for signal tests of commands that may read it). */
  keepStdin?: boolean;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout lines. */
  lines: string[];
  /** stderr lines. */
  errLines: string[];
}

export interface RunningCli {
  child: ChildProcess;
  /** stdout lines so far. */
  lines: string[];
  errLines: string[];
  /** The first stdout line matching `pattern`, past or future. */
  waitForLine(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** The first stderr line matching `pattern`, past or future. */
  waitForErrLine(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Resolves with the result once the process exited and its output ended. */
  done: Promise<CliResult>;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** The environment of a CLI run: colours off, no user config, no endpoint variables. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', GAFFER_CONFIG: join(ROOT, 'test', 'fixtures', 'cli', 'no-such-gaffer.ini') };
  for (const key of ['NO_COLOR', 'GAFFER_ENDPOINT', 'GAFFERCTL_ENDPOINT', 'GAFFER_API_KEY', 'GAFFERCTL_KEY', 'GAFFER_DEBUG']) delete env[key];
  return { ...env, ...extra };
}

/** Start a CLI and follow its output line by line; killed after the test file if still running. */
export function spawnCli(program: CliProgram, args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [join(ROOT, 'bin', `${program}.js`), ...args], {
    cwd: options.cwd ?? ROOT,
    env: cliEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  if (options.input !== undefined) child.stdin!.end(options.input);
  else if (!options.keepStdin) child.stdin!.end();
  const lines: string[] = [];
  const errLines: string[] = [];
  const waiters: Array<{ list: string[]; test: (l: string) => boolean; resolve: (l: string) => void }> = [];
  const follow = (stream: NodeJS.ReadableStream, list: string[]): Promise<void> => new Promise((resolve) => {
    const rl = createInterface({ input: stream });
    rl.on('line', (line) => {
      list.push(line);
      for (const w of [...waiters]) {
        if (w.list === list && w.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    });
    rl.once('close', () => resolve());
  });
  const outEnded = follow(child.stdout!, lines);
  const errEnded = follow(child.stderr!, errLines);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const done = Promise.all([exited, outEnded, errEnded]).then(([{ code, signal }]) => ({
    code, signal, lines, errLines, stdout: lines.map((l) => `${l}\n`).join(''), stderr: errLines.map((l) => `${l}\n`).join(''),
  }));
  const waitIn = (list: string[], what: string) => (pattern: RegExp | string, timeoutMs = 20_000): Promise<string> => {
    const test = typeof pattern === 'string' ? (l: string) => l.includes(pattern) : (l: string) => pattern.test(l);
    const seen = list.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`${program} ${args.join(' ')}: no ${what} line matching ${String(pattern)} within ${timeoutMs} ms\n` +
          `stdout:\n${lines.join('\n')}\nstderr:\n${errLines.join('\n')}`));
      }, timeoutMs);
      const waiter = { list, test, resolve: (l: string) => { clearTimeout(timer); resolve(l); } };
      waiters.push(waiter);
      void done.then(() => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(new Error(`${program} ${args.join(' ')} exited before printing a ${what} line matching ${String(pattern)}\n` +
          `stdout:\n${lines.join('\n')}\nstderr:\n${errLines.join('\n')}`));
      });
    });
  };
  return {
    child, lines, errLines, done,
    waitForLine: waitIn(lines, 'stdout'),
    waitForErrLine: waitIn(errLines, 'stderr'),
    kill: (signal = 'SIGTERM') => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); },
  };
}

/** Run a CLI to completion. */
export function runCli(program: CliProgram, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(program, args, options).done;
}

/** `HH:MM:SS <label> | <text>`: the console line format (events.md). */
export function consoleLine(label: string, text: string | RegExp): RegExp {
  const body = typeof text === 'string' ? text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : text.source;
  return new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${label.replace(/\./g, '\\.')} \\| ${body}$`);
}
