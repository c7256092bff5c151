// What a gafferctl run may touch, injected so the program can be driven in
// tests: output streams, stdin, environment, working directory, signals.

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Handle SIGINT/SIGTERM/SIGQUIT/SIGHUP while registered; returns the unregister function. */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void;
}

/**
 * ANSI colours on `stream`: `FORCE_COLOR=0` (or `false`) disables, another
 * FORCE_COLOR value enables, NO_COLOR disables, otherwise only on a terminal.
 */
export function isColorEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}
