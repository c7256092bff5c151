import { basename } from 'node:path';
import { BadRequestError } from '../../../errors.js';
import { UsageError } from '../../shared/usage-error.js';
import type { GafferCommand } from '../command.js';
import { commitArgsOf, commitJob } from './ps-run.js';
import { DEFAULT_STOP_TIMEOUT, parseSeconds } from './start.js';

/** `run` and `dev:run` (output only with -v). */
export function runCommand(dev: boolean): GafferCommand {
  return {
    name: dev ? 'dev:run' : 'run',
    summary: dev ? 'like run, showing the output only with -v' : 'run a one-off command locally with the Procfile environment',
    description: `Run <command> <args> locally with the application's environment (the .env files), -c N
copies at once (default 1). A single quoted word is a command line under the
Procfile rule: with shell syntax (&&, |, >, VAR=value, $(...), parentheses...)
it runs under /bin/sh -c, else it is split into words and exec'd, $VAR
substituted. Several words are exec'd exactly as given (your shell already
expanded them). Output lines are labelled with the base name of
the executable (name.1, name.2... with several copies). Nothing is
restarted; gaffer exits when all copies have exited: status 0 when all
exited with 0, else 1. Ctrl-C stops them (SIGKILL after -t seconds).

Given --graceful-timeout, --app or -p KEY=VALUE, run means ps:run (start a
one-off process of a job on gafferd).${dev ? '\n\ndev:run prints the output of the processes only with -v.' : ''}

  $ gaffer run node scripts/migrate.js --dry-run
  10:02:11 node | spawn process with pid 4242
  10:02:11 node | 3 migrations to apply
  10:02:12 node | exit process with pid 4242`,
    configure: (cmd) => {
      cmd.argument('[command...]', 'command and arguments')
        .option('-t, --timeout <SECONDS>', `seconds between SIGTERM and SIGKILL on Ctrl-C (default ${DEFAULT_STOP_TIMEOUT})`, parseSeconds)
        .option('--graceful-timeout <T>', 'ps:run: seconds between SIGTERM and SIGKILL')
        .option('--app <APP>', 'ps:run: application of the job')
        .option('-p, --param <KEY=VALUE>', 'ps:run: environment variable (repeatable)', (v: string, all: string[] = []) => [...all, v])
        .passThroughOptions();
      if (dev) cmd.option('-v, --verbose', 'show the output of the processes');
    },
    async run(ctx, args, opts) {
      const words = args[0] as string[];
      const params = (opts.param as string[] | undefined) ?? [];
      if (opts.gracefulTimeout !== undefined || opts.app !== undefined || params.length > 0) {
        if (words.length !== 1) throw new BadRequestError('bad_value', 'ps:run takes exactly one job name');
        return commitJob(ctx, { job: words[0]!, gracefulTimeout: opts.gracefulTimeout as string | undefined, app: opts.app as string | undefined, params });
      }
      const commit = commitArgsOf(words);
      if (commit) return commitJob(ctx, commit);
      if (words.length === 0) throw new BadRequestError('bad_value', 'command is missing');
      const copies = copiesOf(ctx.options.concurrency ?? []);
      await ctx.procfile();
      const [{ procfileCommand }, { normalizeJobConfig }, { quoteWord }] = await Promise.all([
        import('../../../config/procfile-command.js'), import('../../../core/job-config.js'), import('../../../config/shell-words.js'),
      ]);
      // One word is a command line under the Procfile-line rule; several words were already
      // split and expanded by the user's shell: exec'd as they are (`$` kept literally).
      const command = words.length === 1
        ? procfileCommand(words[0]!)
        : { shell: false, cmd: words[0]!, args: words.slice(1).map(literalDollars) };
      if (command.cmd === '') throw new BadRequestError('bad_value', 'command is missing');
      const label = basename(command.shell ? firstProgram(command.cmd) : command.cmd);
      const env = await ctx.envFiles();
      const config = normalizeJobConfig({
        name: label.replace(/[./:\s]/g, '_').replace(/^\d+$/, (d) => `cmd${d}`) || 'command',
        cmd: command.shell ? command.cmd : quoteWord(words.length === 1 ? command.cmd : literalDollars(command.cmd)),
        args: command.args, shell: command.shell, env: env.env, redirect_output: ['out', 'err'],
      });
      const { runOnce } = await import('../local-runner.js');
      return runOnce(config, copies, label, {
        io: ctx.io, color: ctx.color, showOutput: !dev || opts.verbose === true,
        gracefulTimeout: (opts.timeout as number | undefined) ?? DEFAULT_STOP_TIMEOUT,
      });
    },
  };
}

// core substitutes `$NAME` in exec'd words and reads `$$` as `$`: doubling keeps a word as typed.
function literalDollars(word: string): string {
  return word.replaceAll('$', '$$$$');
}

// The program a shell line starts (after `VAR=value` prefixes), for the output label.
function firstProgram(line: string): string {
  const word = line.split(/\s+/).find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return word?.replace(/[^A-Za-z0-9_.\/-]/g, '') || 'sh';
}

// `-c N` (the last one wins) is the number of copies; anything else is a usage error.
function copiesOf(specs: readonly string[]): number {
  let n = 1;
  for (const spec of specs) {
    if (!/^\s*\d+\s*$/.test(spec) || Number(spec) < 1) {
      throw new UsageError(`invalid -c '${spec}': run takes a number of copies >= 1, e.g. -c 2`);
    }
    n = Number(spec);
  }
  return n;
}
