import { parseSignal } from '../../../util/signals.js';
import { UsageError } from '../../shared/usage-error.js';
import type { CtlCommand } from '../context.js';

export const killCommand: CtlCommand = {
  name: 'kill',
  summary: 'send a signal to every process of a job, or to one process',
  description: `Send a signal to every process of a job, or to one process when the first
argument is an internal pid. The signal is a number or a name with or without
SIG, in any case (HUP, sigterm, 9); names are converted to numbers here.

HTTP: POST /processes/<name_or_pid>/_signal/<signum>

  $ gafferctl kill dummy HUP
  ok
  $ gafferctl kill 3 9
  ok`,
  configure: (cmd) => { cmd.argument('<name_or_pid>', 'job name or internal pid').argument('<signum>', 'signal number or name'); },
  async run(ctx, args) {
    const [target, signal] = args as [string, string];
    let signum: number;
    try {
      signum = parseSignal(signal);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const client = await ctx.client();
    ctx.result(await client.signalProcess(target, signum));
  },
};
