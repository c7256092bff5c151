import type { CtlCommand } from '../context.js';

export const statusCommand: CtlCommand = {
  name: 'status',
  summary: 'print whether a job is active or stopped',
  description: `Print 'active' when the job has at least one process, else 'stopped'.
With --json, print the whole status object.

HTTP: GET /status/<name>

  $ gafferctl status dummy
  active
  $ gafferctl status dummy --json
  {"active":true,"running":1,"max_processes":1,"numprocesses":1}`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    const status = await client.status(args[0] as string);
    ctx.result(status.active ? 'active' : 'stopped', status);
  },
};
