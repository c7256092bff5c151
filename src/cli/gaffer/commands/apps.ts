import type { GafferCommand } from '../command.js';

export const appsCommand: GafferCommand = {
  name: 'apps',
  summary: 'list the applications (sessions) loaded in gafferd',
  description: `Print the id of every session (application) of gafferd, one per line.

  $ gaffer apps
  default
  myapp`,
  configure: (cmd) => { cmd.option('--json', 'print JSON'); },
  async run(ctx, _args, opts) {
    const sessions = await (await ctx.client()).sessions();
    if (opts.json === true) ctx.out(JSON.stringify(sessions));
    else for (const s of sessions) ctx.out(s);
  },
};
