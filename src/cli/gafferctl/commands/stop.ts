import type { CtlCommand } from '../context.js';

export const stopCommand: CtlCommand = {
  name: 'stop',
  summary: 'stop a job: stop its processes gracefully',
  description: `Stop a job: its processes get SIGTERM (SIGKILL after graceful_timeout) and
are not respawned until the job is started again.

HTTP: POST /processes/<name>/_stop

  $ gafferctl stop dummy
  ok`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    ctx.result(await client.processAction(args[0] as string, 'stop'));
  },
};
