import type { CtlCommand } from '../context.js';

export const numprocessesCommand: CtlCommand = {
  name: 'numprocesses',
  summary: 'print the target number of processes of a job',
  description: `Print the number of processes the job should run (its numprocesses target).

HTTP: GET /status/<name>

  $ gafferctl numprocesses dummy
  3`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    const status = await client.status(args[0] as string);
    ctx.result(status.numprocesses, status);
  },
};
