import { NotFoundError } from '../../../errors.js';
import { appJobs } from '../app-jobs.js';
import { formatTable } from '../../shared/format.js';
import type { GafferCommand } from '../command.js';

export const jobsCommand: GafferCommand = {
  name: 'jobs',
  summary: 'table of the jobs of gafferd (or of one application)',
  description: `One line per job: full name, state, running processes (kept + one-off),
target, internal pids. Without an application, every job of gafferd. (An
addition of this port.)

  $ gaffer jobs myapp
  JOB           STATE    RUNNING  TARGET  PIDS
  myapp.web     active   2        2       4,5
  myapp.worker  stopped  0        0       -`,
  configure: (cmd) => {
    cmd.argument('[app]', 'only this application').option('--app <APP>', 'only this application').option('--json', 'print JSON');
  },
  async run(ctx, args, opts) {
    const client = await ctx.client();
    const given = (opts.app as string | undefined) ?? (args[0] as string | undefined);
    const app = given === undefined ? undefined : await ctx.appName(given);
    const names = await appJobs(client, app);
    if (!names) throw new NotFoundError('not_found', `'${app}' not loaded`);
    const infos = await Promise.all(names.map((full) => {
      const dot = full.indexOf('.');
      return client.jobInfo(full.slice(0, dot), full.slice(dot + 1));
    }));
    if (opts.json === true) {
      ctx.out(JSON.stringify(infos));
      return 0;
    }
    if (infos.length === 0) {
      ctx.out('no job loaded');
      return 0;
    }
    const rows = infos.map((i) => [i.name, i.active ? 'active' : 'stopped', String(i.running), String(i.max_processes), i.processes.join(',') || '-']);
    for (const line of formatTable(['JOB', 'STATE', 'RUNNING', 'TARGET', 'PIDS'], rows)) ctx.out(line);
    return 0;
  },
};
