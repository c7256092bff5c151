import type { GafferCommand } from '../command.js';
import { runStateAction } from '../job-state-action.js';

export const psStopCommand: GafferCommand = {
  name: 'ps:stop',
  summary: 'stop jobs of the application on gafferd',
  description: `Stop every job of the application, or the named jobs (type, app.type), or
single processes (internal pids). A stopped job keeps its config; start it
again with ps:start.
Each one is confirmed ([y]|n; end of input = yes; --no-input skips).

  $ gaffer ps:stop web --no-input
  'web' stopped
  $ gaffer ps:stop 7 --no-input
  '7' stopped`,
  configure: (cmd) => {
    cmd.argument('[jobs...]', 'jobs (type, app.type) or internal pids')
      .option('--app <APP>', 'application (session)')
      .option('--no-input', 'do not ask for confirmation');
  },
  run: (ctx, args) => runStateAction(ctx, { verb: 'stop', done: 'stopped', state: 0 }, args[0] as string[]),
};
