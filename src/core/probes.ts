import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { Check } from './job-policy.js';
import { signalProcessGroup } from '../util/process-group.js';

/**
 * Run one readiness/health probe: a TCP connect, an HTTP GET answered 2xx, or
 * a command exiting 0. Resolves true/false, never rejects; bounded by timeoutMs.
 */
export function runProbe(check: Exclude<Check, { kind: 'line' }>, options: { env: Record<string, string>; cwd: string; timeoutMs: number }): Promise<boolean> {
  switch (check.kind) {
    case 'tcp': return probeTcp(check.host, check.port, options.timeoutMs);
    case 'http': return probeHttp(check.url, options.timeoutMs);
    case 'cmd': return probeCommand(check.command, options.env, options.cwd, options.timeoutMs);
  }
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function probeHttp(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

function probeCommand(command: string, env: Record<string, string>, cwd: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('/bin/sh', ['-c', command], { env, cwd, stdio: 'ignore', detached: true });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      signalProcessGroup(child.pid!, 'SIGKILL');
    }, timeoutMs);
    child.once('error', () => { clearTimeout(timer); resolve(false); });
    child.once('exit', (code) => { clearTimeout(timer); resolve(code === 0); });
  });
}
