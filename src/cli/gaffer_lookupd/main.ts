// Entry point of gaffer_lookupd: the only place that sees argv, installs
// signal handlers and sets the exit status.
import { spawn } from 'node:child_process';
import { CommanderError } from 'commander';
import { isGafferError } from '../../errors.js';
import { LookupdServer } from '../../lookupd/server.js';
import { parseLookupdArgs, type LookupdCliOptions } from './program.js';
import { removePidfile, writePidfile } from './pidfile.js';
import { resolveServerOptions } from './server-options.js';
import { createStderrLogger } from './stderr-logger.js';

/** Run gaffer_lookupd with `process.argv`-style arguments. */
export async function main(argv: string[]): Promise<void> {
  let cli: LookupdCliOptions;
  try {
    cli = parseLookupdArgs(argv, { stdout: process.stdout, stderr: process.stderr });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    throw err;
  }
  const logger = createStderrLogger(cli.verbose);
  try {
    const options = resolveServerOptions(cli);
    if (cli.daemon) {
      daemonize(argv);
      process.exit(0);
    }
    process.title = 'gaffer_lookupd';
    if (cli.pidfile) writePidfile(cli.pidfile);
    const server = new LookupdServer({ ...options, logger });
    installSignals(server, cli.pidfile);
    await server.listen();
  } catch (err) {
    if (cli.pidfile) removePidfile(cli.pidfile);
    process.stderr.write(`gaffer_lookupd: ${isGafferError(err) ? err.message : (err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  }
}

// SIGTERM/SIGINT/SIGQUIT close the server and exit 0; SIGHUP is ignored.
function installSignals(server: LookupdServer, pidfile: string | undefined): void {
  const stop = (signal: NodeJS.Signals): void => {
    process.stderr.write(`gaffer_lookupd: ${signal} received, stopping\n`);
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    void server.close().finally(() => {
      if (pidfile) removePidfile(pidfile);
      process.exit(0);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) process.once(signal, stop);
  process.on('SIGHUP', () => {});
}

// Start a detached copy of this command without --daemon; the caller then exits.
function daemonize(argv: string[]): void {
  const [, script, ...args] = argv;
  const child = spawn(process.execPath, [...process.execArgv, script ?? '', ...args.filter((a) => a !== '--daemon')], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}
