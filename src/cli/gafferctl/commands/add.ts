import { parseCount } from './count.js';
import type { CtlCommand } from '../context.js';

export const addCommand: CtlCommand = {
  name: 'add',
  summary: 'increase the number of processes of a job',
  description: `Add <inc> processes to a job (default 1) and print the new numprocesses.

HTTP: POST /processes/<name>/_add/<inc>

  $ gafferctl add dummy 3
  4`,
  configure: (cmd) => { cmd.argument('<name>', 'job name').argument('[inc]', 'number of processes to add', parseCount, 1); },
  async run(ctx, args) {
    const [name, inc] = args as [string, number];
    const client = await ctx.client();
    const n = await client.scaleProcess(name, 'add', inc);
    ctx.result(n, { ok: true, numprocesses: n });
  },
};
