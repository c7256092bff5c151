// The shared flow of `unload` and `reload` (cli.md): the whole application,
// one bare name that is another application, named jobs, or the jobs of a
// JSON file; with confirmations and the 0.5 messages.
import { isGafferError } from '../../errors.js';
import type { GafferClient } from '../../client/gaffer-client.js';
import { explicitAppName, isAddress } from './app-name.js';
import { appJobs } from './app-jobs.js';
import type { GafferContext, JobTarget } from './context.js';
import { readJobFile } from './job-file.js';

export interface SessionAction {
  /** `unload` or `reload`. */
  verb: string;
  /** Past participle for the messages (`unloaded`). */
  done: string;
  apply(client: GafferClient, sessionid: string, name: string): Promise<unknown>;
}

/** Run `action` on what `words` and the options designate; resolves with the exit status. */
export async function runSessionAction(ctx: GafferContext, action: SessionAction, words: string[], opts: Record<string, unknown>): Promise<number> {
  const names = [...words];
  const address = names.findIndex(isAddress);
  if (address >= 0) ctx.useEndpoint(names.splice(address, 1)[0]!);
  const app = await ctx.appName();
  if (typeof opts.fromFile === 'string') {
    const forced = opts.app === undefined ? undefined : explicitAppName(opts.app as string, ctx.io.cwd);
    const jobs = (await readJobFile(opts.fromFile, ctx.io)).map((j) => ({ sessionid: forced ?? j.sessionid ?? app, name: j.name, typed: j.name }));
    return applyToJobs(ctx, action, jobs);
  }
  if (names.length === 0) return applyToApp(ctx, action, app);
  if (names.length === 1 && !/[./:]/.test(names[0]!) && opts.app === undefined && await isOtherApp(ctx, names[0]!)) {
    return applyToApp(ctx, action, names[0]!);
  }
  const targets: JobTarget[] = [];
  for (const name of names) {
    const target = await ctx.jobTarget(name, app);
    if (target) targets.push(target);
  }
  return applyToJobs(ctx, action, targets);
}

async function applyToApp(ctx: GafferContext, action: SessionAction, app: string): Promise<number> {
  if (!(await ctx.confirm(`Do you want to ${action.verb} '${app}'?`))) return 0;
  const client = await ctx.client();
  const jobs = await appJobs(client, app);
  if (!jobs) {
    ctx.err(`'${app}' not found`);
    return 1;
  }
  for (const full of jobs) await action.apply(client, app, full.slice(app.length + 1));
  ctx.out(`==> app '${app}' ${action.done}`);
  return 0;
}

async function applyToJobs(ctx: GafferContext, action: SessionAction, targets: readonly JobTarget[]): Promise<number> {
  let status = 0;
  for (const target of targets) {
    if (!(await ctx.confirm(`Do you want to ${action.verb} '${target.typed}'?`))) continue;
    const client = await ctx.client();
    try {
      await action.apply(client, target.sessionid, target.name);
      ctx.out(`job '${target.typed}' ${action.done}`);
    } catch (err) {
      if (!isGafferError(err) || err.status !== 404) throw err;
      ctx.err(`'${target.typed}' not found in '${target.sessionid}'`);
      status = 1;
    }
  }
  return status;
}

// A bare name that is not a type of the local Procfile but is an existing session (cli.md).
async function isOtherApp(ctx: GafferContext, name: string): Promise<boolean> {
  const procfile = await ctx.localProcfile();
  if (procfile?.entries.some((e) => e.type === name)) return false;
  try {
    await (await ctx.client()).jobs(name);
    return true;
  } catch (err) {
    if (isGafferError(err) && err.status === 404) return false;
    throw err;
  }
}
