import type { CtlCommand } from '../context.js';
import { configureTop, runTop, TOP_DESCRIPTION } from '../../shared/top/top-command.js';

export const topCommand: CtlCommand = {
  name: 'top',
  summary: 'a live full-screen view of jobs and processes (plain snapshots when not a terminal)',
  description: TOP_DESCRIPTION,
  configure: configureTop,
  async run(ctx, _args, opts) {
    return runTop(ctx.io, await ctx.client(), opts, ctx.json);
  },
};
