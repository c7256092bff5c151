// The gaffer command line (cli.md → gaffer): a commander program with
// injected I/O; global options work before and after the command.
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { VERSION } from '../../protocol/version.js';
import { closestWord } from '../../util/closest-word.js';
import { UsageError } from '../shared/usage-error.js';
import type { CliIo } from '../shared/io.js';
import type { GafferCommand } from './command.js';
import { COMMAND_GROUPS } from './commands/registry.js';
import { GafferContext } from './context.js';
import { rootHelp } from './help.js';
import { addGlobalOptions, mergedOptions } from './options.js';
import { reportError } from './report-error.js';

/** Exit status of usage errors (bad option, missing argument). */
export const USAGE_ERROR = 2;

interface RunState {
  code: number;
  failed: Command | undefined;
  contexts: GafferContext[];
}

/** Run gaffer with the arguments after the program name; resolves with the exit status. */
export async function runGaffer(args: readonly string[], io: CliIo): Promise<number> {
  const state: RunState = { code: 0, failed: undefined, contexts: [] };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err, program, state, io);
    return reportError(err, io);
  } finally {
    await Promise.all(state.contexts.map((c) => c.close()));
  }
}

function buildProgram(io: CliIo, state: RunState): Command {
  const output = (cmd: Command): OutputConfiguration => ({
    writeOut: (text) => { io.stdout.write(text); },
    writeErr: (text) => { io.stderr.write(text); },
    outputError: () => { state.failed ??= cmd; },
  });
  const program = new Command('gaffer')
    .version(`gaffer version ${VERSION}`, '--version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help')
    .helpCommand(false)
    .enablePositionalOptions()
    .allowExcessArguments(true)
    .exitOverride();
  program.configureOutput(output(program));
  addGlobalOptions(program, false);
  const specs = [...COMMAND_GROUPS.flatMap((g) => g.commands), helpCommand(program)];
  for (const spec of specs) {
    const sub = new Command(spec.name)
      .description(spec.description)
      .summary(spec.summary)
      .helpOption('-h, --help', 'print this help')
      .allowExcessArguments(false)
      .exitOverride();
    if (spec.aliases) sub.aliases(spec.aliases);
    sub.configureOutput(output(sub));
    spec.configure?.(sub);
    addGlobalOptions(sub, true);
    sub.action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const ctx = new GafferContext(io, mergedOptions(cmd));
      state.contexts.push(ctx);
      try {
        state.code = (await spec.run(ctx, cmd.processedArgs, cmd.opts())) ?? 0;
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        // Printed by commanderExit with this command's usage line.
        state.failed = sub;
        throw new CommanderError(USAGE_ERROR, 'gaffer.usage', err.message);
      }
    });
    program.addCommand(sub);
  }
  program.configureHelp({ formatHelp: () => rootHelp(program, COMMAND_GROUPS) });
  program.action(() => {
    const word = program.args[0];
    if (word === undefined) {
      io.stdout.write(rootHelp(program, COMMAND_GROUPS));
      return;
    }
    io.stderr.write(`Unknown command: '${word}'\n${commandHint(program, word)}`);
    io.stdout.write(rootHelp(program, COMMAND_GROUPS));
    state.code = 1;
  });
  return program;
}

function helpCommand(program: Command): GafferCommand {
  return {
    name: 'help',
    summary: 'print the general help, or the help of a command',
    description: 'Print the general help, or the usage and description of <command>.\n\n  $ gaffer help scale',
    configure: (cmd) => { cmd.argument('[command]', 'a command name'); },
    async run(ctx, args) {
      const name = args[0] as string | undefined;
      if (name === undefined) {
        ctx.io.stdout.write(rootHelp(program, COMMAND_GROUPS));
        return 0;
      }
      const sub = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!sub) {
        ctx.io.stderr.write(`Unknown command: '${name}'\n${commandHint(program, name)}`);
        return 1;
      }
      ctx.io.stdout.write(sub.helpInformation());
      return 0;
    },
  };
}

// help/version exit 0; other parse errors are usage errors (status 2) with the usage on stdout.
function commanderExit(err: CommanderError, program: Command, state: RunState, io: CliIo): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return err.exitCode;
  const message = err.message.replace(/^error: /, '');
  if (err.code === 'commander.unknownCommand') {
    const word = /'([^']*)'/.exec(message)?.[1] ?? message;
    io.stderr.write(`Unknown command: '${word}'\n${commandHint(program, word)}`);
    return 1;
  }
  const cmd = state.failed ?? program;
  const name = cmd === program ? 'gaffer' : `gaffer ${cmd.name()}`;
  io.stdout.write(`Error: ${message}\nUsage: ${name} ${cmd.usage()}\nRun '${cmd === program ? 'gaffer --help' : `gaffer help ${cmd.name()}`}' for more information.\n`);
  return USAGE_ERROR;
}

// `Did you mean 'list'?` for a near miss (a second line under the Unknown command one), else nothing.
function commandHint(program: Command, word: string): string {
  const guess = closestWord(word, program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  return guess === undefined ? '' : `Did you mean '${guess}'? ('gaffer help' lists the commands)\n`;
}
