import { isGafferError } from '../../../errors.js';
import { UsageError } from '../../shared/usage-error.js';
import type { GafferCommand } from '../command.js';

/** `scale` and `ps:scale`. */
export function scaleCommand(name: 'scale' | 'ps:scale'): GafferCommand {
  return {
    name,
    summary: 'scale process types up or down on gafferd: web=3 worker+2 other-1',
    description: `Change the number of processes of jobs of the application: <type>=<n> sets
it, <type>+<n> adds, <type>-<n> removes. A first argument without =, + or -
is the application. Every word is checked before anything is scaled: a
malformed word is a usage error (status 2), a type the local Procfile lacks
or a job gafferd does not have is an error naming it (status 1).

  $ gaffer scale dummy=3 dummy1+2
  Scaling dummy processes... done, now running 3
  Scaling dummy1 processes... done, now running 3`,
    configure: (cmd) => {
      cmd.argument('<args...>', '[<app>] <type><op><n>...').option('--app <APP>', 'application (session)');
    },
    async run(ctx, args) {
      const words = [...(args[0] as string[])];
      const positionalApp = words.length > 0 && !/[=+-]/.test(words[0]!) ? words.shift() : undefined;
      if (words.length === 0) {
        const taken = positionalApp === undefined ? '' : ` ('${positionalApp}' was taken as the application)`;
        throw new UsageError(`nothing to scale${taken}: expected <type>=<n>, <type>+<n> or <type>-<n>, e.g. web=3`);
      }
      const ops = words.map((word) => {
        const op = parseScaleWord(word);
        if (!op) throw new UsageError(`invalid scale '${word}': expected <type>=<n>, <type>+<n> or <type>-<n> with n a whole number >= 0, e.g. web=3`);
        return op;
      });
      const app = await ctx.appName(positionalApp);
      // Every type is checked before anything is scaled: a typo changes nothing.
      const targets = [];
      for (const op of ops) targets.push({ op, target: await ctx.jobTarget(op.job, app) });
      const client = await ctx.client();
      let status = 0;
      for (const { op, target } of targets) {
        try {
          const n = await client.scaleJob(target.sessionid, target.name, op.scale);
          ctx.out(`Scaling ${op.job} processes... done, now running ${n}`);
        } catch (err) {
          if (!isGafferError(err) || err.status !== 404) throw err;
          ctx.err(`job '${target.sessionid}.${target.name}' not found`);
          status = 1;
        }
      }
      return status;
    },
  };
}

/**
 * `<job><op><n>`: with a `=`, the first one splits and n must be a whole
 * number (`web=-1` is invalid); else the operator is the last `+` or `-`
 * followed by a whole number (`my-job-1` is my-job minus 1). Undefined otherwise.
 */
export function parseScaleWord(word: string): { job: string; scale: string } | undefined {
  const eq = word.indexOf('=');
  if (eq >= 0) return eq > 0 && /^\d+$/.test(word.slice(eq + 1)) ? { job: word.slice(0, eq), scale: `=${word.slice(eq + 1)}` } : undefined;
  for (let i = word.length - 1; i > 0; i--) {
    const c = word[i]!;
    if (c !== '=' && c !== '+' && c !== '-') continue;
    const n = word.slice(i + 1);
    if (!/^\d+$/.test(n)) return undefined;
    return { job: word.slice(0, i), scale: `${c}${n}` };
  }
  return undefined;
}
