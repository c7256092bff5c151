// gaffer's global options (cli.md → gaffer → Global options), defined on the
// program and on every subcommand so they work before or after the command.
import { type Command, Option } from 'commander';

export interface GafferOptions {
  procfile?: string;
  profile?: string;
  directory?: string;
  root?: string;
  env?: string[];
  concurrency?: string[];
  gafferdHttpAddress?: string;
  endpoint?: string;
  apiKey?: string;
  certfile?: string;
  keyfile?: string;
  cacert?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * Add the global options to `cmd` (hidden from a subcommand's help, listed
 * once in the main help). A flag the command defines itself wins after the
 * command (`gaffer logs web -f` follows; `gaffer -f Procfile.dev logs` still
 * names the Procfile).
 */
export function addGlobalOptions(cmd: Command, hidden: boolean): void {
  const taken = (flag: string | undefined): boolean => flag !== undefined && cmd.options.some((o) => o.short === flag || o.long === flag);
  // `flags` without the short flag when the command uses that letter itself.
  const option = (flags: string, description: string): Option => {
    const [short, rest] = flags.split(', ') as [string, string | undefined];
    return new Option(rest !== undefined && taken(short) ? rest : flags, description);
  };
  const options = [
    option('-f, --procfile <FILE>', 'the Procfile to read (default ./Procfile)'),
    option('--profile <FILE>', 'same as --procfile').hideHelp(),
    option('-d, --directory <ROOT>', 'application root (default: the directory of the Procfile)'),
    option('--root <ROOT>', 'same as --directory').hideHelp(),
    option('-e, --env <PATH>', 'an .env file to load (repeatable; later files win)').argParser(collect),
    option('-c, --concurrency <SPEC>', 'processes per type: web=2,worker=1 (repeatable)').argParser(collect),
    option('-g, --gafferd-http-address <URL>', 'gafferd address: http(s)://host:port or unix:/path (default http://127.0.0.1:5000, or $GAFFER_ENDPOINT)'),
    option('--endpoint <URL>', 'same as -g'),
    option('--api-key <KEY>', 'API key (default: the user configuration, or $GAFFER_API_KEY)'),
    option('--certfile <PATH>', 'client certificate (PEM)'),
    option('--keyfile <PATH>', 'client private key (PEM)'),
    option('--cacert <PATH>', "CA bundle (PEM) to verify gafferd's certificate"),
  ];
  for (const o of options) {
    if (taken(o.long)) continue;
    cmd.addOption(hidden ? o.hideHelp() : o);
  }
}

/** Options of `cmd` and its ancestors: lists (-e, -c) are concatenated, otherwise the subcommand wins. */
export function mergedOptions(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) {
      if (value === undefined) continue;
      const previous = merged[key];
      merged[key] = Array.isArray(previous) && Array.isArray(value) ? [...previous, ...value] : value;
    }
  }
  return merged;
}
