// The main help of gaffer: usage, the commands by group, the global options.
import type { Command } from 'commander';
import type { CommandGroup } from './commands/registry.js';

export function rootHelp(program: Command, groups: readonly CommandGroup[]): string {
  const width = Math.max(...groups.filter((g) => !g.compact).flatMap((g) => g.commands.map((c) => c.name.length)));
  const options = program.options.filter((o) => !o.hidden);
  const flagsWidth = Math.max(...options.map((o) => o.flags.length));
  const lines = [
    'usage: gaffer [options] <command> [<args>]',
    '',
    'Runs a Procfile application in the foreground (like foreman), exports it, or',
    'loads and manages it on a gafferd node.',
  ];
  for (const group of groups) {
    lines.push('', `${group.title}:`);
    if (group.compact) lines.push(`  ${group.commands.map((c) => c.name).join(', ')}`);
    else for (const c of group.commands) lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
  }
  lines.push('', 'Options (before or after the command):');
  for (const o of options) lines.push(`  ${o.flags.padEnd(flagsWidth)}  ${o.description}`);
  lines.push(
    '',
    "Run 'gaffer help <command>' (or gaffer <command> -h) for the options of a command.",
    'Exit status: 0 on success, 1 on an error (gafferd unreachable, not found, HTTP error,',
    'a failed process for start/run), 2 on a usage error (unknown option, missing argument).',
    '',
  );
  return lines.join('\n');
}
