import { formatTable } from '../../shared/format.js';
import type { GafferCommand } from '../command.js';
import { jobNotFound } from './job-errors.js';

export const statsCommand: GafferCommand = {
  name: 'stats',
  summary: 'CPU and memory of the processes of a job',
  description: `One line per process of the job (kept and one-off): internal and OS pid,
CPU %, memory %, resident and virtual memory, CPU time; then the totals.
(An addition of this port.)

  $ gaffer stats web
  PID  OS PID  CPU %  MEM %  RSS  VSZ   CPU TIME
  4    51134   0.0    0.3    31M  987M  0:00.44
  5    51135   0.0    0.3    30M  987M  0:00.40
  total        0.00   0.60`,
  configure: (cmd) => {
    cmd.argument('<job>', 'job (type, app.type)').option('--app <APP>', 'application (session)').option('--json', 'print JSON');
  },
  async run(ctx, args, opts) {
    const app = await ctx.appName();
    const target = await ctx.jobTarget(args[0] as string, app);
    const client = await ctx.client();
    const stats = await jobNotFound(target, () => client.jobStats(target.sessionid, target.name));
    if (opts.json === true) {
      ctx.out(JSON.stringify(stats));
      return 0;
    }
    const rows = stats.stats.map((s) => [String(s.pid), String(s.os_pid), String(s.cpu), String(s.mem), s.mem_info1, s.mem_info2, s.ctime]);
    const total = (v: number | string): string => (typeof v === 'number' ? v.toFixed(2) : v);
    rows.push(['total', '', total(stats.cpu), total(stats.mem), '', '', '']);
    for (const line of formatTable(['PID', 'OS PID', 'CPU %', 'MEM %', 'RSS', 'VSZ', 'CPU TIME'], rows)) ctx.out(line);
    return 0;
  },
};
