// The gafferctl command line (cli.md → gafferctl): a commander program with
// injected I/O; global options are accepted before and after the command.
import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import { VERSION } from '../../protocol/version.js';
import { commandOutput, commanderExit, runSubcommand, unknownCommandText, type RunState } from '../shared/commander-run.js';
import { COMMANDS } from './commands/registry.js';
import { CtlContext, type CtlCommand, type GlobalOptions } from './context.js';
import { rootHelp } from './help.js';
import type { CliIo } from '../shared/io.js';
import { reportError } from './report-error.js';

// How this program names itself and words an unknown command (cli.md).
const WORDS = { name: 'gafferctl', unknownCommand: (word: string): string => `Unknown command '${word}'` };

/** Run gafferctl with the arguments after the program name; resolves with the exit status. */
export async function runGafferctl(args: readonly string[], io: CliIo): Promise<number> {
  const state: RunState<CtlContext> = { code: 0, failed: undefined, contexts: [] };
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

/** Build the program; actions record their exit status in `state`. */
function buildProgram(io: CliIo, state: RunState<CtlContext>): Command {
  const output = (cmd: Command): OutputConfiguration => commandOutput(io, state, cmd);
  const program = new Command('gafferctl')
    .version(`gaffer (version ${VERSION})\nReleased under the MIT licence.`, '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help')
    .helpCommand(false)
    .allowExcessArguments(true)
    .exitOverride();
  program.configureOutput(output(program));
  addGlobalOptions(program, false);
  for (const spec of [...COMMANDS, helpCommand(program)]) {
    const sub = new Command(spec.name)
      .description(spec.description)
      .summary(spec.summary)
      .helpOption('-h, --help', 'print this help')
      .allowExcessArguments(false)
      .exitOverride();
    sub.configureOutput(output(sub));
    spec.configure?.(sub);
    addGlobalOptions(sub, true);
    sub.action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const ctx = new CtlContext(io, cmd.optsWithGlobals<GlobalOptions>());
      await runSubcommand(state, sub, ctx, () => spec.run(ctx, cmd.processedArgs, cmd.opts()));
    });
    program.addCommand(sub);
  }
  program.configureHelp({ formatHelp: () => rootHelp(program) });
  // No command: the usage and command list; an unknown word: cli.md's message.
  program.action(() => {
    const word = program.args[0];
    if (word === undefined) {
      io.stdout.write(rootHelp(program));
      return;
    }
    io.stderr.write(unknownCommandText(program, word, WORDS));
    state.code = 1;
  });
  return program;
}

// The connection and output options; on subcommands they are hidden from the help.
function addGlobalOptions(cmd: Command, hidden: boolean): void {
  const options = [
    new Option('--connect <URL>', 'gafferd address: http(s)://host:port or unix:/path (default http://127.0.0.1:5000, or $GAFFERCTL_ENDPOINT)'),
    new Option('--endpoint <URL>', 'same as --connect'),
    new Option('--host <HOST>', 'gafferd host (with --port; default 127.0.0.1)'),
    new Option('--port <PORT>', 'gafferd port (with --host; default 5000)'),
    new Option('--certfile <PATH>', 'client certificate (PEM), used with --keyfile'),
    new Option('--keyfile <PATH>', 'client private key (PEM), used with --certfile'),
    new Option('--cacert <PATH>', "CA bundle (PEM) to verify gafferd's certificate"),
    new Option('--key <KEY>', 'API key, sent as X-Api-Key (default $GAFFERCTL_KEY)'),
    new Option('--json', 'print API answers as JSON (for scripts)'),
  ];
  for (const option of options) cmd.addOption(hidden ? option.hideHelp() : option);
}

// `help [command]`: the general help, or one command's full description.
function helpCommand(program: Command): CtlCommand {
  return {
    name: 'help',
    summary: 'print the general help, or the help of a command',
    description: 'Print the usage and the command list, or the full description of <command>.\n\n  $ gafferctl help watch',
    configure: (cmd) => { cmd.argument('[command]', 'a command name'); },
    async run(ctx, args) {
      const name = args[0] as string | undefined;
      if (name === undefined) {
        ctx.io.stdout.write(rootHelp(program));
        return 0;
      }
      const sub = program.commands.find((c) => c.name() === name);
      if (!sub) {
        ctx.io.stderr.write(unknownCommandText(program, name, WORDS));
        return 1;
      }
      ctx.io.stdout.write(sub.helpInformation());
      return 0;
    },
  };
}
