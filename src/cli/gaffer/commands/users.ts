// `user`, `user:add`, `user:del`, `user:setpassword`, `user:setkey` (cli.md).
import { BadRequestError, ConflictError, NotFoundError, isGafferError } from '../../../errors.js';
import type { UserType } from '../../../protocol/auth.js';
import type { GafferCommand } from '../command.js';
import { askNewPassword, askOptional, askRequired, givenPassword } from '../credentials.js';

/** Run a request about a user: a 404 becomes `User '<u>' not found`. */
async function aboutUser<T>(username: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (isGafferError(err) && err.status === 404) throw new NotFoundError('not_found', `User '${username}' not found`);
    throw err;
  }
}

function parseUserType(value: string): UserType {
  if (value === '0' || value === '1') return Number(value) as UserType;
  throw new BadRequestError('bad_value', `invalid user type '${value}': expected 0 (user/administrator) or 1 (application)`);
}

const NO_INPUT = 'do not ask for confirmation (nor for optional values)';

export const userCommand: GafferCommand = {
  name: 'user',
  summary: 'show a user and its API key',
  description: `Print the user and the API key bound to it ('None' when no key is bound).
Needs create_user, or the key bound to that user.

  $ gaffer user ci
  User 'ci' found
  API Key: 0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41

HTTP: GET /users/<username>`,
  configure: (cmd) => { cmd.argument('<username>', 'user name'); },
  async run(ctx, args) {
    const username = args[0] as string;
    const client = await ctx.client();
    const user = await aboutUser(username, () => client.getUser(username));
    ctx.out(`User '${username}' found`);
    ctx.out(`API Key: ${user.key ?? 'None'}`);
    return 0;
  },
};

export const userAddCommand: GafferCommand = {
  name: 'user:add',
  summary: 'create a user',
  description: `Create a user. Missing values are asked: username, password (twice, not
echoed), 'api key: ' (the key bound to the user; empty = none) and
'type [1]: ' (1 = application account, 0 = user/administrator, which needs
an admin key). The user is shown, then the creation is confirmed.

  $ gaffer user:add ci -p s3cret -k 0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41 -t 1

  Creating the user 'ci' with the following infos:
  API Key: 0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41
  Type: 1

  Confirm the creation of the user 'ci' [y]|n:
  User 'ci' created

A taken name: "User 'ci' already exists" (status 1).

HTTP: POST /users {"username", "password", "user_type", "key"}`,
  configure: (cmd) => {
    cmd.argument('[username]', 'user name (asked when missing)')
      .option('-p, --password <PASSWORD>', 'password (asked when missing)')
      .option('-k, --key <KEY>', 'API key bound to the user')
      .option('-t, --type <TYPE>', 'user type: 1 application (default), 0 user/administrator')
      .option('--no-input', NO_INPUT);
  },
  async run(ctx, args, opts) {
    const userType = typeof opts.type === 'string' ? parseUserType(opts.type) : undefined;
    const password = givenPassword(opts.password);
    const username = (args[0] as string | undefined) ?? await askRequired(ctx, 'username: ', 'a username');
    const secret = username === undefined ? undefined : password ?? await askNewPassword(ctx);
    if (username === undefined || secret === undefined) {
      ctx.err('user not created');
      return 1;
    }
    const key = typeof opts.key === 'string' ? opts.key : await askOptional(ctx, 'api key: ', '');
    let type = userType;
    while (type === undefined) {
      const answer = await askOptional(ctx, 'type [1]: ', '1');
      if (answer === '0' || answer === '1') type = Number(answer) as UserType;
      else ctx.out('invalid user type');
    }
    ctx.out('');
    ctx.out(`Creating the user '${username}' with the following infos:`);
    ctx.out(`API Key: ${key === '' ? 'None' : key}`);
    ctx.out(`Type: ${type}`);
    ctx.out('');
    if (!(await ctx.confirm(`Confirm the creation of the user '${username}'`))) return 0;
    const client = await ctx.client();
    try {
      await client.createUser({ username, password: secret, user_type: type, key: key === '' ? null : key });
    } catch (err) {
      if (isGafferError(err) && err.status === 409) throw new ConflictError('conflict', `User '${username}' already exists`);
      throw err;
    }
    ctx.out(`User '${username}' created`);
    return 0;
  },
};

export const userDelCommand: GafferCommand = {
  name: 'user:del',
  summary: 'delete a user',
  description: `Delete a user (its key stays: delete it with key:delete). Confirmed unless
--no-input.

  $ gaffer user:del ci
  Confirm deletion of the user 'ci' [y]|n:
  User 'ci' deleted

HTTP: DELETE /users/<username>`,
  configure: (cmd) => { cmd.argument('<username>', 'user name').option('--no-input', 'do not ask for confirmation'); },
  async run(ctx, args) {
    const username = args[0] as string;
    if (!(await ctx.confirm(`Confirm deletion of the user '${username}'`))) return 0;
    const client = await ctx.client();
    await aboutUser(username, () => client.deleteUser(username));
    ctx.out(`User '${username}' deleted`);
    return 0;
  },
};

export const userSetPasswordCommand: GafferCommand = {
  name: 'user:setpassword',
  summary: "change a user's password",
  description: `Change the password of a user (asked twice, not echoed, when -p is
missing). Needs create_user, or the key bound to that user. Confirmed unless
--no-input.

  $ gaffer user:setpassword ci
  password:
  confirm password:
  Confirm the change of ci's password [y]|n:
  ci's password changed

HTTP: PUT /users/<username>/password {"password"}`,
  configure: (cmd) => {
    cmd.argument('<username>', 'user name').option('-p, --password <PASSWORD>', 'the new password (asked when missing)').option('--no-input', NO_INPUT);
  },
  async run(ctx, args, opts) {
    const username = args[0] as string;
    const password = givenPassword(opts.password) ?? await askNewPassword(ctx);
    if (password === undefined) {
      ctx.err('password not changed');
      return 1;
    }
    if (!(await ctx.confirm(`Confirm the change of ${username}'s password`))) return 0;
    const client = await ctx.client();
    await aboutUser(username, () => client.setUserPassword(username, password));
    ctx.out(`${username}'s password changed`);
    return 0;
  },
};

export const userSetKeyCommand: GafferCommand = {
  name: 'user:setkey',
  summary: 'bind another API key to a user',
  description: `Bind an API key to a user (asked when -k is missing): 'gaffer login' then
answers that key. Confirmed unless --no-input.

  $ gaffer user:setkey ci -k 0c3f5ec2d0a94b1f8d1b2e1e6a7c9d41 --no-input
  ci's key changed

HTTP: PUT /users/<username>/key {"key"}`,
  configure: (cmd) => {
    cmd.argument('<username>', 'user name').option('-k, --key <KEY>', 'the API key (asked when missing)').option('--no-input', NO_INPUT);
  },
  async run(ctx, args, opts) {
    const username = args[0] as string;
    if (opts.key === '') throw new BadRequestError('bad_value', 'the API key is empty: give one with -k KEY');
    const key = typeof opts.key === 'string' ? opts.key : await askRequired(ctx, 'api key: ', 'an API key', { option: '-k KEY' });
    if (key === undefined) {
      ctx.err('key not changed');
      return 1;
    }
    if (!(await ctx.confirm(`Confirm the change of ${username}'s key`))) return 0;
    const client = await ctx.client();
    await aboutUser(username, () => client.setUserKey(username, key));
    ctx.out(`${username}'s key changed`);
    return 0;
  },
};
