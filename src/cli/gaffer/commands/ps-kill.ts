import { NotFoundError, isGafferError } from '../../../errors.js';
import { parseSignal } from '../../../util/signals.js';
import { UsageError } from '../../shared/usage-error.js';
import type { GafferCommand } from '../command.js';

export const psKillCommand: GafferCommand = {
  name: 'ps:kill',
  aliases: ['kill'],
  summary: 'send a signal to a job (all its processes) or a process',
  description: `Send <sig> (a number or a name with or without SIG: HUP, sigusr1, 9) to
every process of a job, or to one process (internal pid). Confirmed unless
--no-input.

  $ gaffer ps:kill web HUP --no-input
  'HUP' sent to 'web'`,
  configure: (cmd) => {
    cmd.argument('<job-or-pid>', 'job (type, app.type) or internal pid').argument('<sig>', 'signal number or name')
      .option('--app <APP>', 'application (session)')
      .option('--no-input', 'do not ask for confirmation');
  },
  async run(ctx, args) {
    const [name, sig] = args as [string, string];
    try {
      parseSignal(sig);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const isPid = /^\d+$/.test(name);
    const target = isPid ? undefined : await ctx.jobTarget(name, await ctx.appName());
    if (!(await ctx.confirm(`Do you want to send '${sig}' to '${name}'`))) return 0;
    const client = await ctx.client();
    try {
      if (isPid) await client.signalPid(name, sig);
      else await client.signalJob(target!.sessionid, target!.name, sig);
    } catch (err) {
      if (isGafferError(err) && err.status === 404) throw new NotFoundError('not_found', `'${name}' not found`);
      throw err;
    }
    ctx.out(`'${sig}' sent to '${name}'`);
    return 0;
  },
};
