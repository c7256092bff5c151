// Entry point of gafferctl: the only place that sees process.argv, routes
// signals and sets the exit status.
import type { CliIo } from './io.js';
import { runGafferctl } from './program.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGHUP'] as const;

/** Run gafferctl with `process.argv`. */
export async function main(argv: string[]): Promise<void> {
  const handlers: Array<(signal: NodeJS.Signals) => void> = [];
  // Outside `watch`, an interrupted command exits with status 1 (cli.md).
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      const handler = handlers[handlers.length - 1];
      if (handler) handler(signal);
      else process.exit(1);
    });
  }
  // A closed stdout (`| head`) is like an interrupt: a running command stops cleanly, others exit.
  let pipeClosed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (pipeClosed || err.code !== 'EPIPE') return;
    pipeClosed = true;
    const handler = handlers[handlers.length - 1];
    if (handler) handler('SIGPIPE');
    else process.exit(0);
  });
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onSignal(handler) {
      handlers.push(handler);
      return () => {
        const at = handlers.indexOf(handler);
        if (at >= 0) handlers.splice(at, 1);
      };
    },
  };
  const code = await runGafferctl(argv.slice(2), io);
  process.stdout.write('', () => process.exit(code));
}
