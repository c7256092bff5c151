import type { CtlCommand } from '../context.js';

export const startCommand: CtlCommand = {
  name: 'start',
  summary: 'start a job: spawn its processes',
  description: `Start a job: clear its stopped flag and spawn numprocesses processes.

HTTP: POST /processes/<name>/_start

  $ gafferctl start dummy
  ok`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    ctx.result(await client.processAction(args[0] as string, 'start'));
  },
};
