import type { CtlCommand } from '../context.js';

export const processes: CtlCommand = {
  name: 'processes',
  summary: 'list the jobs (process templates), or the pids of running processes',
  description: `List the jobs loaded in gafferd by their 0.4 (legacy) names: the short name
for jobs of the 'default' session, 'session.name' otherwise.
With --running, list the internal pids of every live process instead.

HTTP: GET /processes[?running=true]

  $ gafferctl processes
  ["dummy", "echo", "myapp.web"]
  $ gafferctl processes --running
  [1, 2, 3]`,
  configure: (cmd) => { cmd.option('--running', 'list the internal pids of running processes'); },
  async run(ctx, _args, opts) {
    const client = await ctx.client();
    ctx.result(await client.processes(opts.running === true));
  },
};
