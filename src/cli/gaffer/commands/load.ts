import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NotFoundError, isGafferError } from '../../../errors.js';
import { explicitAppName, isAddress } from '../app-name.js';
import type { GafferCommand } from '../command.js';
import type { GafferClient } from '../../../client/gaffer-client.js';
import type { GafferContext } from '../context.js';
import { readJobFile } from '../job-file.js';
import { parsePort } from './start.js';

export const loadCommand: GafferCommand = {
  name: 'load',
  summary: 'load the Procfile application (or a JSON job file) into gafferd',
  description: `Load the jobs of the Procfile into gafferd, in session <app> (default: the
folder name of the application root; . = the current folder). Each type
becomes a job with the .env variables, -c concurrency, output redirected as
out/err and the application root as cwd; started unless --nostart. Each
instance gets its own PORT as with gaffer start: base + 100 x the type's
position + the instance number - 1, base = -p, else PORT from .env, else 5100
(clear of gafferd's own 5000); scaling up gives the next ports. A line with
shell syntax (&&, |, >, VAR=value, $(...)...) runs under /bin/sh -c.

When the argument is - (stdin) or an existing file, it is a JSON job file
instead: one job or {"jobs": [...]}; a name app.job picks the session
(--app forces one); each job starts unless its "start" is false or --nostart.
A job without "cwd" runs in the job file's folder (stdin: the current
folder); a relative "cwd" is taken from that folder.

A second argument (or an argument that is an address) is the gafferd URL.

  $ gaffer load
  ==> 'myapp' has been loaded in http://127.0.0.1:5000
  $ gaffer load jobs.json
  'testapp.dummy' has been loaded in http://127.0.0.1:5000
  'jobs.json' has been loaded`,
  configure: (cmd) => {
    cmd.argument('[name-or-file]', 'application name, or a JSON job file (- = stdin)')
      .argument('[url]', 'gafferd address')
      .option('--nostart', 'load without starting')
      .option('-p, --port <PORT>', 'Procfile: base PORT of the first type (default: PORT from .env, else 5100)', parsePort)
      .option('--app <APP>', 'application (session) to load into');
  },
  async run(ctx, args, opts) {
    const words = (args as Array<string | undefined>).filter((w): w is string => w !== undefined);
    const address = words.findIndex(isAddress);
    if (address >= 0) ctx.useEndpoint(words.splice(address, 1)[0]!);
    else if (words.length > 1) ctx.useEndpoint(words.pop()!);
    const first = words[0];
    const start = opts.nostart !== true;
    if (first !== undefined && (first === '-' || isFile(resolve(ctx.io.cwd, first)))) return loadJobFile(ctx, first, start, opts.app as string | undefined);
    return loadProcfile(ctx, first, start, opts.port as number | undefined);
  },
};

async function loadJobFile(ctx: GafferContext, file: string, start: boolean, app: string | undefined): Promise<number> {
  const jobs = await readJobFile(file, ctx.io);
  const forced = app === undefined ? undefined : explicitAppName(app, ctx.io.cwd);
  const fallback = await ctx.appName();
  const client = await ctx.client();
  // Like a Procfile's root: jobs run in the job file's folder (stdin: the current one).
  const folder = file === '-' ? ctx.io.cwd : dirname(resolve(ctx.io.cwd, file));
  for (const job of jobs) {
    const sessionid = forced ?? job.sessionid ?? fallback;
    const full = `${sessionid}.${job.name}`;
    const body = { ...job.config, name: job.name, cwd: jobCwd(job.config.cwd, folder), start: typeof job.config.start === 'boolean' ? job.config.start : start };
    try {
      await client.loadJob(sessionid, body);
      ctx.out(`'${full}' has been loaded in ${client.endpoint.display}`);
    } catch (err) {
      if (!isGafferError(err) || err.status !== 409) throw err;
      ctx.out(`'${full}' already loaded`);
    }
  }
  ctx.out(`'${file}' has been loaded`);
  return 0;
}

async function loadProcfile(ctx: GafferContext, name: string | undefined, start: boolean, basePort: number | undefined): Promise<number> {
  const procfile = await ctx.localProcfile();
  if (!procfile) throw new NotFoundError('not_found', `procfile or job file is missing (no ${ctx.procfilePath}; run it in the application's folder, use -f FILE, or give a JSON job file)`);
  const app = await ctx.appName(name);
  const { procfileToJobs } = await import('../../../config/procfile.js');
  const env = await ctx.envFiles();
  const jobs = procfileToJobs(procfile, { env: env.env, concurrency: await ctx.concurrency(), root: ctx.root, appName: app, forLocalRun: false, start, cwd: ctx.io.cwd, basePort });
  const client = await ctx.client();
  const listener = client.endpoint.socketPath === undefined ? client.endpoint.port : undefined;
  const clash = jobs.find((j) => listener !== undefined && listener >= j.port && listener < j.port + 100);
  if (clash) ctx.err(`gaffer: warning: '${clash.type}' gets PORT ${clash.port} and up, and gafferd listens on ${listener}; choose another base with -p`);
  const { watchFirstSpawns } = await import('../first-spawns.js');
  const spawns = start ? await watchFirstSpawns(client) : undefined;
  try {
    for (const job of jobs) {
      try {
        await client.loadJob(app, { ...job.config, start: job.start });
        if (job.start && job.config.numprocesses > 0) spawns?.expect(`${app}.${job.type}`);
      } catch (err) {
        if (!isGafferError(err) || err.status !== 409) throw err;
        ctx.out(`'${job.type}' already loaded`);
      }
    }
    const failed = (await spawns?.failures()) ?? new Map<string, string>();
    if (failed.size > 0) return reportSpawnFailures(ctx, client, app, failed);
  } finally {
    spawns?.close();
  }
  ctx.out(`==> '${app}' has been loaded in ${client.endpoint.display}`);
  return 0;
}

// A job file's cwd: absolute as is, relative to the file's folder, that folder when missing.
function jobCwd(cwd: unknown, folder: string): unknown {
  if (cwd === undefined || cwd === null || cwd === '') return folder;
  return typeof cwd === 'string' ? resolve(folder, cwd) : cwd;
}

// A job whose first process cannot be spawned is unloaded again (gafferd would retry it forever), so
// fixing the Procfile and running `gaffer load` again loads the corrected command.
async function reportSpawnFailures(ctx: GafferContext, client: GafferClient, app: string, failed: Map<string, string>): Promise<number> {
  for (const [full, error] of failed) {
    await client.unloadJob(app, full.slice(app.length + 1)).catch(() => undefined);
    ctx.err(`gaffer: ${error}`);
    ctx.err(`gaffer: job '${full}' was not loaded; fix its Procfile line and run 'gaffer load' again`);
  }
  return 1;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
