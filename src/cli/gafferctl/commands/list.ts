import { formatTable } from '../format.js';
import type { CtlCommand } from '../context.js';

export const listCommand: CtlCommand = {
  name: 'list',
  summary: 'table of every job: status, running/target processes, pids',
  description: `Print one line per job with its status, the number of running processes,
the target (numprocesses) and the internal pids. (An addition of this port.)

HTTP: GET /processes, then GET /status/<name> and /processes/<name>/_pids

  $ gafferctl list
  NAME       STATUS   RUNNING  TARGET  PIDS
  dummy      active   3        3       1,3,4
  myapp.web  stopped  0        0       -`,
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
    const table = rows.map((r) => [r.name, r.active ? 'active' : 'stopped', String(r.running), String(r.numprocesses), r.pids.join(',') || '-']);
    for (const line of formatTable(['NAME', 'STATUS', 'RUNNING', 'TARGET', 'PIDS'], table)) ctx.out(line);
  },
};
