// `gafferctl top` when stdout is not a terminal: one snapshot table every
// `interval` seconds (read over HTTP), a blank line between snapshots, until
// interrupted or `iterations` snapshots were printed. A lost gafferd is a
// notice on stderr and the next snapshot tries again.
import { UnreachableError } from '../../../client/client-errors.js';
import type { GafferClient } from '../../../client/gaffer-client.js';
import type { CtlContext } from '../context.js';
import { TopModel } from './top-model.js';
import { renderSnapshot } from './top-render.js';
import { readAllJobs } from './top-snapshot.js';

export interface TopPlainOptions {
  intervalMs: number;
  /** Stop after this many snapshots (undefined: until interrupted). */
  iterations?: number;
}

export async function runTopPlain(ctx: CtlContext, client: GafferClient, options: TopPlainOptions): Promise<number> {
  let stopped = false;
  let wake: (() => void) | undefined;
  const off = ctx.io.onSignal(() => {
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
      } catch (err) {
        // The first snapshot reports an unreachable gafferd as an error; later ones wait for it to come back.
        if (!(err instanceof UnreachableError) || n === 0 || err.isTls) throw err;
        if (!lost) ctx.err(`gafferctl: lost the connection to gafferd at ${client.endpoint.display}; retrying every ${options.intervalMs / 1000} s...`);
        lost = true;
        continue;
      }
      if (lost) ctx.err(`gafferctl: reconnected to gafferd at ${client.endpoint.display}`);
      lost = false;
      if (ctx.json) ctx.out(JSON.stringify(snapshotJson(model)));
      else {
        if (n > 0) ctx.out('');
        for (const line of renderSnapshot(model, client.endpoint.display)) ctx.out(line);
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
    jobs: [...model.jobs.values()].map((job) => ({
      ...job.info,
      processes: model.processesOf(job.full).map((p) => ({ pid: p.pid, os_pid: p.osPid, create_time: p.createTime ?? null, once: p.once, stats: p.stats ?? null })),
    })),
  };
}
