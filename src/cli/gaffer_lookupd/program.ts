// The gaffer_lookupd command line (cli.md "gaffer_lookupd"): flags -> typed
// options. Output goes to the injected streams; errors throw CommanderError.
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../../protocol/version.js';

export interface LookupdCliOptions {
  verbose: boolean;
  daemon: boolean;
  pidfile?: string;
  bind: string;
  backlog: number;
  certfile?: string;
  keyfile?: string;
  cacert?: string;
  /** Bounds (docs/lookupd.md → Limits); absent = the defaults. */
  maxMessageSize?: number;
  maxJobsPerNode?: number;
  maxPidsPerNode?: number;
  maxClientBacklog?: number;
}

export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Build the commander program; `exitOverride` makes help, --version and usage errors throw. */
export function buildProgram(io: CliOutput): Command {
  return new Command('gaffer_lookupd')
    .description('gaffer lookupd: a directory of gafferd nodes, their jobs and processes')
    .version(VERSION, '--version', 'print version and exit')
    .option('-v', 'verbose mode')
    .option('--daemon', 'run in the background')
    .option('--pidfile <PIDFILE>', 'write the process id to this file')
    .option('--bind <ADDRESS>', 'listen address: host:port, [v6]:port or unix:/path', '0.0.0.0:5010')
    .option('--backlog <BACKLOG>', 'listen backlog', parseBacklog, 128)
    .option('--certfile <CERTFILE>', 'TLS certificate (enables HTTPS/WSS)')
    .option('--keyfile <KEYFILE>', 'TLS private key')
    .option('--cacert <CACERT>', 'CA used to verify client certificates')
    .option('--max-message-size <BYTES>', 'largest registration message (default 64K)', parseSize)
    .option('--max-jobs-per-node <N>', 'jobs one node may register (default 1000)', parsePositive)
    .option('--max-pids-per-node <N>', 'pids one node may register (default 10000)', parsePositive)
    .option('--max-client-backlog <BYTES>', 'unsent data a node or feed client may hold before it is cut (default 8M)', parseSize)
    .helpOption('-h, --help', 'show this help message and exit')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => { io.stdout.write(text); },
      writeErr: (text) => { io.stderr.write(text); },
    });
}

/** Parse `argv` (`process.argv` form) into options. */
export function parseLookupdArgs(argv: string[], io: CliOutput): LookupdCliOptions {
  const program = buildProgram(io);
  program.parse(argv);
  const o = program.opts<{ v?: boolean; daemon?: boolean; pidfile?: string; bind: string; backlog: number; certfile?: string; keyfile?: string; cacert?: string;
    maxMessageSize?: number; maxJobsPerNode?: number; maxPidsPerNode?: number; maxClientBacklog?: number }>();
  return {
    verbose: o.v === true,
    daemon: o.daemon === true,
    pidfile: o.pidfile,
    bind: o.bind,
    backlog: o.backlog,
    certfile: o.certfile,
    keyfile: o.keyfile,
    cacert: o.cacert,
    maxMessageSize: o.maxMessageSize,
    maxJobsPerNode: o.maxJobsPerNode,
    maxPidsPerNode: o.maxPidsPerNode,
    maxClientBacklog: o.maxClientBacklog,
  };
}

function parsePositive(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

// A byte count: a positive integer with an optional K, M or G (1024-based).
function parseSize(value: string): number {
  const m = /^(\d+)\s*([kmg]?)i?b?$/i.exec(value.trim());
  const n = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! : 0;
  if (!(n >= 1)) throw new InvalidArgumentError(`expected a size in bytes such as 65536, 64K or 8M, got ${JSON.stringify(value)}`);
  return n;
}

function parseBacklog(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
