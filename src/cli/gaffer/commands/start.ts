import { InvalidArgumentError } from 'commander';
import { NotFoundError } from '../../../errors.js';
import type { GafferCommand } from '../command.js';

/** Default seconds between SIGTERM and SIGKILL when `gaffer start` stops (foreman's). */
export const DEFAULT_STOP_TIMEOUT = 5;

/** `start` and `dev:start` (output only with -v). */
export function startCommand(dev: boolean): GafferCommand {
  return {
    name: dev ? 'dev:start' : 'start',
    summary: dev ? 'like start, showing the output of the processes only with -v' : 'run the Procfile in the foreground (like foreman)',
    description: `Run every process type of the Procfile (or only <type>) in the foreground,
with -c concurrency (default 1 each), the .env variables and PORT = base
(-p, else PORT from .env, else 5000) + 100 x the type's position + the
instance number - 1. A line with shell syntax (&&, |, >, VAR=value,
$(...)...) runs under /bin/sh -c as with foreman; a plain line is started
directly. Lines are prefixed with the time and the instance (web.1, web.2...):

  15:31:52 web.1 | spawn process with pid 51134
  15:31:52 web.1 | listening on 5000
  15:32:03 web.1 | exit process with pid 51134

Crashed processes are respawned. Ctrl-C, SIGTERM or SIGQUIT stops
everything: SIGTERM to each process, SIGKILL after -t seconds (default
${DEFAULT_STOP_TIMEOUT}); a second Ctrl-C kills at once. Exit status: 0 when every
process ended because gaffer stopped it, 1 when one exited on its own with
an error (non-zero status, signal, or could not be spawned) during the run.${dev ? '\n\ndev:start prints the output of the processes only with -v.' : ''}

  $ gaffer start -c web=2 -p 8000
  $ gaffer -f Procfile.dev start worker`,
    configure: (cmd) => {
      cmd.argument('[type]', 'only this process type')
        .option('-p, --port <PORT>', 'base PORT of the first type (default: PORT from .env, else 5000)', parsePort)
        .option('-t, --timeout <SECONDS>', `seconds between SIGTERM and SIGKILL when stopping (default ${DEFAULT_STOP_TIMEOUT})`, parseSeconds);
      if (dev) cmd.option('-v, --verbose', 'show the output of the processes');
    },
    async run(ctx, args, opts) {
      const type = args[0] as string | undefined;
      const procfile = await ctx.procfile();
      if (procfile.entries.length === 0) throw new NotFoundError('not_found', `procfile '${procfile.file}' has no process type ("<type>: <command>" lines)`);
      const { procfileToJobs } = await import('../../../config/procfile.js');
      const env = await ctx.envFiles();
      const jobs = procfileToJobs(procfile, {
        env: env.env, concurrency: await ctx.concurrency(), root: ctx.root, forLocalRun: true,
        basePort: opts.port as number | undefined, cwd: ctx.io.cwd,
      });
      const selected = type === undefined ? jobs : jobs.filter((j) => j.type === type);
      if (selected.length === 0) throw new NotFoundError('not_found', `'${type}' not found`);
      const { runForeground } = await import('../local-runner.js');
      return runForeground(selected, {
        io: ctx.io,
        color: ctx.color,
        showOutput: !dev || opts.verbose === true,
        gracefulTimeout: (opts.timeout as number | undefined) ?? DEFAULT_STOP_TIMEOUT,
      });
    },
  };
}

export function parsePort(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 65535) throw new InvalidArgumentError(`expected a port number, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number of seconds, got ${JSON.stringify(value)}`);
  return n;
}
