import type { GafferCommand } from '../command.js';

// The 0.5 user and key commands belong to the authentication issue; until then they say how to manage without them.
const AUTH_COMMANDS: ReadonlyArray<[string, string]> = [
  ['login', '[-u USERNAME] [-p PASSWORD]'],
  ['user', '<username>'],
  ['user:add', '[<username>] [-p PASSWORD] [-k KEY] [-t TYPE]'],
  ['user:del', '<username>'],
  ['user:setpassword', '<username> [-p PASSWORD]'],
  ['user:setkey', '<username> [-k KEY]'],
  ['key', '<apikey>'],
  ['key:create', '<perm>... [--label LABEL]'],
  ['key:delete', '<apikey>'],
];

/** Exit status of a command this version does not provide yet. */
export const NOT_AVAILABLE_STATUS = 1;

export const NOT_AVAILABLE: readonly GafferCommand[] = AUTH_COMMANDS.map(([name, usage]) => ({
  name,
  summary: 'not available yet (users and API keys: a later version)',
  description: `${name} ${usage}\n\nNot available yet in this version of gaffer (users and API keys, auth.md).\nMeanwhile create an admin key with 'gafferd -c DIR --create-admin-user' and\npass it with --api-key KEY (or $GAFFER_API_KEY, or 'key' in the user config).`,
  configure: (cmd) => { cmd.allowUnknownOption().allowExcessArguments(true).argument('[args...]'); },
  async run(ctx) {
    ctx.err(`gaffer: '${name}' is not available yet in this version (users and API keys); create an admin key with 'gafferd -c DIR --create-admin-user' and pass it with --api-key KEY`);
    return NOT_AVAILABLE_STATUS;
  },
}));
