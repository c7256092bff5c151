// The shape of one gaffer subcommand.
import type { Command } from 'commander';
import type { GafferContext } from './context.js';

export interface GafferCommand {
  name: string;
  aliases?: string[];
  /** One line for the command list. */
  summary: string;
  /** Shown by `gaffer help <command>`: behaviour, output, example. */
  description: string;
  /** Options/arguments of the command. */
  configure?(cmd: Command): void;
  /** Resolves with the exit status (0 when omitted). */
  run(ctx: GafferContext, args: unknown[], opts: Record<string, unknown>): Promise<number | void>;
}
