import type { GafferCommand } from '../command.js';
import { runSessionAction } from '../session-action.js';

export const reloadCommand: GafferCommand = {
  name: 'reload',
  summary: 'reload (restart) the application or some of its jobs on gafferd',
  description: `Reload every job of the application, or only the named jobs: each job's
processes are replaced by new ones (state 2). Confirmed like unload.

  $ gaffer reload --no-input
  ==> app 'myapp' reloaded
  $ gaffer reload web --no-input
  job 'web' reloaded`,
  configure: (cmd) => {
    cmd.argument('[names...]', 'jobs (type, app.type), or an application')
      .option('--app <APP>', 'application (session)')
      .option('--from-file <JSON>', 'reload the jobs named in a JSON job file')
      .option('--no-input', 'do not ask for confirmation');
  },
  run: (ctx, args, opts) => runSessionAction(ctx, {
    verb: 'reload', done: 'reloaded', apply: (client, sid, name) => client.setJobState(sid, name, 2),
  }, args[0] as string[], opts),
};
