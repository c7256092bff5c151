import { parseCount } from './count.js';
import type { CtlCommand } from '../context.js';

export const subCommand: CtlCommand = {
  name: 'sub',
  summary: 'decrease the number of processes of a job',
  description: `Remove <inc> processes from a job (default 1; never below 0) and print the
new numprocesses. The oldest processes are stopped first.

HTTP: POST /processes/<name>/_sub/<inc>

  $ gafferctl sub dummy 2
  2`,
  configure: (cmd) => { cmd.argument('<name>', 'job name').argument('[inc]', 'number of processes to remove', parseCount, 1); },
  async run(ctx, args) {
    const [name, inc] = args as [string, number];
    const client = await ctx.client();
    const n = await client.scaleProcess(name, 'sub', inc);
    ctx.result(n, { ok: true, numprocesses: n });
  },
};
