// The gaffer command line (cli.md → gaffer): a commander program with
// injected I/O; global options work before and after the command.
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { VERSION } from '../../protocol/version.js';
import { commandOutput, commanderExit, runSubcommand, unknownCommandText, type RunState } from '../shared/commander-run.js';
import type { CliIo } from '../shared/io.js';
import type { GafferCommand } from './command.js';
import { COMMAND_GROUPS } from './commands/registry.js';
import { GafferContext } from './context.js';
import { rootHelp } from './help.js';
import { addGlobalOptions, mergedOptions } from './options.js';
import { reportError } from './report-error.js';

// How this program names itself and words an unknown command (cli.md).
const WORDS = { name: 'gaffer', unknownCommand: (word: string): string => `Unknown command: '${word}'` };

/** Run gaffer with the arguments after the program name; resolves with the exit status. */
export async function runGaffer(args: readonly string[], io: CliIo): Promise<number> {
  const state: RunState<GafferContext> = { code: 0, failed: undefined, contexts: [] };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err, program, state, io, WORDS);
    return reportError(err, io);
  } finally {
    await Promise.all(state.contexts.map((c) => c.close()));
  }
}

function buildProgram(io: CliIo, state: RunState<GafferContext>): Command {
  const output = (cmd: Command): OutputConfiguration => commandOutput(io, state, cmd);
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
      await runSubcommand(state, sub, ctx, () => spec.run(ctx, cmd.processedArgs, cmd.opts()));
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
    io.stderr.write(unknownCommandText(program, word, WORDS));
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
        ctx.io.stderr.write(unknownCommandText(program, name, WORDS));
        return 1;
      }
      ctx.io.stdout.write(sub.helpInformation());
      return 0;
    },
  };
}
