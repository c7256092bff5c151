import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BadRequestError, NotFoundError } from '../../../errors.js';
import { UsageError } from '../../shared/usage-error.js';
import type { GafferCommand } from '../command.js';
import type { GafferContext } from '../context.js';
import { explicitAppName, folderAppName } from '../app-name.js';
import { parsePort } from './start.js';

const FORMATS = ['ini', 'json', 'systemd'] as const;
type Format = (typeof FORMATS)[number];

export const exportCommand: GafferCommand = {
  name: 'export',
  summary: 'export the Procfile as gafferd config (ini), a JSON job, or systemd units',
  description: `Convert the Procfile:

  ini      [process:<app>:<type>] sections to include in (or use as) the
           gafferd configuration: the jobs gaffer load would load (cmd,
           args, shell for lines with shell syntax, cwd = the application
           root, port = the type's first PORT, priority = position,
           numprocesses = -c or 1, redirect_output, env:<VAR> per .env
           variable), so gafferd -c <file> runs the app from any directory
  json     one <type> as that JSON job ({"name", "cmd", "args", "cwd",
           "port", "env", "numprocesses", "redirect_output"}) for gaffer
           load <file>, gafferctl load_process or POST /jobs/<app>
  systemd  <app>.target + one <app>-<type>-<n>.service per instance (PORT per
           instance, the .env variables); --out names a directory.
           With --gafferd CONFIG: one gafferd.service running gafferd on that
           configuration instead (no Procfile needed)

Output goes to --out (a file; a directory for systemd) or stdout. The 0.4
forms 'export ini [FILE]' and 'export json <type> [FILE]' are accepted.

  $ gaffer export --format=ini
  [process:myapp:web]
  cmd = node
  args = server.js --port $PORT
  cwd = /home/me/myapp
  port = 5100
  priority = 0
  numprocesses = 1
  redirect_output = out, err
  env:GREETING = hello
  $ gaffer export json web --out web.json`,
  configure: (cmd) => {
    cmd.argument('[args...]', '[<format>] [<type>] [<file>]')
      .option('--format <FORMAT>', 'ini (default), json or systemd')
      .option('--out <FILE>', 'write to this file (systemd: directory) instead of stdout')
      .option('--app <APP>', 'application name of the ini/systemd export (default: the folder name)')
      .option('-p, --port <PORT>', 'base PORT (default: PORT from .env, else 5100 for ini/json, 5000 for systemd)', parsePort)
      .option('--user <USER>', 'systemd: run the processes as this user')
      .option('--gafferd <CONFIG>', 'systemd: write gafferd.service for this gafferd configuration instead of per-process units');
  },
  async run(ctx, args, opts) {
    const { format, type, out } = exportTarget(args[0] as string[], opts);
    if (format === 'systemd' && typeof opts.gafferd === 'string') {
      // The whole node as one service: systemd runs gafferd, gafferd runs the jobs.
      const { gafferdServiceUnit } = await import('../../../config/export-systemd.js');
      const unit = gafferdServiceUnit({ config: resolve(ctx.io.cwd, opts.gafferd), user: opts.user as string | undefined, gafferd: `${process.execPath} ${resolve(import.meta.dirname, '../../../../../bin/gafferd.js')}` });
      if (out === undefined) return emit(ctx, undefined, unit.content);
      await mkdir(resolve(ctx.io.cwd, out), { recursive: true });
      await emit(ctx, join(resolve(ctx.io.cwd, out), unit.name), unit.content);
      ctx.out(`gafferd.service written to ${resolve(ctx.io.cwd, out)}`);
      return 0;
    }
    const procfile = await ctx.procfile();
    const concurrency = await ctx.concurrency();
    const app = opts.app === undefined ? folderAppName(ctx.root, ctx.io.cwd) : explicitAppName(opts.app as string, ctx.io.cwd);
    const exporters = await import('../../../config/export.js');
    if (format === 'json') {
      if (type === undefined) throw new BadRequestError('bad_value', 'you should provide a process type to export');
      return emit(ctx, out, exporters.exportJson(procfile, type, { appName: app, root: ctx.root, env: (await ctx.envFiles()).env, concurrency, basePort: opts.port as number | undefined }));
    }
    const entries = type === undefined ? procfile.entries : procfile.entries.filter((e) => e.type === type);
    if (entries.length === 0 && type !== undefined) throw new NotFoundError('not_found', `'${type}' is not found`);
    if (format === 'ini') {
      return emit(ctx, out, exporters.exportIni(procfile, { appName: app, root: ctx.root, env: (await ctx.envFiles()).env, concurrency, basePort: opts.port as number | undefined, only: type }));
    }
    const { exportSystemd } = await import('../../../config/export-systemd.js');
    const units = exportSystemd(procfile, { only: type,
      appName: app, root: ctx.root, env: (await ctx.envFiles()).env, concurrency,
      basePort: opts.port as number | undefined, user: opts.user as string | undefined,
    });
    if (out === undefined) {
      ctx.io.stdout.write(units.map((u) => `# ==> ${u.name} <==\n${u.content}`).join('\n'));
      return 0;
    }
    const dir = resolve(ctx.io.cwd, out);
    await mkdir(dir, { recursive: true });
    for (const unit of units) await writeFile(join(dir, unit.name), unit.content);
    ctx.out(`${units.length} systemd units written to ${dir}: ${units.map((u) => u.name).join(' ')}`);
    return 0;
  },
};

// 0.4: `<format> [<type>] [<file>]` (a type for json only); 0.5: `[--format F] [<type>]` with --out.
function exportTarget(words: readonly string[], opts: Record<string, unknown>): { format: Format; type?: string; out?: string } {
  const rest = [...words];
  const legacy = opts.format === undefined && rest.length > 0 && (FORMATS as readonly string[]).includes(rest[0]!);
  const format = legacy ? rest.shift()! : (opts.format as string | undefined) ?? 'ini';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown export format '${format}': expected ini, json or systemd`);
  const type = !legacy || format === 'json' ? rest.shift() : undefined;
  const out = (opts.out as string | undefined) ?? (legacy ? rest.shift() : undefined);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  return { format: format as Format, type, out };
}

async function emit(ctx: GafferContext, out: string | undefined, text: string): Promise<number> {
  if (out === undefined) ctx.io.stdout.write(text);
  else await writeFile(resolve(ctx.io.cwd, out), text);
  return 0;
}
