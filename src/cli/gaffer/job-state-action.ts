// The shared flow of `ps:start` and `ps:stop` (cli.md): all jobs of the
// application, or the named jobs (ps:stop: or internal pids), confirmed.
import { isGafferError } from '../../errors.js';
import { appJobs } from './app-jobs.js';
import type { GafferContext } from './context.js';

export interface StateAction {
  verb: 'start' | 'stop';
  done: 'started' | 'stopped';
  state: 0 | 1;
}

export async function runStateAction(ctx: GafferContext, action: StateAction, names: readonly string[]): Promise<number> {
  const app = await ctx.appName();
  if (names.length === 0) {
    if (!(await ctx.confirm(`Do you want to ${action.verb} all jobs in '${app}'`))) return 0;
    const client = await ctx.client();
    const jobs = await appJobs(client, app);
    if (!jobs) {
      ctx.err(`'${app}' not found`);
      return 1;
    }
    for (const full of jobs) {
      await client.setJobState(app, full.slice(app.length + 1), action.state);
      ctx.out(`job '${full}' ${action.done}`);
    }
    ctx.out(`==> all jobs in '${app}' ${action.done}`);
    return 0;
  }
  let status = 0;
  for (const name of names) {
    const isPid = action.verb === 'stop' && /^\d+$/.test(name);
    const target = isPid ? undefined : await ctx.jobTarget(name, app);
    if (!isPid && !target) continue;
    if (!(await ctx.confirm(`Do you want to ${action.verb} '${name}'`))) continue;
    const client = await ctx.client();
    try {
      if (isPid) await client.stopPid(name);
      else await client.setJobState(target!.sessionid, target!.name, action.state);
      ctx.out(`'${name}' ${action.done}`);
    } catch (err) {
      if (!isGafferError(err) || err.status !== 404) throw err;
      ctx.err(`'${name}' not found`);
      status = 1;
    }
  }
  return status;
}
