import type { CtlCommand } from '../context.js';

export const pidsCommand: CtlCommand = {
  name: 'pids',
  summary: 'print the internal pids of the processes of a job',
  description: `Print the internal pids of the processes a job keeps running, as a JSON list.

HTTP: GET /processes/<name>/_pids

  $ gafferctl pids dummy
  [1, 3, 4]`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    const pids = await client.processPids(args[0] as string);
    ctx.result(pids, { ok: true, pids });
  },
};
