// `gafferd --create-admin-user` and `gafferd --list-admins` (cli.md): open
// the user and key stores of the configuration directory, do the work of
// auth/admin-user.ts, print the outcome and return the exit status.
import { Authenticator } from '../../auth/authenticator.js';
import { createAdminUser, listAdmins, type Prompter } from '../../auth/admin-user.js';
import { locateConfig } from '../../config/config-location.js';
import { loadGafferdConfig } from '../../config/gafferd-config.js';
import { isGafferError } from '../../errors.js';
import type { GafferdInvocation } from './program.js';

export interface AdminCommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** The terminal, only needed when --username or --password is missing. */
  prompter: () => Prompter & { close(): void };
}

/** Run `--list-admins` or `--create-admin-user`; resolves with the exit status. */
export async function runAdminCommand(invocation: GafferdInvocation, io: AdminCommandIO): Promise<number> {
  let auth: Authenticator;
  try {
    const env = io.env ?? process.env;
    const location = locateConfig(invocation.configPath, env);
    const config = await loadGafferdConfig(location.configFile, { configDir: location.configDir, env, overrides: invocation.overrides });
    auth = new Authenticator({
      required: true,
      authDb: config.auth.authDb,
      keysDb: config.auth.keysDb,
      authBackend: config.auth.authBackend,
      keysBackend: config.auth.keysBackend,
    });
    auth.open();
  } catch (err) {
    io.stderr(`gafferd: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (invocation.listAdmins) {
      for (const line of listAdmins(auth.users)) io.stdout(`${line}\n`);
      return 0;
    }
    return await createAdmin(auth, invocation, io);
  } finally {
    auth.close();
  }
}

async function createAdmin(auth: Authenticator, invocation: GafferdInvocation, io: AdminCommandIO): Promise<number> {
  const needsTerminal = invocation.username === undefined || invocation.password === undefined;
  const prompter = needsTerminal ? io.prompter() : { ask: async () => undefined, say: (line: string) => io.stdout(`${line}\n`), close: () => {} };
  try {
    const outcome = await createAdminUser({ keys: auth.keys, users: auth.users }, { username: invocation.username, password: invocation.password }, prompter);
    if (!outcome.created) {
      io.stdout('admin not created.\n');
      return 0;
    }
    io.stdout(`User '${outcome.username}' created.\nAPI Key: ${outcome.key}\n`);
    return 0;
  } catch (err) {
    if (isGafferError(err) && (err.reason === 'username_empty' || err.reason === 'password_empty')) io.stderr(`Error: ${err.message}\n`);
    else io.stderr(`${isGafferError(err) && err.status < 500 ? '' : 'gafferd: '}${(err as Error).message}\n`);
    return 1;
  } finally {
    prompter.close();
  }
}
