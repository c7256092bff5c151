import { NotFoundError } from '../../../errors.js';
import { appJobs } from '../app-jobs.js';
import type { JobInfo } from '../../../client/gaffer-client.js';
import { isFailing, psBlock, type JobFailure } from '../ps-lines.js';
import { NameColors } from '../../shared/name-colors.js';
import type { GafferCommand } from '../command.js';

export const psCommand: GafferCommand = {
  name: 'ps',
  summary: 'list the active jobs of the application with their processes',
  description: `For each active or failing job of the application (load order): its
command, the total CPU (%) and memory (%) of its processes, a State line once
the job has failed since load (state, restarts, last exit, next retry, spawn
error), and one
line per process with its internal pid, its uptime ([[d-]h:]mm:ss) and
its CPU time. --json prints the job info and stats.

  $ gaffer ps
  === dummy: \`python -u dummy_basic.py\`
  Total CPU: 0.00 Total MEM: 0.30

  dummy.1: up for 02:13 (CPU time 0:00.44)
  dummy.3: up for 02:13 (CPU time 0:00.40)
  === web: \`node server.js\`
  Total CPU: N/A Total MEM: N/A
  State: backoff, 4 restarts, last exit: status 1 (pid 9, os pid 4242) 00:01 ago, next retry in 1.6s`,
  configure: (cmd) => {
    cmd.argument('[app]', 'application (session)').option('--app <APP>', 'application (session)').option('--json', 'print JSON');
  },
  async run(ctx, args, opts) {
    const app = await ctx.appName(args[0] as string | undefined);
    const client = await ctx.client();
    const names = await appJobs(client, app);
    if (!names) throw new NotFoundError('not_found', `'${app}' not loaded`);
    const jobs = await Promise.all(names.map(async (full) => {
      const short = full.slice(app.length + 1);
      const info: JobInfo & JobFailure = await client.jobInfo(app, short);
      const stats = info.active ? await client.jobStats(app, short) : undefined;
      // A process may exit between the two requests: its start time is then unknown.
      const processes = await Promise.all(info.processes.map(async (pid) => {
        const p = await client.processInfo(pid).catch(() => undefined);
        return { pid, createTime: typeof p?.create_time === 'number' ? p.create_time : undefined };
      }));
      return { short, info, stats, processes };
    }));
    const active = jobs.filter((j) => j.info.active || isFailing(j.info));
    if (opts.json === true) {
      ctx.out(JSON.stringify(active.map((j) => ({ ...j.info, stats: j.stats }))));
      return 0;
    }
    const colours = await NameColors.create(ctx.color);
    const now = Date.now();
    for (const job of active) {
      for (const line of psBlock(job.short, job.info, job.stats, job.processes, now)) ctx.out(colours.paint(job.short, line));
    }
    return 0;
  },
};
