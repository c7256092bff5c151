import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { ROOT } from './paths.js';

export interface RunningGafferd {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` of the first TCP listener. */
  url: string;
  port: number;
  /** Every stderr (log) and stdout line so far. */
  logs: string[];
  stdout: string[];
  dir: string;
  /** Resolve with the first log line matching `pattern` (past or future). */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM and wait for the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface StartGafferdOptions {
  /** gaffer.ini text written to a temp dir and passed with -c. */
  config?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait for the listener (default true). */
  waitForListen?: boolean;
}

/**
 * Start the built gafferd as a real process on 127.0.0.1, port 0 unless the
 * config or args bind elsewhere. It is stopped by an `after()` hook registered
 * where it is called: call it inside the test (or at the top level of a file
 * for one daemon shared by the file), not inside a `before()` hook, whose own
 * end would stop it.
 */
export async function startGafferd(options: StartGafferdOptions = {}): Promise<RunningGafferd> {
  const dir = mkdtempSync(join(tmpdir(), 'gafferd-test-'));
  const args = [join(ROOT, 'bin', 'gafferd.js')];
  if (options.config !== undefined) {
    const file = join(dir, 'gaffer.ini');
    writeFileSync(file, options.config);
    args.push('-c', file);
  }
  const extra = options.args ?? [];
  if (!extra.includes('--bind') && !/^\s*bind\s*=/m.test(options.config ?? '')) args.push('--bind', '127.0.0.1:0');
  args.push(...extra);
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, FORCE_COLOR: '0', GAFFERD_STATE_DIR: join(dir, 'state'), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const stdout: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onLine = (line: string): void => {
    logs.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  createInterface({ input: child.stderr! }).on('line', onLine);
  createInterface({ input: child.stdout! }).on('line', (line) => { stdout.push(line); onLine(line); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = (pattern: RegExp, timeoutMs = 15000): Promise<string> => {
    const seen = logs.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gafferd did not log ${pattern} within ${timeoutMs} ms; logs:\n${logs.join('\n')}`)), timeoutMs);
      waiters.push({ pattern, resolve: (line) => { clearTimeout(timer); resolve(line); } });
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`gafferd exited (${code}) before logging ${pattern}; logs:\n${logs.join('\n')}`)); });
    });
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });
  let port = 0;
  if (options.waitForListen !== false) {
    // Every listener is logged before "gafferd started"; take the first TCP one (a unix socket may come first).
    await waitForLog(/gafferd started/);
    const line = logs.find((l) => /HTTP API listening on (?!unix:)/.test(l));
    port = Number(/:(\d+)\s*$/.exec(line ?? '')?.[1] ?? 0);
  }
  return { child, url: `http://127.0.0.1:${port}`, port, logs, stdout, dir, waitForLog, stop, exited };
}

/** Run gafferd to completion (for start-up errors): exit code and output. */
export function runGafferd(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const stateDir = mkdtempSync(join(tmpdir(), 'gafferd-state-'));
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'gafferd.js'), ...args], {
      cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GAFFERD_STATE_DIR: stateDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => {
      rmSync(stateDir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

/** GET a route of a gafferd and parse its JSON body. */
export async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  return res.json();
}

/**
 * Poll gafferd (another process, observable only through its API) until `ok` holds, every
 * 25 ms for at most `tries` probes; the error names what was awaited and the last value.
 */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, tries = 200): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
