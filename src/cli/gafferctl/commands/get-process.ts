import type { CtlCommand } from '../context.js';

export const getProcess: CtlCommand = {
  name: 'get_process',
  summary: 'print the config of a job as JSON',
  description: `Print the stored config of a job as JSON (2-space indent, sorted keys).

HTTP: GET /processes/<name>

  $ gafferctl get_process dummy
  {
    "args": [],
    "cmd": "./dummy.py",
    ...
  }`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    const config = await client.getProcess(args[0] as string);
    ctx.result(config);
  },
};
