// `gaffer export` formats (config.md "Exports"): an INI fragment the gafferd
// configuration can include, and one type as a JSON job for the HTTP API.
// Both are the job configs `gaffer load` sends (procfileToJobs), so an
// exported application runs as a loaded one does, from any directory: the
// Procfile-line rule (`shell`), the application root as `cwd`, the .env
// variables, the per-instance PORT (`port`) and output labels.
import { NotFoundError } from '../errors.js';
import { procfileToJobs, type Procfile, type ProcfileJob } from './procfile.js';
import { joinWords } from './shell-words.js';

export interface ExportIniOptions {
  /** Session of the exported jobs (`[process:<app>:<type>]`). */
  appName: string;
  concurrency?: ReadonlyMap<string, number>;
  /** Application root, the jobs' cwd (default: the current directory). */
  root?: string;
  /** The .env variables. */
  env?: Record<string, string>;
  /** First PORT (default as for `gaffer load`: PORT from env, else 5100). */
  basePort?: number;
  /** Export only this type (keeping its position's PORT and priority). */
  only?: string;
}

/**
 * One `[process:<app>:<type>]` section per type in Procfile order: `cmd`
 * (first word; the whole line with `shell = true` when it needs a shell),
 * `args` (omitted when there are none), `cwd`, `port`, `priority` (0-based
 * position), `numprocesses` (concurrency or 1), `redirect_output` and one
 * `env:<VAR>` line per .env variable; sections separated by a blank line.
 * Words that need it are single-quoted so the output loads back into the
 * same words.
 */
export function exportIni(procfile: Procfile, options: ExportIniOptions): string {
  const jobs = exportedJobs(procfile, options).map((job, index) => ({ job, index }));
  const sections = jobs.filter(({ job }) => options.only === undefined || job.type === options.only).map(({ job, index }) => {
    const c = job.config;
    const lines = [`[process:${options.appName}:${job.type}]`, `cmd = ${c.cmd}`];
    const args = typeof c.args === 'string' ? c.args : joinWords(c.args);
    if (args !== '') lines.push(`args = ${args}`);
    if (c.shell) lines.push('shell = true');
    lines.push(`cwd = ${c.cwd ?? ''}`, `port = ${job.port}`, `priority = ${index}`, `numprocesses = ${c.numprocesses}`);
    lines.push(`redirect_output = ${c.redirect_output.join(', ')}`);
    if (c.redirect_input) lines.push('redirect_input = true');
    if (c.uid !== null) lines.push(`uid = ${c.uid}`);
    if (c.gid !== null) lines.push(`gid = ${c.gid}`);
    for (const [k, v] of Object.entries(c.env)) lines.push(`env:${k} = ${v}`);
    return lines.join('\n');
  });
  return sections.length === 0 ? '' : `${sections.join('\n\n')}\n`;
}

export interface ExportJsonOptions extends Partial<ExportIniOptions> {}

/**
 * One type as the JSON job `gaffer load` would send: `{"name", "cmd",
 * "args", ["shell",] "cwd", "port", "env", "numprocesses", "redirect_output"}`,
 * indented with one space. `name` is the type (the session comes from the
 * API route or `gaffer load --app`). An unknown type is a NotFoundError
 * `'<type>' is not found`.
 */
export function exportJson(procfile: Procfile, type: string, options: ExportJsonOptions = {}): string {
  const index = procfile.entries.findIndex((e) => e.type === type);
  if (index < 0) throw new NotFoundError('not_found', `'${type}' is not found`);
  const c = exportedJobs(procfile, { appName: 'default', ...options })[index]!.config;
  const job = {
    name: c.name,
    cmd: c.cmd,
    args: c.args,
    ...(c.shell ? { shell: true } : {}),
    cwd: c.cwd,
    port: c.port,
    env: c.env,
    numprocesses: c.numprocesses,
    redirect_output: c.redirect_output,
  };
  return `${JSON.stringify(job, null, 1)}\n`;
}

function exportedJobs(procfile: Procfile, options: ExportIniOptions): ProcfileJob[] {
  return procfileToJobs(procfile, {
    forLocalRun: false, appName: options.appName, root: options.root, env: options.env,
    concurrency: options.concurrency, basePort: options.basePort,
  });
}
