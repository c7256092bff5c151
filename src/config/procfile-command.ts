// The one rule for a Procfile line (config.md "Procfile lines: shell or
// exec"), used by `gaffer start`, `gaffer load`, `gaffer run` and every
// export format: a line with shell syntax runs under `/bin/sh -c` as foreman
// and honcho do; a plain line is exec'd directly (no extra process), its
// `$NAME` / `${NAME}` references substituted from the process environment.
import { splitCommandLine } from '../core/command.js';

/** How to run one command line: `shell` = `/bin/sh -c cmd`, else exec `cmd` with `args`. */
export interface ProcfileCommand {
  shell: boolean;
  /** The first word (exec), or the whole line (shell). */
  cmd: string;
  args: string[];
}

// Outside quotes these characters are shell syntax: operators, redirections,
// subshells, command substitution, escapes, globs, comments, brace/tilde expansion.
const SHELL_CHARS = new Set(['|', '&', ';', '<', '>', '(', ')', '`', '\\', '*', '?', '[', ']', '#', '~', '{', '}', '\n']);
// A `$` reference both the shell and gaffer's substitution read the same way.
const PLAIN_REFERENCE = /^\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * True when `line` needs a shell: an operator (`&& || ; |` `&`), a
 * redirection, `( )`, `$(...)`, a backtick, a backslash, a glob (`* ? [`),
 * `~`, braces, a comment, a `VAR=value` prefix, a special parameter (`$$`,
 * `$?`, `$1`...), `${VAR:-x}`-style expansions, or quotes whose meaning
 * gaffer's word splitting would lose (`$` inside single quotes, `\`` `$(` or
 * `\\` inside double quotes). Anything else is a plain line.
 */
export function needsShell(line: string): boolean {
  if (ASSIGNMENT.test(line.trimStart())) return true;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else if (c === '$') return true;
      continue;
    }
    if (c === '$') {
      const reference = PLAIN_REFERENCE.exec(line.slice(i));
      if (!reference) return true;
      i += reference[0].length - 1;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '`' || c === '\\') return true;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (SHELL_CHARS.has(c)) return true;
  }
  // An unterminated quote: let the shell report it.
  return quote !== undefined;
}

/** The command of a Procfile line (or a `gaffer run` command line) under the rule above. */
export function procfileCommand(line: string): ProcfileCommand {
  const text = line.trim();
  if (needsShell(text)) return { shell: true, cmd: text, args: [] };
  const [cmd = '', ...args] = splitCommandLine(text);
  return { shell: false, cmd, args };
}
