import { InvalidArgumentError } from 'commander';
import { watchEvents } from '../../../client/event-watcher.js';
import { formatClock } from '../../../util/duration.js';
import type { CtlCommand } from '../context.js';
import { isColorEnabled } from '../../shared/io.js';
import { NameColors } from '../../shared/name-colors.js';

export const watchCommand: CtlCommand = {
  name: 'watch',
  summary: 'print gafferd events as they happen',
  description: `Print the events of gafferd (0.4 vocabulary: create, start, spawn, exit,
stop_pid, proc.<name>.<event>...) matching <pattern> (default '.', every
event; 'proc.dummy' selects proc.dummy.*), one line each:

  HH:MM:SS <name> | <event type> <name>[ pid <pid>][ os_pid <os pid>][ status <n> | signal <n>]

(the process details when the event carries them: spawn, exit, stop_pid...)

until interrupted (Ctrl-C, SIGTERM, SIGQUIT, SIGHUP; exit status 0). When
the connection drops (gafferd restarting) a notice goes to stderr and the
watch reconnects. Colours per name on a terminal; --colorize forces them,
--no-colorize (or NO_COLOR / FORCE_COLOR=0) turns them off. With --json,
each event is printed as one JSON object per line.

HTTP: GET /watch?feed=eventsource&heartbeat=<N>

  $ gafferctl watch
  17:56:42 dummy | exit dummy pid 3 os_pid 4242 status 1
  17:56:42 dummy | proc.dummy.exit dummy pid 3 os_pid 4242 status 1
  17:56:42 dummy | spawn dummy pid 4 os_pid 4250
  17:56:42 dummy | proc.dummy.spawn dummy pid 4 os_pid 4250
  $ gafferctl watch proc.dummy.spawn
  17:57:23 dummy | proc.dummy.spawn dummy pid 5 os_pid 4263`,
  configure: (cmd) => {
    cmd.argument('[pattern]', 'event pattern', '.')
      .option('--heartbeat <N>', 'seconds between server heartbeats (0 = none)', parseHeartbeat, 60)
      .option('--colorize', 'colour the lines even when stdout is not a terminal')
      .option('--no-colorize', 'never colour the lines');
  },
  async run(ctx, args, opts) {
    const pattern = args[0] as string;
    const colours = await NameColors.create(opts.colorize === undefined ? isColorEnabled(ctx.io.stdout, ctx.io.env) : opts.colorize === true);
    const client = await ctx.client();
    const watch = watchEvents(client, {
      pattern,
      heartbeat: opts.heartbeat as number,
      onEvent: (type, payload) => {
        if (ctx.json) {
          ctx.out(JSON.stringify({ ...payload, event: type }));
          return;
        }
        const name = String(payload.name ?? '');
        ctx.out(`${colours.paint(name, `${formatClock()} ${name} |`)} ${type} ${name}${eventDetails(payload)}`);
      },
      onNotice: (notice) => ctx.err(`gafferctl: ${notice.message}`),
    });
    await watch.opened;
    const failure = await new Promise<unknown>((resolve) => {
      const off = ctx.io.onSignal(() => {
        off();
        resolve(undefined);
      });
      watch.done.then(() => resolve(undefined), (err: unknown) => resolve(err)).finally(off);
    });
    watch.close();
    if (failure !== undefined) throw failure;
    return 0;
  },
};

/** ` pid 3 os_pid 4242 status 1` (` signal 9` for a killed process): what the payload says about a process. */
export function eventDetails(payload: Record<string, unknown>): string {
  let out = '';
  if (payload.pid !== undefined && payload.pid !== null) out += ` pid ${String(payload.pid)}`;
  if (payload.os_pid !== undefined && payload.os_pid !== null) out += ` os_pid ${String(payload.os_pid)}`;
  if (typeof payload.term_signal === 'number' && payload.term_signal !== 0) out += ` signal ${payload.term_signal}`;
  else if (payload.exit_status !== undefined && payload.exit_status !== null) out += ` status ${String(payload.exit_status)}`;
  return out;
}

function parseHeartbeat(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a number of seconds, got ${JSON.stringify(value)}`);
  return Number(value);
}
