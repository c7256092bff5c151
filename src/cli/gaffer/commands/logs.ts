import type { IncomingMessage } from 'node:http';
import { InvalidArgumentError } from 'commander';
import type { GafferClient } from '../../../client/gaffer-client.js';
import { NotFoundError, isGafferError } from '../../../errors.js';
import { formatClock } from '../../../util/duration.js';
import { fullName } from '../../../util/names.js';
import { NameColors } from '../../shared/name-colors.js';
import type { GafferCommand } from '../command.js';
import type { GafferContext } from '../context.js';
import { followCanonicalEvents } from '../event-follower.js';

export const logsCommand: GafferCommand = {
  name: 'logs',
  summary: "print a job's log file or output history (-n, -f), or follow the events of the application",
  description: `With a job whose configuration has a log file (stdout_logfile,
stderr_logfile): print its last lines (-n N, default 10) and with -f keep
printing what the job writes, until interrupted. --stderr reads the file of
the job's stderr (its stdout_logfile when it has no stderr_logfile). With a
{pid} file name, the files of the job's current processes are printed, each
after a '==> <file> <==' line.

  $ gaffer logs web -n 2
  GET /health 200
  GET /orders 200
  $ gaffer logs web -f --stderr

A job without a log file shows its output history instead: the last lines
of stdout and stderr (--stderr: stderr alone) that gafferd keeps in memory
for every job (output_history), also those of processes that have already
exited; -f follows new lines.

Without a job, or with a job that has neither a log file nor an output
history (a notice says so on stderr), print the events of the jobs of the application as they happen,
until interrupted:

  HH:MM:SS <name> | <event> process with pid <pid>
  HH:MM:SS <name> | <event> <name>

--ps JOB keeps one job's events. Colours per name on a terminal
(--no-color turns them off).

  $ gaffer logs --ps web
  10:12:01 myapp.web | job.myapp.web.spawn process with pid 7
  10:12:05 myapp.web | job.myapp.web.exit process with pid 7

HTTP: GET /jobs/<sid>/<name>/logfile?stream=stdout&lines=N&follow=true
      GET /jobs/<sid>/<name>/output?lines=N&follow=true`,
  configure: (cmd) => {
    cmd.argument('[job]', "a job (type, app.type): print its log file")
      .option('-n, --lines <N>', 'with a job: number of lines to print (default 10)', parseLines)
      .option('-f, --follow', 'with a job: keep printing what it writes')
      .option('--stderr', "with a job: read its stderr log file")
      .option('--ps <JOB>', 'only the events of this job')
      .option('--app <APP>', 'application (session)')
      .option('--no-color', 'no colours');
  },
  async run(ctx, args, opts) {
    const job = args[0] as string | undefined;
    const app = await ctx.appName();
    if (job === undefined && opts.ps !== undefined) await ctx.jobTarget(String(opts.ps), app);
    if (job === undefined) return followEvents(ctx, opts.ps === undefined ? `job.${app}.` : `job.${app}.${String(opts.ps)}.`, opts.color !== false);
    const target = await ctx.jobTarget(job, app);
    const full = fullName(target.sessionid, target.name);
    const stream = opts.stderr === true ? 'stderr' : 'stdout';
    const follow = opts.follow === true;
    const client = await ctx.client();
    let res;
    try {
      res = await client.openLogfile(target.sessionid, target.name, { stream, lines: opts.lines as number | undefined, follow });
    } catch (err) {
      if (!isGafferError(err) || err.status !== 404) throw err;
      if (err.reason === 'not_found') throw new NotFoundError('not_found', `job '${full}' not found`);
      res = await openHistory(client, target, { stderr: opts.stderr === true, lines: opts.lines as number | undefined, follow });
      if (!res) {
        // Neither a log file nor a history (or a gafferd without the routes): the events, as without a job.
        ctx.err(`gaffer: job '${full}' has no ${stream} log file (stdout_logfile/stderr_logfile in its configuration) ` +
          'and keeps no output history (output_history); following its events instead');
        return followEvents(ctx, `job.${full}.`, opts.color !== false);
      }
    }
    const { copyLogStream } = await import('../../shared/log-stream.js');
    const end = await copyLogStream(res, ctx.io);
    if (end === 'broken') {
      ctx.err(`gaffer: the connection to gafferd at ${client.endpoint.display} broke while reading the log of '${full}'`);
      return 1;
    }
    // Only following ends with an interrupt; a tail cut short is incomplete.
    if (end === 'interrupted') return follow ? 0 : 1;
    if (end === 'ended' && follow) ctx.err(`gaffer: gafferd ended the log of '${full}' (the job was unloaded, or gafferd is stopping)`);
    return 0;
  },
};

// The job's output history (both streams unless stderr), or undefined when gafferd keeps none for it.
async function openHistory(client: GafferClient, target: { sessionid: string; name: string }, options: { stderr: boolean; lines: number | undefined; follow: boolean }): Promise<IncomingMessage | undefined> {
  try {
    return await client.openOutput(target.sessionid, target.name, { stream: options.stderr ? 'stderr' : undefined, lines: options.lines, follow: options.follow });
  } catch (err) {
    if (isGafferError(err) && err.status === 404 && err.reason !== 'not_found') return undefined;
    throw err;
  }
}

function parseLines(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a number of lines (0 or more), got ${JSON.stringify(value)}`);
  return Number(value);
}

// Print the canonical events whose type starts with `prefix` until a signal (status 0) or gafferd ends the feed (1).
async function followEvents(ctx: GafferContext, prefix: string, color: boolean): Promise<number> {
  const colours = await NameColors.create(color && ctx.color);
  const client = await ctx.client();
  const follower = await followCanonicalEvents(client, (type, payload) => {
    if (!type.startsWith(prefix)) return;
    const name = String(payload.name ?? '');
    const text = payload.pid === undefined ? `${type} ${name}` : `${type} process with pid ${String(payload.pid)}`;
    ctx.out(`${colours.paint(name, `${formatClock()} ${name} |`)} ${text}`);
  }, (notice) => ctx.err(`gaffer: ${notice.message}`));
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
}
