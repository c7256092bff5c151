import type { CtlCommand } from '../context.js';

export const addProcess: CtlCommand = {
  name: 'add_process',
  summary: 'load a job from a name and a command line',
  description: `Load a job (process template) named <name> running <cmd> (the command and
its arguments; quote it or pass the words after the name). The job is only
started with --start.

HTTP: POST /processes

  $ gafferctl add_process --start web node server.js --port 8080
  web`,
  configure: (cmd) => {
    cmd.argument('<name>', 'job name (session.name for another session than default)')
      .argument('<cmd...>', 'command line')
      .option('--start', 'start the job once loaded');
  },
  async run(ctx, args, opts) {
    const [name, words] = args as [string, string[]];
    const client = await ctx.client();
    const reply = await client.addProcess({ name, cmd: words.join(' ') }, opts.start === true);
    ctx.result(name, reply);
  },
};
