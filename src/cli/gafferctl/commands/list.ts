import { lastExitText, nextRetryText, type JobFailure } from '../../shared/job-failure.js';
import { formatTable } from '../../shared/format.js';
import type { CtlCommand } from '../context.js';

export const listCommand: CtlCommand = {
  name: 'list',
  summary: 'table of every job: state, running/target processes, pids, restarts, last exit, next retry',
  description: `Print one line per job with its state as the API reports it (running,
starting, backoff = waiting to respawn after failures, waiting, idle,
stopped; active/stopped from a gafferd without states), the number of
running processes, the target (numprocesses), the internal pids, the
respawns since load, the last unexpected exit and the next retry.
(An addition of this port.)

HTTP: GET /processes, then GET /status/<name> and /processes/<name>/_pids

  $ gafferctl list
  NAME       STATE    RUNNING  TARGET  PIDS   RESTARTS  LAST EXIT  NEXT RETRY
  dummy      running  3        3       1,3,4  0         -          -
  myapp.web  backoff  0        1       -      4         status 1   in 1.6s`,
  async run(ctx) {
    const client = await ctx.client();
    const names = (await client.processes()).map(String);
    const rows = await Promise.all(names.map(async (name) => {
      const [status, pids] = await Promise.all([client.status(name), client.processPids(name)]);
      return { name, ...status, pids };
    }));
    if (ctx.json) {
      ctx.out(JSON.stringify(rows));
      return;
    }
    if (rows.length === 0) {
      ctx.out('no job loaded');
      return;
    }
    const now = Date.now();
    const table = rows.map((r: (typeof rows)[number] & JobFailure) => [
      r.name, r.state ?? (r.active ? 'active' : 'stopped'), String(r.running), String(r.numprocesses), r.pids.join(',') || '-',
      r.restarts === undefined ? '-' : String(r.restarts), lastExitText(r), nextRetryText(r, now),
    ]);
    for (const line of formatTable(['NAME', 'STATE', 'RUNNING', 'TARGET', 'PIDS', 'RESTARTS', 'LAST EXIT', 'NEXT RETRY'], table)) ctx.out(line);
  },
};
