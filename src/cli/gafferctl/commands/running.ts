import type { CtlCommand } from '../context.js';

export const runningCommand: CtlCommand = {
  name: 'running',
  summary: 'print the number of running processes of a job',
  description: `Print the number of processes the job keeps running.

HTTP: GET /status/<name>

  $ gafferctl running dummy
  3`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    const status = await client.status(args[0] as string);
    ctx.result(status.running, status);
  },
};
