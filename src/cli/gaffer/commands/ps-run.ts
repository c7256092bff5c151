import { NotFoundError, isGafferError } from '../../../errors.js';
import { UsageError } from '../../shared/usage-error.js';
import type { GafferCommand } from '../command.js';
import type { GafferContext } from '../context.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** What `ps:run` (or `run` with 0.5 options) asks for. */
export interface CommitArgs { job: string; gracefulTimeout?: string; app?: string; params: string[] }

export const psRunCommand: GafferCommand = {
  name: 'ps:run',
  summary: 'start a one-off process of a job on gafferd',
  description: `Start a one-off (committed) process of a job on gafferd: it is not counted
in numprocesses and never restarted. Its environment is the job's, plus the
.env variables, plus each -p KEY=VALUE. --graceful-timeout sets its own
SIGTERM -> SIGKILL delay (an integer number of seconds).

  $ gaffer ps:run worker -p TASK=reindex --graceful-timeout 60
  'myapp.worker': new process 7 launched`,
  configure: (cmd) => {
    cmd.argument('<job>', 'job (type, app.type or app/type)')
      .option('--graceful-timeout <T>', 'seconds between SIGTERM and SIGKILL for this process')
      .option('--app <APP>', 'application (session) of the job')
      .option('-p, --param <KEY=VALUE>', 'environment variable for this process (repeatable)', collect);
  },
  async run(ctx, args, opts) {
    return commitJob(ctx, { job: args[0] as string, gracefulTimeout: opts.gracefulTimeout as string | undefined, app: opts.app as string | undefined, params: (opts.param as string[] | undefined) ?? [] });
  },
};

/** Commit a one-off process of a job and print `'<F>': new process <pid> launched`. */
export async function commitJob(ctx: GafferContext, request: CommitArgs): Promise<number> {
  let gracefulTimeout: number | undefined;
  if (request.gracefulTimeout !== undefined) {
    if (!/^\d+$/.test(request.gracefulTimeout.trim())) throw new UsageError(`invalid graceful timeout '${request.gracefulTimeout}': expected a whole number of seconds`);
    gracefulTimeout = Number(request.gracefulTimeout);
  }
  const env: Record<string, string> = { ...(await ctx.envFiles()).env };
  for (const param of request.params) {
    const at = param.indexOf('=');
    if (at <= 0) throw new UsageError(`invalid parameter '${param}': expected KEY=VALUE`);
    env[param.slice(0, at)] = param.slice(at + 1);
  }
  const app = request.app === undefined ? await ctx.appName() : await ctx.appName(request.app);
  const target = await ctx.jobTarget(request.job, app);
  const full = `${target.sessionid}.${target.name}`;
  const client = await ctx.client();
  let pid: number;
  try {
    pid = await client.commitJob(target.sessionid, target.name, gracefulTimeout === undefined ? { env } : { graceful_timeout: gracefulTimeout, env });
  } catch (err) {
    if (isGafferError(err) && err.status === 404) throw new NotFoundError('not_found', `'${full}' not found`);
    throw err;
  }
  ctx.out(`'${full}': new process ${pid} launched`);
  return 0;
}

/**
 * The 0.5 form hidden in `gaffer run` words: `--graceful-timeout T`, `--app A`
 * or `-p K=V` anywhere make it a `ps:run` of the first other word.
 */
export function commitArgsOf(words: readonly string[]): CommitArgs | undefined {
  const rest: string[] = [];
  const request: CommitArgs = { job: '', params: [] };
  let found = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const eq = /^(--graceful-timeout|--app)=(.*)$/.exec(word);
    if (eq) {
      found = true;
      if (eq[1] === '--app') request.app = eq[2]!;
      else request.gracefulTimeout = eq[2]!;
    } else if ((word === '--graceful-timeout' || word === '--app') && i + 1 < words.length) {
      found = true;
      if (word === '--app') request.app = words[++i]!;
      else request.gracefulTimeout = words[++i]!;
    } else if (word === '-p' && /^[^=\s]+=/.test(words[i + 1] ?? '')) {
      found = true;
      request.params.push(words[++i]!);
    } else {
      rest.push(word);
    }
  }
  if (!found || rest.length !== 1) return undefined;
  request.job = rest[0]!;
  return request;
}
