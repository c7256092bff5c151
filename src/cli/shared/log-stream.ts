// Copy a log file response (`GET /jobs/<sid>/<name>/logfile`) to stdout, for
// `gafferctl tail` and `gaffer logs <job>`: text as it arrives (UTF-8 kept
// whole across chunks) until gafferd ends it, the connection breaks, or a
// signal interrupts it.
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { CliIo } from './io.js';

/** How the copy ended: gafferd ended the response, the connection broke, or a signal came. */
export type LogStreamEnd = 'ended' | 'broken' | 'interrupted';

/** Copy `res` to `io.stdout`; resolves with how it ended (the response is destroyed on a signal). */
export function copyLogStream(res: IncomingMessage, io: CliIo): Promise<LogStreamEnd> {
  const decoder = new StringDecoder('utf8');
  res.on('data', (chunk: Buffer) => {
    const text = decoder.write(chunk);
    if (text !== '') io.stdout.write(text);
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (end: LogStreamEnd): void => {
      if (settled) return;
      settled = true;
      off();
      const rest = decoder.end();
      if (rest !== '') io.stdout.write(rest);
      resolve(end);
    };
    const off = io.onSignal(() => {
      finish('interrupted');
      res.destroy();
    });
    res.once('end', () => finish('ended'));
    res.once('error', () => finish('broken'));
    res.once('close', () => finish(res.complete ? 'ended' : 'broken'));
  });
}
