import type { CtlCommand } from '../context.js';

export const updateProcess: CtlCommand = {
  name: 'update_process',
  summary: 'change the command line of a job',
  description: `Replace the command line of a job, keeping its other settings (env,
numprocesses, redirections...). Running processes are restarted with the
new command; a stopped job is only started with --start.

HTTP: GET then PUT /processes/<name>

  $ gafferctl update_process web node server.js --port 8081
  web`,
  configure: (cmd) => {
    cmd.argument('<name>', 'job name').argument('<cmd...>', 'new command line').option('--start', 'start the job after the update');
  },
  async run(ctx, args, opts) {
    const [name, words] = args as [string, string[]];
    const client = await ctx.client();
    const current = await client.getProcess(name);
    const { name: _legacy, ...settings } = current;
    const reply = await client.updateProcess(name, { ...settings, cmd: words.join(' '), args: [] }, opts.start === true);
    ctx.result(name, reply);
  },
};
