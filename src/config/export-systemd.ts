// systemd units: `gafferd.service` running gafferd on a configuration, and
// foreman-style units running a Procfile's processes directly under systemd
// (`<app>.target` wanting one `<app>-<type>-<n>.service` per instance).
// Every value written is safe: fields that cannot hold a control character
// (User=, Group=, WorkingDirectory=, Description=, the gafferd command) refuse
// one with a BadRequestError; quoted values (Environment=, ExecStart=) C-escape them.
import { BadRequestError } from '../errors.js';
import type { Procfile } from './procfile.js';
import { DEFAULT_BASE_PORT } from './procfile.js';
import { procfileCommand } from './procfile-command.js';

export interface SystemdUnit {
  /** File name, e.g. `gafferd.service`. */
  name: string;
  content: string;
}

export interface GafferdServiceOptions {
  /** Configuration file or directory given to `gafferd -c`. */
  config: string;
  /** How to run gafferd (default `/usr/bin/env gafferd`). */
  gafferd?: string;
  user?: string;
  group?: string;
  workingDirectory?: string;
  /** Seconds before systemd sends SIGKILL; default 35 = the 30 s default graceful_timeout + 5. */
  timeoutStopSec?: number;
}

/**
 * `gafferd.service`. gafferd runs in the foreground (no `--daemon`: systemd
 * supervises it), SIGHUP reloads the configuration (ExecReload). KillMode is
 * `mixed`: `systemctl stop` sends SIGTERM to gafferd only, which stops its
 * processes gracefully (each job's stop signal and graceful_timeout) and
 * exits; anything still in the unit's cgroup after TimeoutStopSec gets
 * SIGKILL. (`control-group` would signal every child at once, bypassing the
 * jobs' stop settings. Detached processes also live in the cgroup and are
 * killed when the unit stops; use KillMode=process to keep them.)
 */
export function gafferdServiceUnit(options: GafferdServiceOptions): SystemdUnit {
  const service = [
    'Type=simple',
    ...optional('User', options.user),
    ...optional('Group', options.group),
    ...optional('WorkingDirectory', options.workingDirectory),
    `ExecStart=${plain('the gafferd command', options.gafferd ?? '/usr/bin/env gafferd')} -c ${execArg(options.config)}`,
    'ExecReload=/bin/kill -HUP $MAINPID',
    'KillMode=mixed',
    `TimeoutStopSec=${options.timeoutStopSec ?? 35}`,
    'Restart=on-failure',
  ];
  const content = unit(
    ['Description=gaffer process supervisor (gafferd)', 'After=network.target'],
    service,
    ['WantedBy=multi-user.target'],
  );
  return { name: 'gafferd.service', content };
}

export interface SystemdExportOptions {
  appName: string;
  /** Absolute application root: the processes' working directory. */
  root: string;
  /** The .env variables. */
  env?: Record<string, string>;
  concurrency?: ReadonlyMap<string, number>;
  user?: string;
  /** First PORT (default: integer env.PORT, else 5000). */
  basePort?: number;
  /** Seconds between SIGTERM and SIGKILL (default 30, gaffer's graceful_timeout). */
  timeoutStopSec?: number;
  /** Shell running each command that needs one (default `/bin/sh`). */
  shell?: string;
  /** Export only this type (keeping its position's PORT). */
  only?: string;
}

/**
 * Foreman-style export: `<app>.target` (enable it to start everything at
 * boot) wanting `<app>-<type>-<n>.service` for n = 1..concurrency (default
 * 1), each with `PORT = base + 100 * <type index> + (n - 1)`, the .env
 * variables, and the Procfile command under the Procfile-line rule: a line
 * with shell syntax runs under `/bin/sh -c` (pipes, `&&`, `$PORT` as with
 * foreman), a plain line is exec'd through `/usr/bin/env` (PATH lookup, no
 * extra process) with its `$VAR` references left to systemd. KillMode is the default `control-group`:
 * the shell and everything it started get SIGTERM, then SIGKILL after
 * TimeoutStopSec, like gaffer signalling a process group.
 */
export function exportSystemd(procfile: Procfile, options: SystemdExportOptions): SystemdUnit[] {
  const app = unitWord(options.appName);
  const env = options.env ?? {};
  const envPort = /^\d+$/.test(env.PORT ?? '') ? Number(env.PORT) : undefined;
  const base = options.basePort ?? envPort ?? DEFAULT_BASE_PORT;
  const services: SystemdUnit[] = [];
  procfile.entries.forEach((entry, index) => {
    if (options.only !== undefined && entry.type !== options.only) return;
    const command = procfileCommand(entry.command);
    const exec = command.shell
      ? `${options.shell ?? '/bin/sh'} -c ${quoted(command.cmd, true)}`
      : `/usr/bin/env ${[command.cmd, ...command.args].map(execWord).join(' ')}`;
    const count = options.concurrency?.get(entry.type) ?? 1;
    for (let n = 1; n <= count; n++) {
      const name = `${app}-${unitWord(entry.type)}-${n}`;
      const variables = { ...env, PORT: String(base + 100 * index + n - 1) };
      const content = unit(
        [`Description=${plainValue('Description', `${options.appName} ${entry.type} process ${n}`)}`, `PartOf=${app}.target`, 'After=network.target'],
        [
          'Type=simple',
          ...optional('User', options.user),
          `WorkingDirectory=${plainValue('WorkingDirectory', options.root)}`,
          ...Object.entries(variables).map(([k, v]) => `Environment=${quoted(`${envName(k)}=${v}`)}`),
          `ExecStart=${exec}`,
          'Restart=always',
          'RestartSec=1',
          'KillMode=control-group',
          `TimeoutStopSec=${options.timeoutStopSec ?? 30}`,
          'StandardInput=null',
          `SyslogIdentifier=${name}`,
        ],
        [],
      );
      services.push({ name: `${name}.service`, content });
    }
  });
  const target = unit(
    [`Description=${plainValue('Description', `${options.appName} (Procfile application)`)}`, `Wants=${services.map((s) => s.name).join(' ')}`],
    undefined,
    ['WantedBy=multi-user.target'],
  );
  return [{ name: `${app}.target`, content: target }, ...services];
}

// Assemble [Unit], [Service] (when given) and [Install] (when non-empty).
function unit(unitLines: string[], serviceLines: string[] | undefined, installLines: string[]): string {
  const blocks = [['[Unit]', ...unitLines].join('\n')];
  if (serviceLines) blocks.push(['[Service]', ...serviceLines].join('\n'));
  if (installLines.length > 0) blocks.push(['[Install]', ...installLines].join('\n'));
  return `${blocks.join('\n\n')}\n`;
}

function optional(key: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${key}=${plainValue(key, value)}`];
}

// U+0000-U+001F and U+007F: a newline would start a new directive in the unit file.
const CONTROL = /[\u0000-\u001f\u007f]/;

// A value written unquoted: control characters are refused, `%` escaped.
function plainValue(key: string, value: string): string {
  return escapeSpecifiers(plain(`${key}=`, value));
}

function plain(what: string, value: string): string {
  if (CONTROL.test(value)) {
    throw new BadRequestError('bad_value', `cannot export ${what} ${JSON.stringify(value)}: it contains a control character (newline, tab...), ` +
      'which a systemd unit cannot hold there; rename it');
  }
  return value;
}

// An environment variable name: no control character, `=` or whitespace.
function envName(name: string): string {
  if (!/^[^\s=\u0000-\u001f\u007f]+$/.test(name)) {
    throw new BadRequestError('bad_value', `cannot export the environment variable name ${JSON.stringify(name)}: ` +
      'a name cannot be empty or hold "=", whitespace or control characters');
  }
  return name;
}

// `%` starts a systemd specifier (%n, %i...): a literal one is `%%`.
function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, '%%');
}

// A double-quoted unit value with C escapes; in Exec lines `$` is doubled so
// systemd leaves variable references to the shell.
function quoted(text: string, isExec = false): string {
  // No escape can carry a NUL into an argument or an environment value.
  if (text.includes('\u0000')) plain('a value', text);
  let body = escapeSpecifiers(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\u0000-\u001f\u007f]/g, cEscape);
  if (isExec) body = body.replace(/\$/g, '$$$$');
  return `"${body}"`;
}

// A control character as a C escape systemd decodes in quoted values (\n, \t, \r, else \xNN).
function cEscape(ch: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
  return named[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

// An Exec argument: as is when plain, else quoted.
function execArg(word: string): string {
  return /^[A-Za-z0-9_@+=:,./-]+$/.test(word) ? word : quoted(word, true);
}

// A word of a plain Procfile line: `$NAME` / `${NAME}` become systemd's `${NAME}`
// (one argument, as gaffer substitutes them); everything else is literal.
function execWord(word: string): string {
  const parts = word.split(/(\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\}))/);
  const body = parts.map((part, i) => (i % 2 === 1 ? `\${${part.replace(/^\$\{?|\}$/g, '')}}` : literalExec(part))).join('');
  return body !== '' && /^[A-Za-z0-9_@+=:,./%${}-]+$/.test(body) ? body : `"${body}"`;
}

// Literal text in an Exec line: `%` and `$` doubled, `\` and `"` escaped.
function literalExec(text: string): string {
  return escapeSpecifiers(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$').replace(/\n/g, '\\n');
}

// Unit names allow letters, digits and `:_.-` (and `@` for templates, avoided here).
function unitWord(text: string): string {
  return text.replace(/[^A-Za-z0-9:_.-]/g, '_');
}
