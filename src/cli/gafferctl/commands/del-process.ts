import type { CtlCommand } from '../context.js';

export const delProcess: CtlCommand = {
  name: 'del_process',
  summary: 'unload a job (its processes are stopped)',
  description: `Unload a job: its processes are stopped gracefully and the job is removed.

HTTP: DELETE /processes/<name>

  $ gafferctl del_process dummy
  ok`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    ctx.result(await client.deleteProcess(args[0] as string));
  },
};
