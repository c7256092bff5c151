import { NotFoundError, isGafferError } from '../../../errors.js';
import type { GafferCommand } from '../command.js';

export const psInfoCommand: GafferCommand = {
  name: 'ps:info',
  summary: 'information about a job, or a process (internal pid)',
  description: `With an internal pid: the process info, one "key: value" line per member.
With a job: whether it is active, its running and target process counts and
its pids.

  $ gaffer ps:info web
  active: True
  running: 2
  num_processes: 2
  pids: 4,5
  $ gaffer ps:info 4
  pid: 4
  name: myapp.web
  ...`,
  configure: (cmd) => {
    cmd.argument('<target>', 'job (type, app.type) or internal pid').option('--app <APP>', 'application (session)').option('--json', 'print JSON');
  },
  async run(ctx, args, opts) {
    const text = args[0] as string;
    const client = await ctx.client();
    if (/^\d+$/.test(text)) {
      let info: Record<string, unknown>;
      try {
        info = await client.processInfo(text);
      } catch (err) {
        if (isGafferError(err) && err.status === 404) throw new NotFoundError('not_found', `process '${text}' not found`);
        throw err;
      }
      if (opts.json === true) ctx.out(JSON.stringify(info));
      else for (const [key, value] of Object.entries(info)) ctx.out(`${key}: ${show(value)}`);
      return 0;
    }
    const target = await ctx.jobTarget(text, await ctx.appName());
    let info;
    try {
      info = await client.jobInfo(target.sessionid, target.name);
    } catch (err) {
      if (isGafferError(err) && err.status === 404) throw new NotFoundError('not_found', `job '${text}' not found`);
      throw err;
    }
    if (opts.json === true) {
      ctx.out(JSON.stringify(info));
      return 0;
    }
    ctx.out(`active: ${show(info.active)}`);
    ctx.out(`running: ${info.running}`);
    ctx.out(`num_processes: ${info.max_processes}`);
    ctx.out(`pids: ${info.processes.join(',')}`);
    return 0;
  },
};

// Booleans as True/False (the original's look), scalars as is, the rest as JSON.
function show(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
