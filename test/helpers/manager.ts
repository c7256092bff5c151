import { after } from 'node:test';
import { Manager, type ManagerOptions } from '../../src/core/manager.js';

/** A started Manager stopped automatically after the test file. */
export async function startManager(options: ManagerOptions = {}): Promise<Manager> {
  const manager = new Manager(options);
  await manager.start();
  after(() => manager.stop());
  return manager;
}

/** A logger that records messages (for asserting on operator-facing lines). */
export function recordingLogger(): { lines: string[]; debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

/** Resolve when every one of `count` processes of the manager has printed a line matching `pattern`. */
export function outputFrom(manager: Manager, pattern: RegExp, count = 1, timeoutMs = 15000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const pids = new Set<number>();
    const stop = manager.onOutput((chunk, proc) => {
      if (!pattern.test(chunk.data.toString('utf8'))) return;
      pids.add(proc.pid);
      if (pids.size === count) {
        clearTimeout(timer);
        stop();
        resolve([...pids]);
      }
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} processes to print ${pattern}`));
    }, timeoutMs);
  });
}
