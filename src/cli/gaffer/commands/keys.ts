// `key`, `key:create`, `key:delete` (cli.md).
import { NotFoundError, isGafferError } from '../../../errors.js';
import type { GafferCommand } from '../command.js';
import { parsePermissionArgs, permissionLines } from '../permission-args.js';

/** Run a request about a key: a 404 becomes `Key '<k>' not found`. */
async function aboutKey<T>(key: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (isGafferError(err) && err.status === 404) throw new NotFoundError('not_found', `Key '${key}' not found`);
    throw err;
  }
}

export const keyCommand: GafferCommand = {
  name: 'key',
  summary: 'show an API key: its label and permissions',
  description: `Print the label and the permissions of an API key. Needs create_key, or
that key itself.

  $ gaffer key 0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41
  Key '0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41' found.
  Label: deploy myapp
  Permissions:
    admin: False
    create_key: False
    create_user: False
    manage: myapp
    read: *
    write:

HTTP: GET /keys/<key>`,
  configure: (cmd) => { cmd.argument('<apikey>', 'the API key'); },
  async run(ctx, args) {
    const key = args[0] as string;
    const client = await ctx.client();
    const record = await aboutKey(key, () => client.getKey(key));
    ctx.out(`Key '${key}' found.`);
    ctx.out(`Label: ${record.label ?? ''}`);
    ctx.out('Permissions:');
    for (const line of permissionLines(record.permissions ?? {})) ctx.out(line);
    return 0;
  },
};

export const keyCreateCommand: GafferCommand = {
  name: 'key:create',
  summary: 'create an API key with permissions',
  description: `Create an API key. Each <perm> adds rights:

  +a                 admin (every right; needs an admin key)
  +u                 create_user
  +k                 create_key
  +m                 manage everything (manage: *)
  <target>+<rwm>     read (r), write (w) and/or manage (m) a session
                     (myapp), a job (myapp.web) or everything ('*')

The permissions are shown, then the creation is confirmed (--no-input skips
the question).

  $ gaffer key:create myapp+m '*+r' --label 'deploy myapp'
  A key with the following permissions will be created:

    admin: False
    create_key: False
    create_user: False
    manage: myapp
    read: *
    write:

  Create the key [y]|n:
  The key '0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41' has been created.

HTTP: POST /keys {"permissions", "label"}`,
  configure: (cmd) => {
    cmd.argument('<perm...>', 'permissions: +a, +u, +k, +m, <target>+<r|w|m...>')
      .option('--label <LABEL>', 'a label for the key')
      .option('--no-input', 'do not ask for confirmation');
  },
  async run(ctx, args, opts) {
    const permissions = parsePermissionArgs(args[0] as string[]);
    ctx.out('A key with the following permissions will be created:');
    ctx.out('');
    for (const line of permissionLines(permissions)) ctx.out(line);
    ctx.out('');
    if (!(await ctx.confirm('Create the key'))) return 0;
    const client = await ctx.client();
    const key = await client.createKey({ permissions, ...(typeof opts.label === 'string' ? { label: opts.label } : {}) });
    ctx.out(`The key '${key}' has been created.`);
    return 0;
  },
};

export const keyDeleteCommand: GafferCommand = {
  name: 'key:delete',
  summary: 'delete an API key (and its sub-keys)',
  description: `Delete an API key and its sub-keys; they are refused at once. Needs
create_key, or that key itself. Confirmed unless --no-input.

  $ gaffer key:delete 0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41
  Delete the key '0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41' [y]|n:
  The key '0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41' has been deleted.

HTTP: DELETE /keys/<key>`,
  configure: (cmd) => { cmd.argument('<apikey>', 'the API key').option('--no-input', 'do not ask for confirmation'); },
  async run(ctx, args) {
    const key = args[0] as string;
    if (!(await ctx.confirm(`Delete the key '${key}'`))) return 0;
    const client = await ctx.client();
    await aboutKey(key, () => client.deleteKey(key));
    ctx.out(`The key '${key}' has been deleted.`);
    return 0;
  },
};
