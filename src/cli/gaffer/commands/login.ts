import { isGafferError } from '../../../errors.js';
import type { GafferCommand } from '../command.js';
import { askRequired, givenPassword } from '../credentials.js';

export const loginCommand: GafferCommand = {
  name: 'login',
  summary: 'log in to gafferd: store your API key in the user configuration',
  description: `Authenticate on gafferd with a username and password (asked when -u/-p are
missing; the password is not echoed) and store the API key bound to the user
as 'key' in the [node "<address>"] section of the user configuration
($GAFFER_CONFIG, else ~/.gaffer/gaffer.ini, created owner-only when
missing). Later commands on that address send it.

  $ gaffer login -u ci
  password:
  User 'ci' authenticated.

Wrong credentials: 'unauthorized: username or password is wrong' (status 1).
End of input at a question: 'not authenticated' (status 1). A gafferd that
does not require API keys has nothing to log in to (status 0).

HTTP: GET /auth (Basic credentials)`,
  configure: (cmd) => {
    cmd.option('-u, --username <USERNAME>', 'user name').option('-p, --password <PASSWORD>', 'password (asked when missing; mind your shell history)');
  },
  async run(ctx, _args, opts) {
    const username = typeof opts.username === 'string' ? opts.username : await askRequired(ctx, 'username: ', 'a username', { option: '-u USERNAME' });
    const password = username === undefined ? undefined
      : givenPassword(opts.password) ?? await askRequired(ctx, 'password: ', 'a password', { hidden: true, option: '-p PASSWORD' });
    if (username === undefined || password === undefined) {
      ctx.err('not authenticated');
      return 1;
    }
    const client = await ctx.client();
    let key: string | null;
    try {
      key = await client.authenticate(username, password);
    } catch (err) {
      if (isGafferError(err) && err.status === 401) {
        ctx.err('unauthorized: username or password is wrong');
        return 1;
      }
      if (isGafferError(err) && err.status === 404) {
        ctx.out(`gafferd at ${ctx.endpoint} does not require API keys: there is nothing to log in to.`);
        return 0;
      }
      throw err;
    }
    if (key === null) {
      ctx.out(`User '${username}' authenticated.`);
      ctx.err(`gaffer: no API key is bound to user '${username}', so none was stored; an administrator can bind one with 'gaffer user:setkey ${username}'`);
      return 0;
    }
    const { saveNodeKey } = await import('../user-config.js');
    await saveNodeKey(ctx.io.env, ctx.endpoint, key);
    ctx.out(`User '${username}' authenticated.`);
    return 0;
  },
};
