// `gaffer export` formats (config.md "Exports"): an INI fragment the gafferd
// configuration can include, and one type as a JSON job for the HTTP API.
import { NotFoundError } from '../errors.js';
import type { Procfile } from './procfile.js';
import { joinWords, quoteWord } from './shell-words.js';

export interface ExportIniOptions {
  /** Session of the exported jobs (`[process:<app>:<type>]`). */
  appName: string;
  concurrency?: ReadonlyMap<string, number>;
}

/**
 * One `[process:<app>:<type>]` section per type in Procfile order, with
 * `cmd` (first word), `args` (other words; omitted when there are none),
 * `priority` (0-based position) and `numprocesses` (concurrency or 1);
 * sections separated by a blank line. Words that need it are single-quoted
 * so the output loads back into the same words.
 */
export function exportIni(procfile: Procfile, options: ExportIniOptions): string {
  const sections = procfile.entries.map((entry, index) => {
    const [cmd = '', ...args] = entry.words;
    const lines = [`[process:${options.appName}:${entry.type}]`, `cmd = ${quoteWord(cmd)}`];
    if (args.length > 0) lines.push(`args = ${joinWords(args)}`);
    lines.push(`priority = ${index}`, `numprocesses = ${options.concurrency?.get(entry.type) ?? 1}`);
    return lines.join('\n');
  });
  return sections.length === 0 ? '' : `${sections.join('\n\n')}\n`;
}

export interface ExportJsonOptions {
  /** The .env variables. */
  env?: Record<string, string>;
  concurrency?: ReadonlyMap<string, number>;
}

/**
 * One type as `{"name", "cmd", "args", "env", "numprocesses"}`, indented with
 * one space. `name` is the type (the session comes from the API route).
 * An unknown type is a NotFoundError `'<type>' is not found`.
 */
export function exportJson(procfile: Procfile, type: string, options: ExportJsonOptions = {}): string {
  const entry = procfile.entries.find((e) => e.type === type);
  if (!entry) throw new NotFoundError('not_found', `'${type}' is not found`);
  const [cmd = '', ...args] = entry.words;
  const job = {
    name: entry.type,
    cmd: quoteWord(cmd),
    args,
    env: { ...options.env },
    numprocesses: options.concurrency?.get(entry.type) ?? 1,
  };
  return `${JSON.stringify(job, null, 1)}\n`;
}
