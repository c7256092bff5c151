// `gafferctl top` when stdout is not a terminal: one snapshot table every
// `interval` seconds (read over HTTP), a blank line between snapshots, until
// interrupted or `iterations` snapshots were printed. A lost gafferd is a
// notice on stderr and the next snapshot tries again.
import { UnreachableError } from '../../../client/client-errors.js';
import type { GafferClient } from '../../../client/gaffer-client.js';
import type { CliIo } from '../io.js';
import { TopModel } from './top-model.js';
import { renderSnapshot } from './top-render.js';
import { readAllJobs } from './top-snapshot.js';

export interface TopPlainOptions {
  intervalMs: number;
  /** One JSON object per snapshot. */
  json: boolean;
  /** Stop after this many snapshots (undefined: until interrupted). */
  iterations?: number;
}

/** Print snapshots until interrupted (or `iterations` were printed); resolves with the exit status. */
export async function runTopPlain(io: CliIo, client: GafferClient, options: TopPlainOptions): Promise<number> {
  const out = (line: string): void => { io.stdout.write(`${line}\n`); };
  const err = (line: string): void => { io.stderr.write(`${line}\n`); };
  let stopped = false;
  let wake: (() => void) | undefined;
  const off = io.onSignal(() => {
    stopped = true;
    wake?.();
  });
  let lost = false;
  try {
    for (let n = 0; !stopped && (options.iterations === undefined || n < options.iterations); n++) {
      if (n > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.intervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (stopped) break;
      }
      // A fresh model each time: plain snapshots show gafferd's figures only.
      const model = new TopModel();
      try {
        await readAllJobs(client, model);
      } catch (failure) {
        // The first snapshot reports an unreachable gafferd as an error; later ones wait for it to come back.
        if (!(failure instanceof UnreachableError) || n === 0 || failure.isTls) throw failure;
        if (!lost) err(`top: lost the connection to gafferd at ${client.endpoint.display}; retrying every ${options.intervalMs / 1000} s...`);
        lost = true;
        continue;
      }
      if (lost) err(`top: reconnected to gafferd at ${client.endpoint.display}`);
      lost = false;
      if (options.json) out(JSON.stringify(snapshotJson(model)));
      else {
        if (n > 0) out('');
        for (const line of renderSnapshot(model, client.endpoint.display)) out(line);
      }
    }
    return 0;
  } finally {
    off();
  }
}

// --json: one object per snapshot: time and each job's info with its processes (info + stats).
function snapshotJson(model: TopModel): Record<string, unknown> {
  return {
    time: new Date().toISOString(),
    jobs: [...model.jobs.values()].sort((a, b) => a.full.localeCompare(b.full)).map((job) => ({
      ...job.info,
      processes: model.processesOf(job.full).map((p) => ({ pid: p.pid, os_pid: p.osPid, create_time: p.createTime ?? null, once: p.once, stats: p.stats ?? null })),
    })),
  };
}
