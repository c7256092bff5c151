import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { GafferdOverrides } from '../../config/gafferd-overrides.js';
import { VERSION } from '../../protocol/version.js';

/** Exit status of a usage error (unknown option, missing option value, extra argument). */
export const USAGE_ERROR = 2;

/** What `gafferd` was asked to do. */
export interface GafferdInvocation {
  configPath?: string;
  overrides: GafferdOverrides;
  verbose: number;
  daemonize: boolean;
  createAdminUser: boolean;
  listAdmins: boolean;
  username?: string;
  password?: string;
  /** `--state-dir`, absolute. */
  stateDir?: string;
}

export interface ProgramIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * gafferd's command line (the union of the seed/0.4 and 0.5 forms). Throws a
 * CommanderError for --help/--version (exit 0) and usage errors (not printed:
 * main prints them with usageErrorText and exits with USAGE_ERROR).
 */
export function parseGafferdArgs(argv: string[], io: ProgramIO): GafferdInvocation {
  let invocation: GafferdInvocation | undefined;
  const program = new Command('gafferd')
    .description('gaffer daemon: supervises the jobs of a configuration and serves the HTTP API')
    .usage('[options] [config]')
    .argument('[config]', 'configuration file, or a directory holding gafferd.ini')
    .option('-c, --config <path>', 'configuration file (or directory)')
    .option('-p, --plugins-dir <dir>', 'plugin directory')
    .addOption(new Option('--plugin-dir <dir>', 'plugin directory (0.5 spelling)').hideHelp())
    .option('-v, --verbose', 'print every event on stdout (-vv: and the output of the processes)', (_v, total: number) => total + 1, 0)
    .option('--daemon', 'run in the background')
    .option('--pidfile <path>', 'write the pid to this file')
    .option('--bind <address>', 'default listener: host:port, [ipv6]:port or unix:/path (default 127.0.0.1:5000)')
    .option('--backlog <n>', 'listen backlog of the default listener (default 128)')
    .option('--certfile <path>', 'TLS certificate of the default listener')
    .option('--keyfile <path>', 'TLS key of the default listener')
    .option('--lookupd-address <url>', 'lookupd server to register with (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--broadcast-address <url>', 'address announced to lookupd (http:// or https://)')
    .option('--cacert <path>', 'CA bundle for TLS connections to lookupd')
    .option('--client-certfile <path>', 'client certificate for lookupd')
    .option('--client-keyfile <path>', 'client key for lookupd')
    .option('--state-dir <dir>', 'crash-recovery state directory (default: per configuration file, or per --bind without one; also $GAFFERD_STATE_DIR)')
    .option('--error-log <file>', 'log file (- = stderr)')
    .option('--log-level <level>', 'critical, error, warning, info or debug')
    .option('--log-format <format>', "gafferd's log lines: text (default) or json (one object per line)")
    .option('--require-key', 'require API keys')
    .option('--allow-origin <origin>', 'let web pages of this origin (scheme://host[:port], or *) use the API (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--create-admin-user', 'create an admin user and key, print them and exit')
    .option('--username <user>', 'user name for --create-admin-user')
    .option('--password <password>', 'password for --create-admin-user')
    .option('--list-admins', 'print the admin users and exit')
    .version(`gafferd version ${VERSION}`, '--version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .action((positional: string | undefined, o: Record<string, unknown>) => {
      const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
      invocation = {
        configPath: str('config') ?? positional,
        verbose: Number(o.verbose ?? 0),
        daemonize: Boolean(o.daemon),
        createAdminUser: Boolean(o.createAdminUser),
        listAdmins: Boolean(o.listAdmins),
        username: str('username'),
        password: str('password'),
        stateDir: str('stateDir') === undefined ? undefined : resolve(str('stateDir')!),
        overrides: {
          bind: str('bind'),
          backlog: str('backlog'),
          pidfile: str('pidfile'),
          daemonize: o.daemon ? true : undefined,
          errorLog: str('errorLog'),
          logLevel: str('logLevel'),
          logFormat: str('logFormat'),
          requireKey: o.requireKey ? true : undefined,
          lookupdAddresses: o.lookupdAddress as string[] | undefined,
          broadcastAddress: str('broadcastAddress'),
          certfile: str('certfile'),
          keyfile: str('keyfile'),
          cacert: str('cacert'),
          clientCertfile: str('clientCertfile'),
          clientKeyfile: str('clientKeyfile'),
          pluginsDir: str('pluginsDir') ?? str('pluginDir'),
          allowOrigins: o.allowOrigin as string[] | undefined,
        },
      };
    });
  program.parse(argv, { from: 'user' });
  if (!invocation) throw new CommanderError(1, 'gafferd.noAction', 'gafferd: nothing to do');
  return invocation;
}

/** The lines printed on stderr for a usage error: what is wrong, the usage line and where to read more. */
export function usageErrorText(err: CommanderError): string {
  const message = err.message.replace(/^error: /, '');
  return `gafferd: ${message}\nUsage: gafferd [options] [config]\nRun 'gafferd --help' for the options.\n`;
}
