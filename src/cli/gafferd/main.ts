import { spawn } from 'node:child_process';
import { CommanderError } from 'commander';
import { Daemon } from '../../daemon/daemon.js';
import { parseGafferdArgs, USAGE_ERROR, usageErrorText, type GafferdInvocation } from './program.js';

const CHILD_MARKER = 'GAFFERD_DAEMON_CHILD';

/** gafferd entry point: parse, start, wire signals; the only place that exits the process. */
export async function main(argv: string[]): Promise<void> {
  let invocation: GafferdInvocation;
  try {
    invocation = parseGafferdArgs(argv.slice(2), {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) process.exit(0);
      process.stderr.write(usageErrorText(err));
      process.exit(USAGE_ERROR);
    }
    throw err;
  }
  if (invocation.createAdminUser || invocation.listAdmins) {
    // Imported only here: a running gafferd does not keep the admin commands and readline in memory.
    const [{ runAdminCommand }, { TerminalPrompter }] = await Promise.all([import('./admin-commands.js'), import('./terminal-prompter.js')]);
    process.exit(await runAdminCommand(invocation, {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      prompter: () => new TerminalPrompter({ input: process.stdin, output: process.stdout }),
    }));
  }
  if (invocation.daemonize && process.env[CHILD_MARKER] !== '1') {
    process.exit(await detach(argv));
  }
  process.title = 'gafferd';
  const daemon = new Daemon({
    configPath: invocation.configPath,
    overrides: invocation.overrides,
    verbose: invocation.verbose,
    ...(invocation.stateDir === undefined ? {} : { stateDir: invocation.stateDir }),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.FORCE_COLOR !== '0',
  });
  installSignalHandlers(daemon);
  try {
    await daemon.start();
  } catch (err) {
    const message = `gafferd: ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    process.send?.({ error: message });
    process.exit(1);
  }
  // A job with on_give_up = exit flapped out: stop everything and exit with its status.
  void daemon.exitRequested.then(async (code) => {
    await daemon.stop();
    process.exit(code);
  });
  if (process.env[CHILD_MARKER] === '1') {
    process.send?.({ ready: true, pid: process.pid });
    process.disconnect?.();
  }
}

function installSignalHandlers(daemon: Daemon): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      daemon.logger.warn(`${signal} received while stopping: still waiting for the processes to exit (their graceful_timeout); SIGKILL gafferd to give up`);
      return;
    }
    stopping = true;
    daemon.logger.info(`${signal} received`);
    void daemon.stop().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`gafferd: error while stopping: ${(err as Error).message}\n`);
      process.exit(1);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) process.on(signal, () => stop(signal));
  process.on('SIGHUP', () => {
    daemon.logger.info('SIGHUP received: reloading the configuration');
    void daemon.reload();
  });
  process.on('SIGUSR1', () => {
    daemon.logger.info('SIGUSR1 received: reopening the log files');
    void daemon.reopenLogs();
  });
  // A supervisor must not die and orphan its children over a bug in one handler: log and go on.
  // stdout/stderr may be pipes whose reader went away (EPIPE): that must never take gafferd down
  // or loop (the error would be logged to the same broken stream).
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  let reporting = false;
  const report = (what: unknown): void => {
    if (reporting) return;
    reporting = true;
    try {
      daemon.logger.error(`internal error (gafferd keeps running): ${(what as Error)?.stack ?? String(what)}`);
    } finally {
      reporting = false;
    }
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}

// --daemon: start a detached copy of ourselves, wait until it is serving (or failed), then exit.
async function detach(argv: string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...argv.slice(1)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [CHILD_MARKER]: '1' },
  });
  return new Promise((resolve) => {
    child.once('message', (message: { ready?: boolean; pid?: number; error?: string }) => {
      if (message.ready) {
        child.disconnect();
        child.unref();
        resolve(0);
      } else {
        process.stderr.write(`${message.error ?? 'gafferd failed to start'}\n`);
        resolve(1);
      }
    });
    child.once('exit', (code) => {
      process.stderr.write(`gafferd: the background process exited during start-up (status ${code ?? 'unknown'}); run without --daemon to see why\n`);
      resolve(1);
    });
  });
}
