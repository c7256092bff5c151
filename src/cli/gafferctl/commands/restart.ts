import type { CtlCommand } from '../context.js';

export const restartCommand: CtlCommand = {
  name: 'restart',
  summary: 'restart (reload) every process of a job; alias: reload',
  description: `Restart a job's processes. With reload_strategy = rolling the replacements start batch
by batch, each ready before an old process is stopped; the command waits for the rollout and
exits 1 with gafferd's reason when a replacement never gets ready (the old processes keep
running). \`gafferctl reload <name>\` is the same command.
(An addition of this port; 0.4 had the route but no command.)

HTTP: POST /processes/<name>/_restart

  $ gafferctl restart dummy
  ok`,
  configure: (cmd) => { cmd.alias('reload').argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    ctx.result(await client.processAction(args[0] as string, 'restart'));
  },
};
