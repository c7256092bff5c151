// The CliIo of a real process: routes signals to the running command (the last
// handler registered) and treats a closed stdout (`| head`) like an interrupt.
// Exiting is left to the caller's `exit`, so process.exit stays in main.ts.
import type { CliIo } from './io.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGHUP'] as const;

/** Wire signals and stdout errors of this process and return its CliIo. */
export function processIo(exit: (code: number) => void): CliIo {
  const handlers: Array<(signal: NodeJS.Signals) => void> = [];
  // Without a command that handles them, signals interrupt with status 1 (cli.md).
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      const handler = handlers[handlers.length - 1];
      if (handler) handler(signal);
      else exit(1);
    });
  }
  let pipeClosed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (pipeClosed || err.code !== 'EPIPE') return;
    pipeClosed = true;
    const handler = handlers[handlers.length - 1];
    if (handler) handler('SIGPIPE');
    else exit(0);
  });
  return {
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
}
