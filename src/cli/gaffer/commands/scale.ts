import { isGafferError } from '../../../errors.js';
import type { GafferCommand } from '../command.js';

/** `scale` and `ps:scale`. */
export function scaleCommand(name: 'scale' | 'ps:scale'): GafferCommand {
  return {
    name,
    summary: 'scale process types up or down on gafferd: web=3 worker+2 other-1',
    description: `Change the number of processes of jobs of the application: <type>=<n> sets
it, <type>+<n> adds, <type>-<n> removes. A first argument without =, + or -
is the application. Types the local Procfile lacks are skipped silently.

  $ gaffer scale dummy=3 dummy1+2
  Scaling dummy processes... done, now running 3
  Scaling dummy1 processes... done, now running 3`,
    configure: (cmd) => {
      cmd.argument('<args...>', '[<app>] <type><op><n>...').option('--app <APP>', 'application (session)');
    },
    async run(ctx, args) {
      const words = [...(args[0] as string[])];
      const positionalApp = words.length > 0 && !/[=+-]/.test(words[0]!) ? words.shift() : undefined;
      const app = await ctx.appName(positionalApp);
      let status = 0;
      for (const word of words) {
        const op = parseScaleWord(word);
        if (!op) continue;
        const target = await ctx.jobTarget(op.job, app, true);
        if (!target) continue;
        const client = await ctx.client();
        try {
          const n = await client.scaleJob(target.sessionid, target.name, op.scale);
          ctx.out(`Scaling ${op.job} processes... done, now running ${n}`);
        } catch (err) {
          if (!isGafferError(err) || err.status !== 404) throw err;
          ctx.err(`'${target.sessionid}.${target.name}' not found`);
          status = 1;
        }
      }
      return status;
    },
  };
}

/** `<job><op><n>`: the operator is the last `=`, `+` or `-` followed by an integer; undefined otherwise. */
export function parseScaleWord(word: string): { job: string; scale: string } | undefined {
  for (let i = word.length - 1; i > 0; i--) {
    const c = word[i]!;
    if (c !== '=' && c !== '+' && c !== '-') continue;
    const n = word.slice(i + 1);
    if (!/^\d+$/.test(n)) return undefined;
    return { job: word.slice(0, i), scale: `${c}${n}` };
  }
  return undefined;
}
