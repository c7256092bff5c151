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

/** Add the global options to `cmd` (hidden from a subcommand's help, listed once in the main help). */
export function addGlobalOptions(cmd: Command, hidden: boolean): void {
  const options = [
    new Option('-f, --procfile <FILE>', 'the Procfile to read (default ./Procfile)'),
    new Option('--profile <FILE>', 'same as --procfile').hideHelp(),
    new Option('-d, --directory <ROOT>', 'application root (default: the directory of the Procfile)'),
    new Option('--root <ROOT>', 'same as --directory').hideHelp(),
    new Option('-e, --env <PATH>', 'an .env file to load (repeatable; later files win)').argParser(collect),
    new Option('-c, --concurrency <SPEC>', 'processes per type: web=2,worker=1 (repeatable)').argParser(collect),
    new Option('-g, --gafferd-http-address <URL>', 'gafferd address: http(s)://host:port or unix:/path (default http://127.0.0.1:5000, or $GAFFER_ENDPOINT)'),
    new Option('--endpoint <URL>', 'same as -g'),
    new Option('--api-key <KEY>', 'API key (default: the user configuration, or $GAFFER_API_KEY)'),
    new Option('--certfile <PATH>', 'client certificate (PEM)'),
    new Option('--keyfile <PATH>', 'client private key (PEM)'),
    new Option('--cacert <PATH>', "CA bundle (PEM) to verify gafferd's certificate"),
  ];
  for (const option of options) cmd.addOption(hidden ? option.hideHelp() : option);
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
