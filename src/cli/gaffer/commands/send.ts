import { LineSplitter } from '../../../util/lines.js';
import type { GafferCommand } from '../command.js';
import { channelFailure, parsePidStream } from '../pid-stream.js';
import type { ChannelError } from '../../../client/pid-channel-client.js';

export const sendCommand: GafferCommand = {
  name: 'send',
  summary: "write data to a process's stdin (or a custom stream)",
  description: `Open the channel of a process (internal pid) write-only and send <data>
(words joined by spaces, a newline added). With - as data, send each line of
stdin until end of input or a line with a single '.'. The process needs
redirect_input (or a custom stream given with -s or <pid>.<stream>).

  $ gaffer send 2 hello world
  $ printf 'a\\nb\\n' | gaffer send 2 -`,
  configure: (cmd) => {
    cmd.argument('<pid>', '<pid> or <pid>.<stream>').argument('<data...>', 'data, or - for stdin lines')
      .option('-s, --stream <STREAM>', 'custom stream to write to')
      .option('--app <APP>', 'application (ignored: pids are global)');
  },
  async run(ctx, args, opts) {
    const { pid, stream } = parsePidStream(args[0] as string, opts.stream as string | undefined);
    const words = args[1] as string[];
    const { openPidChannel, CHANNEL_WRITE } = await import('../../../client/pid-channel-client.js');
    const channel = await openPidChannel(await ctx.client(), pid, { stream, mode: CHANNEL_WRITE });
    try {
      if (words.length === 1 && words[0] === '-') {
        for await (const line of stdinLines(ctx.io.stdin)) {
          if (line === '.') break;
          await channel.write(`${line}\n`);
        }
      } else {
        const text = words.join(' ').trim();
        await channel.write(text.endsWith('\n') ? text : `${text}\n`);
      }
    } catch (err) {
      const e = err as ChannelError;
      if (typeof e?.reason === 'string' && typeof e.status === 'number') throw channelFailure(e, pid, stream, 'write');
      throw err;
    } finally {
      await channel.close();
    }
    return 0;
  },
};

// Lines of stdin, without their terminators.
async function* stdinLines(stdin: NodeJS.ReadableStream): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) yield* splitter.push(chunk);
  yield* splitter.end();
}
