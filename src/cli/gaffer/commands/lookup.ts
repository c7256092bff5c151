import { BadRequestError } from '../../../errors.js';
import type { LookupdEvent } from '../../../protocol/lookupd.js';
import { formatClock } from '../../../util/duration.js';
import { NameColors } from '../../shared/name-colors.js';
import type { GafferCommand } from '../command.js';

export const lookupCommand: GafferCommand = {
  name: 'lookup',
  summary: 'follow the event feed of a lookupd',
  description: `Print the events of one gaffer_lookupd as they happen, until interrupted:

  HH:MM:SS <event> | <text>

(add node, identify, load/unload of jobs, processes spawned/exited on nodes),
coloured per event type on a terminal unless --no-color.

  $ gaffer lookup -L http://127.0.0.1:5010
  10:20:01 add_node | add node
  10:20:01 identify | node1: http://node1:5000
  10:20:02 add_job | load myapp.web in http://node1:5000`,
  configure: (cmd) => {
    cmd.requiredOption('-L, --lookupd-address <ADDR>', 'gaffer_lookupd address, e.g. http://127.0.0.1:5010')
      .option('--no-color', 'no colours');
  },
  async run(ctx, _args, opts) {
    const address = opts.lookupdAddress as string;
    if (!address) throw new BadRequestError('bad_value', 'no lookupd address given: pass -L http://host:5010');
    const colours = await NameColors.create(opts.color !== false && ctx.color);
    const { followLookupd } = await import('../../../client/lookup-client.js');
    let lost: Error | undefined;
    let wake: () => void = () => {};
    const ended = new Promise<void>((resolve) => { wake = resolve; });
    const feed = await followLookupd(address, (event) => {
      ctx.out(`${colours.paint(event.event, `${formatClock()} ${event.event} |`)} ${describeEvent(event)}`);
    }, {
      onClose: (err) => {
        lost = err ?? new Error(`lookupd ${address} closed the feed`);
        wake();
      },
    });
    const off = ctx.io.onSignal(() => wake());
    await ended;
    off();
    await feed.close();
    if (lost) throw lost;
    return 0;
  },
};

/** The text of one lookupd event (cli.md → Lookup commands). */
export function describeEvent(event: LookupdEvent): string {
  switch (event.event) {
    case 'add_node': return 'add node';
    case 'identify': return `${event.name}: ${event.origin}`;
    case 'remove_node': return `${event.name}: node ${event.origin}`;
    case 'add_job': return `load ${event.job_name} in ${event.node.origin}`;
    case 'remove_job': return `unload ${event.job_name} in ${event.node.origin}`;
    case 'add_process': return `${event.job_name}: process id ${event.pid} spawned on ${event.node.origin}`;
    case 'remove_process': return `${event.job_name}: process ${event.pid} exited on ${event.node.origin}`;
  }
}
