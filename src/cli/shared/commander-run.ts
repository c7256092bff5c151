// What gaffer and gafferctl share in running a commander program: the run state,
// the action of a subcommand (a UsageError becomes a usage error of that command),
// the exit status of commander's own errors, and the message (with a typo hint) for an unknown command.
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { closestWord } from '../../util/closest-word.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';

/** Exit status of usage errors (bad option, missing argument). */
export const USAGE_ERROR = 2;

/** One run of a program: its exit status, the (sub)command whose parsing failed, the contexts to close. */
export interface RunState<C> {
  code: number;
  /** The (sub)command whose parsing failed, for the usage line. */
  failed: Command | undefined;
  contexts: C[];
}

/** How a program names itself and words an unknown command (cli.md differs per program). */
export interface ProgramWords {
  name: string;
  /** The first line for an unknown command word. */
  unknownCommand(word: string): string;
}

/** Output of a (sub)command to the CLI's io; errors are printed by commanderExit, which knows the exit status rules. */
export function commandOutput<C>(io: CliIo, state: RunState<C>, cmd: Command): OutputConfiguration {
  return {
    writeOut: (text) => { io.stdout.write(text); },
    writeErr: (text) => { io.stderr.write(text); },
    outputError: () => { state.failed ??= cmd; },
  };
}

/** Run a subcommand's work with its context: its status becomes the run's, a UsageError a usage error of `sub`. */
export async function runSubcommand<C>(state: RunState<C>, sub: Command, ctx: C, run: () => Promise<number | void>): Promise<void> {
  state.contexts.push(ctx);
  try {
    state.code = (await run()) ?? 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // Printed by commanderExit with this command's usage line.
    state.failed = sub;
    throw new CommanderError(USAGE_ERROR, 'gaffer.usage', err.message);
  }
}

/** help/version exit 0; an unknown command is status 1; other parse errors are usage errors (status 2) with the usage on stdout. */
export function commanderExit<C>(err: CommanderError, program: Command, state: RunState<C>, io: CliIo, words: ProgramWords): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return err.exitCode;
  const message = err.message.replace(/^error: /, '');
  if (err.code === 'commander.unknownCommand') {
    const word = /'([^']*)'/.exec(message)?.[1] ?? message;
    io.stderr.write(unknownCommandText(program, word, words));
    return 1;
  }
  const cmd = state.failed ?? program;
  const name = cmd === program ? words.name : `${words.name} ${cmd.name()}`;
  io.stdout.write(`Error: ${message}\nUsage: ${name} ${cmd.usage()}\nRun '${cmd === program ? `${words.name} --help` : `${words.name} help ${cmd.name()}`}' for more information.\n`);
  return USAGE_ERROR;
}

/** The lines for an unknown command word: the program's sentence, then `Did you mean 'list'?` for a near miss. */
export function unknownCommandText(program: Command, word: string, words: ProgramWords): string {
  const guess = closestWord(word, program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const hint = guess === undefined ? '' : `Did you mean '${guess}'? ('${words.name} help' lists the commands)\n`;
  return `${words.unknownCommand(word)}\n${hint}`;
}
