import type { GafferCommand } from '../command.js';
import { runStateAction } from '../job-state-action.js';

export const psStartCommand: GafferCommand = {
  name: 'ps:start',
  summary: 'start jobs of the application on gafferd',
  description: `Start every job of the application, or the named jobs (type, app.type).
Each one is confirmed ([y]|n; end of input = yes; --no-input skips).

  $ gaffer ps:start --no-input
  job 'myapp.web' started
  ==> all jobs in 'myapp' started
  $ gaffer ps:start web --no-input
  'web' started`,
  configure: (cmd) => {
    cmd.argument('[jobs...]', 'jobs (type, app.type)')
      .option('--app <APP>', 'application (session)')
      .option('--no-input', 'do not ask for confirmation');
  },
  run: (ctx, args) => runStateAction(ctx, { verb: 'start', done: 'started', state: 1 }, args[0] as string[]),
};
