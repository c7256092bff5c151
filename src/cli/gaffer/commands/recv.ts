import type { GafferCommand } from '../command.js';
import { channelFailure, parsePidStream } from '../pid-stream.js';

export const recvCommand: GafferCommand = {
  name: 'recv',
  summary: 'copy the output of a process to stdout',
  description: `Open the channel of a process (internal pid) read-only and copy what it
writes to stdout, until Ctrl-C/SIGTERM or the process exits. <stream> is an
output label (default: its first one) or a custom stream.

  $ gaffer recv 4
  hello, dummy (pid: 51134) is alive
  $ gaffer recv 4.err`,
  configure: (cmd) => {
    cmd.argument('<pid>', '<pid> or <pid>.<stream>').argument('[stream]', 'output label or custom stream').option('--app <APP>', 'application (ignored: pids are global)');
  },
  async run(ctx, args) {
    const { pid, stream } = parsePidStream(args[0] as string, args[1] as string | undefined);
    const { openPidChannel, CHANNEL_READ } = await import('../../../client/pid-channel-client.js');
    const channel = await openPidChannel(await ctx.client(), pid, { stream, mode: CHANNEL_READ });
    channel.onData((data) => { ctx.io.stdout.write(data.toString('utf8')); });
    const end = await new Promise<Awaited<typeof channel.closed> | undefined>((resolve) => {
      const off = ctx.io.onSignal(() => {
        off();
        resolve(undefined);
      });
      void channel.closed.then((e) => {
        off();
        resolve(e);
      });
    });
    await channel.close();
    if (end?.error) throw channelFailure(end.error, pid, stream, 'read');
    return 0;
  },
};
