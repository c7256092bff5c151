import type { CtlCommand } from '../context.js';

export const restartCommand: CtlCommand = {
  name: 'restart',
  summary: 'rolling restart of a job',
  description: `Restart a job: new processes are spawned, then the old ones are stopped.
(An addition of this port; 0.4 had the route but no command.)

HTTP: POST /processes/<name>/_restart

  $ gafferctl restart dummy
  ok`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    ctx.result(await client.processAction(args[0] as string, 'restart'));
  },
};
