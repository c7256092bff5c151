import { InvalidArgumentError } from 'commander';
import { isGafferError } from '../../../errors.js';
import { fullName, parseJobName } from '../../../util/names.js';
import type { CtlCommand } from '../context.js';
import { copyLogStream } from '../../shared/log-stream.js';

export const tailCommand: CtlCommand = {
  name: 'tail',
  summary: "print the last lines of a job's log file, and follow it with -f",
  description: `Print the last lines (-n N, default 10) of the log file of a job
(stdout_logfile, or with --stderr the file of its stderr: stderr_logfile,
else stdout_logfile); with -f keep printing what the job writes until
interrupted (Ctrl-C, SIGTERM; exit status 0). <name> is a 0.4 name (dummy =
default.dummy) or session.name. With a {pid} file name, the files of the
job's current processes are printed, each after a '==> <file> <==' line.
A job without a log file shows its output history instead (the last lines
gafferd keeps in memory, output_history: stdout and stderr, or stderr alone
with --stderr), also for processes that have already exited.
(An addition of this port.)

HTTP: GET /jobs/<sid>/<name>/logfile?stream=stdout|stderr&lines=N[&follow=true]
      GET /jobs/<sid>/<name>/output?lines=N[&stream=stderr][&follow=true]

  $ gafferctl tail dummy -n 2
  hello, dummy (pid: 51134) is alive
  hello, dummy (pid: 51134) is alive
  $ gafferctl tail myapp.web -f --stderr`,
  configure: (cmd) => {
    cmd.argument('<name>', 'job name')
      .option('-n, --lines <N>', 'number of lines (default 10)', parseLines)
      .option('-f, --follow', 'keep printing what the job writes')
      .option('--stderr', 'read the log file of stderr');
  },
  async run(ctx, args, opts) {
    const name = args[0] as string;
    const job = parseJobName(name);
    const stream = opts.stderr === true ? 'stderr' : 'stdout';
    const follow = opts.follow === true;
    const client = await ctx.client();
    let res;
    try {
      res = await client.openLogfile(job.sessionid, job.name, { stream, lines: opts.lines as number | undefined, follow });
    } catch (err) {
      if (!isGafferError(err) || err.reason !== 'no_logfile') throw err;
      // No log file: the job's output history (kept in memory by gafferd), both streams unless --stderr.
      try {
        res = await client.openOutput(job.sessionid, job.name, { stream: opts.stderr === true ? 'stderr' : undefined, lines: opts.lines as number | undefined, follow });
      } catch (historyErr) {
        if (!isGafferError(historyErr) || historyErr.status !== 404 || historyErr.reason === 'not_found') throw historyErr;
        ctx.err(`gafferctl: job '${fullName(job.sessionid, job.name)}' writes no ${stream} log file and keeps no output history; ` +
          `set ${stream}_logfile or output_history in its configuration`);
        return 1;
      }
    }
    const end = await copyLogStream(res, ctx.io);
    if (end === 'broken') {
      ctx.err(`gafferctl: the connection to gafferd at ${client.endpoint.display} broke while reading the log of '${name}'`);
      return 1;
    }
    // Only following ends with an interrupt; a tail cut short is incomplete.
    if (end === 'interrupted') return follow ? 0 : 1;
    if (end === 'ended' && follow) ctx.err(`gafferctl: gafferd ended the log of '${name}' (the job was unloaded, or gafferd is stopping)`);
    return 0;
  },
};

function parseLines(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a number of lines (0 or more), got ${JSON.stringify(value)}`);
  return Number(value);
}
