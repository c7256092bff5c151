// The root help of gafferctl (cli.md): usage, then one line per command
// (tab, name padded to the longest name, tab, summary; sorted), then options.
import type { Command } from 'commander';

/** The usage and command list printed by `gafferctl`, `gafferctl -h` and `gafferctl help`. */
export function rootHelp(program: Command): string {
  const commands = [...program.commands].sort((a, b) => a.name().localeCompare(b.name()));
  const width = Math.max(...commands.map((c) => c.name().length));
  const options = program.options.filter((o) => !o.hidden);
  const flagsWidth = Math.max(...options.map((o) => o.flags.length), '-h, --help'.length);
  return [
    'usage: gafferctl [--version] [--connect=<endpoint>]',
    '                 [--certfile] [--keyfile]',
    '                 [--help]',
    '                 <command> [<args>]',
    '',
    'Commands:',
    ...commands.map((c) => `\t${c.name().padEnd(width)}\t${c.summary()}`),
    '',
    'Options (before or after the command):',
    ...options.map((o) => `  ${o.flags.padEnd(flagsWidth)}  ${o.description}`),
    `  ${'-h, --help'.padEnd(flagsWidth)}  print this help (or the help of a command: gafferctl help <command>)`,
    '',
    'An unreachable gafferd, an HTTP error or a failed command exits with status 1;',
    'a usage error (unknown option, missing argument) with status 2.',
    '',
  ].join('\n');
}
