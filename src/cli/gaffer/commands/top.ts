import type { GafferCommand } from '../command.js';
import { configureTop, runTop, TOP_DESCRIPTION } from '../../shared/top/top-command.js';

/** `gaffer top`: the same live view as `gafferctl top`, on the gafferd of -g/--endpoint. */
export const topCommand: GafferCommand = {
  name: 'top',
  summary: "a live full-screen view of gafferd's jobs and processes (as gafferctl top)",
  description: TOP_DESCRIPTION.replace(/gafferctl top/g, 'gaffer top'),
  configure: (cmd) => {
    configureTop(cmd);
    cmd.option('--json', 'plain mode: one JSON object per snapshot');
  },
  async run(ctx, _args, opts) {
    return runTop(ctx.io, await ctx.client(), opts, opts.json === true);
  },
};
