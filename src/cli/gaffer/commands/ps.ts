import { NotFoundError } from '../../../errors.js';
import { appJobs } from '../app-jobs.js';
import type { JobInfo, JobStats } from '../../../client/gaffer-client.js';
import { NameColors } from '../../gafferctl/name-colors.js';
import type { GafferCommand } from '../command.js';

export const psCommand: GafferCommand = {
  name: 'ps',
  summary: 'list the active jobs of the application with their processes',
  description: `For each active job of the application (load order): its command, the total
CPU (%) and memory (%) of its processes, and one line per process with its
internal pid and CPU time. --json prints the job info and stats.

  $ gaffer ps
  === dummy: \`python -u dummy_basic.py\`
  Total CPU: 0.00 Total MEM: 0.30

  dummy.1: up for 0:00.44
  dummy.3: up for 0:00.40`,
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
      const info = await client.jobInfo(app, short);
      const stats = info.active ? await client.jobStats(app, short) : undefined;
      return { short, info, stats };
    }));
    const active = jobs.filter((j) => j.info.active);
    if (opts.json === true) {
      ctx.out(JSON.stringify(active.map((j) => ({ ...j.info, stats: j.stats }))));
      return 0;
    }
    const colours = await NameColors.create(ctx.color);
    for (const job of active) {
      for (const line of psBlock(job.short, job.info, job.stats)) ctx.out(colours.paint(job.short, line));
    }
    return 0;
  },
};

/** The lines of one job (cli.md → ps). */
export function psBlock(short: string, info: JobInfo, stats: JobStats | undefined): string[] {
  const args = info.config.args;
  const command = [info.config.cmd, ...(Array.isArray(args) ? args : typeof args === 'string' && args !== '' ? [args] : [])].join(' ');
  const ctimes = new Map((stats?.stats ?? []).map((s) => [s.pid, s.ctime]));
  return [
    `=== ${short}: \`${command}\``,
    `Total CPU: ${twoDecimals(stats?.cpu)} Total MEM: ${twoDecimals(stats?.mem)}`,
    '',
    ...info.processes.map((pid) => `${short}.${pid}: up for ${ctimes.get(pid) ?? 'N/A'}`),
  ];
}

function twoDecimals(value: number | string | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : 'N/A';
}
