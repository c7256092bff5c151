// The channel's command table (http-api.md → Commands): a thin table over the
// core's operations — each command reads its arguments (channel-args.ts, with
// the same parseScale/parseSignal as the routes), names the permission it
// needs (auth.md), then calls the Manager. Operations that stop processes
// answer at once, like the 202 routes; their failures are logged.
import type { Logger } from '../../util/logger.js';
import type { Manager } from '../../core/manager.js';
import { NotFoundError, toWireError } from '../../errors.js';
import { parseSeconds } from '../../util/duration.js';
import { fullName, parseJobName } from '../../util/names.js';
import { parseScale } from '../../util/scale.js';
import { parseSignal } from '../../util/signals.js';
import { badCommand, envArg, jobConfigArg, loadOptions, optionalText, required } from './channel-args.js';
import type { AccessRequirement } from './channel-auth.js';

/** A command whose arguments were checked: what it needs and how to run it. */
export interface PreparedCommand {
  requirement: AccessRequirement;
  run(): unknown;
}

interface CommandInput {
  manager: Manager;
  logger: Logger;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

type CommandSpec = (input: CommandInput) => PreparedCommand;

/** Command names, in the order of the spec's table. */
export const COMMAND_NAMES = [
  'sessions', 'jobs', 'pids', 'load', 'unload', 'reload', 'update', 'start_job', 'stop_job', 'scale', 'info', 'stats',
  'stopall', 'killall', 'commit', 'process_info', 'process_stats', 'stop_process', 'send', 'kill',
] as const;

const MANAGE_ALL: AccessRequirement = { permission: 'manage-all', target: undefined };
const ADMIN: AccessRequirement = { permission: 'admin', target: undefined };

const COMMANDS: Record<(typeof COMMAND_NAMES)[number], CommandSpec> = {
  sessions: ({ manager }) => ({ requirement: MANAGE_ALL, run: () => ({ sessions: manager.sessions }) }),
  jobs: ({ manager, args }) => {
    const sessionid = optionalText(args[0], 'sessionid');
    return {
      requirement: MANAGE_ALL,
      run: () => (sessionid === undefined ? { jobs: manager.jobs() } : { sessionid, jobs: manager.jobs(sessionid) }),
    };
  },
  pids: ({ manager, args, kwargs }) => {
    const name = optionalText(args[0], 'job name');
    const sessionid = optionalText(kwargs.sessionid, 'sessionid');
    return {
      requirement: MANAGE_ALL,
      run: () => (name === undefined ? { pids: manager.pids() } : { sessionid: name, pids: manager.pids(name, sessionid) }),
    };
  },
  load: ({ manager, args, kwargs }) => {
    const config = jobConfigArg(args[0]);
    const options = loadOptions(kwargs);
    return { requirement: ADMIN, run: () => { manager.load(config, options); return { ok: true }; } };
  },
  unload: (input) => jobCommand(input, (name, sid) => background(input, input.manager.unload(name, sid), `unloading job ${name}`), ADMIN),
  reload: (input) => jobCommand(input, (name, sid) => background(input, input.manager.reload(name, sid), `reloading job ${name}`), ADMIN),
  update: ({ manager, logger, args, kwargs }) => {
    const config = jobConfigArg(args[0]);
    const options = loadOptions(kwargs);
    return {
      requirement: ADMIN,
      run: () => {
        background({ logger }, manager.update(config, { ...options, start: options.start ?? true }), `updating job ${String(config.name)}`);
        return { ok: true };
      },
    };
  },
  start_job: (input) => jobCommand(input, (name, sid) => { input.manager.startJob(name, sid); return { ok: true }; }),
  stop_job: (input) => jobCommand(input, (name, sid) => background(input, input.manager.stopJob(name, sid), `stopping job ${name}`)),
  scale: (input) => {
    if (input.args.length < 2) throw badCommand('scale needs a job name and a value: ["web", "+1"]');
    const value = input.args[1];
    return jobCommand(input, (name, sid) => ({ numprocesses: input.manager.scale(name, parseScale(value), sid) }));
  },
  info: (input) => jobCommand(input, (name, sid) => ({ info: input.manager.info(name, sid) })),
  stats: (input) => jobCommand(input, async (name, sid) => ({ stats: await input.manager.stats(name, sid) })),
  stopall: (input) => jobCommand(input, (name, sid) => background(input, input.manager.stopall(name, sid), `stopping the processes of ${name}`)),
  killall: (input) => {
    const signal = required(input.args[1], 'killall needs a job name and a signal: ["web", "HUP"]');
    return jobCommand(input, (name, sid) => { input.manager.killall(name, parseSignal(signal), sid); return { ok: true }; });
  },
  commit: (input) => {
    const gracefulTimeout = input.args[1] ?? input.kwargs.graceful_timeout;
    const env = input.args[2] ?? input.kwargs.env;
    const options = {
      ...(gracefulTimeout === undefined || gracefulTimeout === null ? {} : { gracefulTimeout: parseSeconds(gracefulTimeout, 'graceful_timeout') }),
      ...(env === undefined || env === null ? {} : { env: envArg(env) }),
    };
    return jobCommand(input, async (name, sid) => ({ ok: true, pid: await input.manager.commit(name, options, sid) }));
  },
  process_info: (input) => pidCommand(input, 'manage', (pid) => ({ info: input.manager.processInfo(pid) })),
  process_stats: (input) => pidCommand(input, 'manage', async (pid) => ({ stats: await input.manager.processStats(pid) })),
  stop_process: (input) => pidCommand(input, 'manage', (pid) => background(input, input.manager.stopProcess(pid), `stopping process ${pid}`)),
  send: (input) => {
    const data = input.args[1];
    if (typeof data !== 'string') throw badCommand('send needs a pid and a string: [3, "hello\\n"] (optionally a stream name)');
    const stream = optionalText(input.args[2], 'stream');
    return pidCommand(input, 'write', async (pid) => { await input.manager.send(pid, data, stream); return { ok: true }; });
  },
  kill: (input) => {
    const signal = required(input.args[1], 'kill needs a pid and a signal: [3, "TERM"]');
    return pidCommand(input, 'manage', (pid) => { input.manager.kill(pid, parseSignal(signal)); return { ok: true }; });
  },
};

/**
 * Check a command's name and arguments and resolve the permission it needs.
 * Throws 404 `command_not_found`, 400 `bad_command` (or the specific
 * reasons of the spec), or the Manager's error for an unknown pid.
 */
export function prepareCommand(manager: Manager, logger: Logger, name: string, args: unknown, kwargs: unknown): PreparedCommand {
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
  if (!spec) throw new NotFoundError('command_not_found', `unknown command '${name}': expected one of ${COMMAND_NAMES.join(', ')}`);
  if (args !== undefined && args !== null && !Array.isArray(args)) throw badCommand(`"args" of '${name}' must be a list`);
  if (kwargs !== undefined && kwargs !== null && (typeof kwargs !== 'object' || Array.isArray(kwargs))) throw badCommand(`"kwargs" of '${name}' must be an object`);
  return spec({ manager, logger, args: (args ?? []) as unknown[], kwargs: (kwargs ?? {}) as Record<string, unknown> });
}

/**
 * The `{errno, reason}` of a failed command (errors.ts toWireError, as every endpoint): GafferErrors
 * keep their status and reason (a conflict is the spec's `process_conflict`); anything else is a
 * 500 `internal_error`, logged with its stack by the connection, its message never sent.
 */
export function commandFailure(err: unknown): { errno: number; reason: string } {
  const wire = toWireError(err);
  return { errno: wire.status, reason: !wire.isInternal && wire.status === 409 ? 'process_conflict' : wire.reason };
}

// A command on the job named by the first argument (session from kwargs.sessionid, else the name's).
function jobCommand(input: CommandInput, run: (name: string, sessionid: string | undefined) => unknown, requirement?: AccessRequirement): PreparedCommand {
  const name = optionalText(input.args[0], 'job name');
  if (name === undefined) throw badCommand('this command needs a job name as its first argument');
  const sessionid = optionalText(input.kwargs.sessionid, 'sessionid');
  const d = parseJobName(name, sessionid);
  return { requirement: requirement ?? { permission: 'manage', target: fullName(d.sessionid, d.name) }, run: () => run(name, sessionid) };
}

// A command on the process given as first argument; permission on its job (404 for an unknown pid).
function pidCommand(input: CommandInput, permission: 'manage' | 'write', run: (pid: number) => unknown): PreparedCommand {
  const value = input.args[0];
  const pid = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(pid)) throw badCommand(`this command needs an internal pid as its first argument, got ${JSON.stringify(value)}`);
  return { requirement: { permission, target: input.manager.jobOf(pid).fullName }, run: () => run(pid) };
}

// Run a stopping operation without waiting for the exits; answer {ok: true}.
function background(input: { logger: Logger }, work: Promise<unknown>, what: string): { ok: true } {
  work.catch((err: unknown) => input.logger.error(`channel: ${what} failed: ${err instanceof Error ? err.message : String(err)}`));
  return { ok: true };
}
