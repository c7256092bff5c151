// `top` of both CLIs (gafferctl top, gaffer top): its help text, options and runner.
import { InvalidArgumentError, type Command } from 'commander';
import type { GafferClient } from '../../../client/gaffer-client.js';
import { isColorEnabled, type CliIo } from '../io.js';

export const TOP_DESCRIPTION = `A live view of gafferd's jobs and processes, like top: each job with its
state, processes (running/target), CPU and memory, restarts and last exit,
and under it each process with its OS pid, CPU, memory (RSS) and uptime.
Updated live from gafferd's /channel (events, and the stats of every process).

Keys: up/down (or j/k) select, + / - scale the selected job by one,
r restart it, s stop or start it, t (or Enter) tail the output of the
selected process (its job must set redirect_output), Esc closes the output,
q (or Ctrl-C) quits. When gafferd goes away a notice replaces the status
line and top reconnects. Colours follow NO_COLOR / FORCE_COLOR.

When stdout (or stdin) is not a terminal, top prints a plain table every
--interval seconds instead (with --json, one JSON object per snapshot),
until interrupted or --iterations snapshots were printed.

  $ gafferctl top
  $ gafferctl top --interval 5 > top.log
  $ gafferctl top -n 1 | cat`;

/** The options of `top` (gafferctl top, gaffer top). */
export function configureTop(cmd: Command): void {
  cmd.option('--interval <SECONDS>', 'seconds between snapshots when stdout is not a terminal', parseInterval, 2)
    .option('-n, --iterations <N>', 'print N snapshots and exit (plain mode)', parseIterations);
}

/**
 * The full-screen view on a terminal (unless -n or --json), else plain
 * snapshots. Loaded on use, so the other commands start without ws.
 */
export async function runTop(io: CliIo, client: GafferClient, opts: Record<string, unknown>, json: boolean): Promise<number> {
  const iterations = opts.iterations as number | undefined;
  const { TopTerminal } = await import('./top-terminal.js');
  if (TopTerminal.isInteractive(io) && iterations === undefined && !json) {
    const { runTopView } = await import('./top-view.js');
    return runTopView(client, io, { color: isColorEnabled(io.stdout, io.env) });
  }
  const { runTopPlain } = await import('./top-plain.js');
  return runTopPlain(io, client, { intervalMs: (opts.interval as number) * 1000, iterations, json });
}

export function parseInterval(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0.1) throw new InvalidArgumentError(`expected a number of seconds >= 0.1, got ${JSON.stringify(value)}`);
  return n;
}

export function parseIterations(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got ${JSON.stringify(value)}`);
  return Number(value);
}
