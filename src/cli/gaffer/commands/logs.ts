import { formatClock } from '../../../util/duration.js';
import { NameColors } from '../../gafferctl/name-colors.js';
import type { GafferCommand } from '../command.js';
import { followCanonicalEvents } from '../event-follower.js';

export const logsCommand: GafferCommand = {
  name: 'logs',
  summary: 'follow the events of the application (or of one job)',
  description: `Print the events of the jobs of the application as they happen, until
interrupted:

  HH:MM:SS <name> | <event> process with pid <pid>
  HH:MM:SS <name> | <event> <name>

--ps JOB keeps one job's events. Colours per name on a terminal
(--no-color turns them off).

  $ gaffer logs --ps web
  10:12:01 myapp.web | job.myapp.web.spawn process with pid 7
  10:12:05 myapp.web | job.myapp.web.exit process with pid 7`,
  configure: (cmd) => {
    cmd.option('--ps <JOB>', 'only this job').option('--app <APP>', 'application (session)').option('--no-color', 'no colours');
  },
  async run(ctx, _args, opts) {
    const app = await ctx.appName();
    const prefix = opts.ps === undefined ? `job.${app}.` : `job.${app}.${String(opts.ps)}.`;
    const colours = await NameColors.create(opts.color !== false && ctx.color);
    const client = await ctx.client();
    const follower = await followCanonicalEvents(client, (type, payload) => {
      if (!type.startsWith(prefix)) return;
      const name = String(payload.name ?? '');
      const text = payload.pid === undefined ? `${type} ${name}` : `${type} process with pid ${String(payload.pid)}`;
      ctx.out(`${colours.paint(name, `${formatClock()} ${name} |`)} ${text}`);
    }, (notice) => ctx.err(`gaffer: ${notice.message}`));
    // Ends on a signal (status 0), or when gafferd ends the feed for good (status 1).
    const ended = await new Promise<{ interrupted: boolean; failure?: unknown }>((resolve) => {
      const off = ctx.io.onSignal(() => {
        off();
        resolve({ interrupted: true });
      });
      follower.done.then(() => resolve({ interrupted: false }), (err: unknown) => resolve({ interrupted: false, failure: err })).finally(off);
    });
    follower.close();
    if (ended.failure !== undefined) throw ended.failure;
    if (!ended.interrupted) {
      ctx.err(`gaffer: gafferd at ${client.endpoint.display} closed the event channel`);
      return 1;
    }
    return 0;
  },
};
