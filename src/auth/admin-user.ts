// Bootstrapping (auth.md → Bootstrapping, cli.md → gafferd): the work behind
// `gafferd --create-admin-user` and `gafferd --list-admins`. The CLI gives
// the terminal as a Prompter; everything else happens here.
import { BadRequestError, ConflictError } from '../errors.js';
import type { KeyStore } from './key-store.js';
import type { UserStore } from './user-store.js';

/** Permissions and label of the key made for a new administrator. */
export const ADMIN_KEY_LABEL = 'admin key';

/** The operator's terminal: questions and remarks. */
export interface Prompter {
  /** Ask `question`; resolves undefined when the input ended (EOF, Ctrl-D, Ctrl-C). */
  ask(question: string, options?: { hidden?: boolean }): Promise<string | undefined>;
  /** Print one line for the operator. */
  say(line: string): void;
}

export interface AdminStores {
  keys: KeyStore;
  users: UserStore;
}

export type AdminCreation =
  | { created: true; username: string; key: string }
  | { created: false };

/**
 * Create an administrator: a key `{"admin": true}` labelled `admin key` and a
 * user of type 0 bound to it. Missing values are asked for (username lower-
 * cased and re-asked while empty or taken; password asked twice until both
 * match). Given values are checked: an empty one is a 400, a taken username
 * a 409. Ended input → `{created: false}` and nothing is written.
 */
export async function createAdminUser(stores: AdminStores, given: { username?: string; password?: string }, prompter: Prompter): Promise<AdminCreation> {
  let username = given.username;
  if (username !== undefined) {
    if (username.trim() === '') throw new BadRequestError('username_empty', 'username is empty');
    if (stores.users.has(username)) throw new ConflictError('conflict', `username '${username}' already exists. Please choose another`);
  } else {
    username = await askUsername(stores.users, prompter);
    if (username === undefined) return { created: false };
  }
  let password = given.password;
  if (password !== undefined) {
    if (password === '') throw new BadRequestError('password_empty', 'password is empty');
  } else {
    password = await askPassword(prompter);
    if (password === undefined) return { created: false };
  }
  const key = stores.keys.create({ permissions: { admin: true }, label: ADMIN_KEY_LABEL });
  try {
    await stores.users.create(username, { password, user_type: 0, key: key.key });
  } catch (err) {
    // No admin key without its user (e.g. the name was taken meanwhile by another process).
    stores.keys.delete(key.key);
    throw err;
  }
  return { created: true, username, key: key.key };
}

async function askUsername(users: UserStore, prompter: Prompter): Promise<string | undefined> {
  for (;;) {
    const answer = await prompter.ask('username: ');
    if (answer === undefined) return undefined;
    const username = answer.trim().toLowerCase();
    if (username === '') continue;
    if (!users.has(username)) return username;
    prompter.say(`username '${username}' already exists. Please enter another`);
  }
}

async function askPassword(prompter: Prompter): Promise<string | undefined> {
  for (;;) {
    const password = await prompter.ask('password: ', { hidden: true });
    if (password === undefined) return undefined;
    if (password === '') {
      prompter.say('Password is empty.');
      continue;
    }
    const confirmation = await prompter.ask('confirm password: ', { hidden: true });
    if (confirmation === undefined) return undefined;
    if (confirmation === password) return password;
    prompter.say('Passwords are different.');
  }
}

/** `--list-admins`: one `<username> - <key>` line per user of type 0 (`None` when no key is bound). */
export function listAdmins(users: UserStore): string[] {
  return users.listByType(0).map((u) => `${u.username} - ${u.key ?? 'None'}`);
}
