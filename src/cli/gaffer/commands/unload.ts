import type { GafferCommand } from '../command.js';
import { runSessionAction } from '../session-action.js';

export const unloadCommand: GafferCommand = {
  name: 'unload',
  summary: 'unload the application (or some of its jobs) from gafferd',
  description: `Unload the whole application from gafferd (its processes are stopped), or
only the named jobs (type, app.type). A single name that is not a type of the
local Procfile but is another loaded application unloads that application.
--from-file unloads the jobs named in a JSON job file. Each unload is
confirmed ([y]|n; end of input = yes; --no-input skips the question).

  $ gaffer unload
  Do you want to unload 'myapp'? [y]|n:
  ==> app 'myapp' unloaded
  $ gaffer unload worker --no-input
  job 'worker' unloaded`,
  configure: (cmd) => {
    cmd.argument('[names...]', 'jobs (type, app.type), or an application; a gafferd URL may follow')
      .option('--app <APP>', 'application (session)')
      .option('--from-file <JSON>', 'unload the jobs named in a JSON job file')
      .option('--no-input', 'do not ask for confirmation');
  },
  run: (ctx, args, opts) => runSessionAction(ctx, {
    verb: 'unload', done: 'unloaded', apply: (client, sid, name) => client.unloadJob(sid, name),
  }, args[0] as string[], opts),
};
