// The one object the HTTP application, the websocket endpoints and the
// SockJS channel ask "who is calling and may they do this?" (auth.md).
// It owns the key and user stores, opened on first use so a gafferd that
// never needs them creates no files.
import { ConfigError, ForbiddenError, UnauthorizedError } from '../errors.js';
import { API_KEY_HEADER, FULL_ACCESS, type AccessRight, type ChannelAuth, type KeyInfo, type UserRecord } from '../protocol/auth.js';
import { can } from './key-permissions.js';
import { KeyStore } from './key-store.js';
import { UserStore } from './user-store.js';

/** The logging surface the authenticator needs (structurally the core Logger). */
export interface AuthLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export interface AuthenticatorOptions {
  /** `require_key` / `--require-key`: without it every caller has full rights. */
  required: boolean;
  /** User database file (`[auth] auth_dbname` resolved against the config directory) or `:memory:`. */
  authDb: string;
  /** Key database file or `:memory:`. */
  keysDb: string;
  /** `[auth] auth_backend` / `keys_backend`: only `default` (the built-in SQLite stores) exists. */
  authBackend?: string;
  keysBackend?: string;
  /** PBKDF2 iterations of new password hashes (default 600 000). */
  hashIterations?: number;
  logger?: AuthLogger;
}

/** The headers of a request (structurally node:http's IncomingMessage). */
export interface RequestLike {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string };
}

const silent: AuthLogger = { debug: () => {}, warn: () => {} };

/** Authentication and authorization over the key and user stores. */
export class Authenticator implements ChannelAuth {
  #required: boolean;
  readonly #options: AuthenticatorOptions;
  readonly #logger: AuthLogger;
  readonly #callers = new WeakMap<object, Promise<KeyInfo>>();
  #keys: KeyStore | undefined;
  #users: UserStore | undefined;

  constructor(options: AuthenticatorOptions) {
    for (const [name, value] of [['auth_backend', options.authBackend], ['keys_backend', options.keysBackend]] as const) {
      if (value !== undefined && value !== 'default') {
        throw new ConfigError(`[auth] ${name} = ${value}: only the built-in 'default' store is available; remove the key or set it to default`);
      }
    }
    this.#options = options;
    this.#required = options.required;
    this.#logger = options.logger ?? silent;
  }

  /** Whether requests must carry a valid key. */
  get required(): boolean {
    return this.#required;
  }

  /** Change `require_key` (configuration reload); takes effect on the next request or connection. */
  setRequired(required: boolean): void {
    this.#required = required;
  }

  /** Open both stores now (gafferd does when keys are required, so a broken file fails the start). */
  open(): void {
    void this.keys;
    void this.users;
  }

  get keys(): KeyStore {
    this.#keys ??= new KeyStore(this.#options.keysDb);
    return this.#keys;
  }

  get users(): UserStore {
    this.#users ??= new UserStore(this.#options.authDb, { hashIterations: this.#options.hashIterations });
    return this.#users;
  }

  /**
   * The caller of an HTTP request: FULL_ACCESS when keys are not required;
   * otherwise the key of its `X-Api-Key` header. Missing → 401
   * `unauthorized`, unknown → 403 `forbidden`. Memoised per request.
   */
  authenticateRequest(req: RequestLike): Promise<KeyInfo> {
    if (!this.#required) return Promise.resolve(FULL_ACCESS);
    let caller = this.#callers.get(req);
    if (!caller) {
      caller = this.#authenticate(req);
      this.#callers.set(req, caller);
    }
    return caller;
  }

  async #authenticate(req: RequestLike): Promise<KeyInfo> {
    const header = req.headers[API_KEY_HEADER];
    const key = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!key) throw new UnauthorizedError('unauthorized', 'an API key is required: send it in the X-Api-Key header');
    const info = await this.verifyKey(key);
    if (!info) {
      this.#logger.debug(`refused an unknown API key from ${req.socket?.remoteAddress ?? 'a client'}`);
      throw new ForbiddenError('forbidden', 'the API key is not valid (unknown or deleted)');
    }
    return info;
  }

  /** The caller owning `key`, or undefined for an unknown key. */
  async verifyKey(key: string): Promise<KeyInfo | undefined> {
    return this.keys.get(key);
  }

  /** ChannelAuth: same as verifyKey. */
  verify(key: string): Promise<KeyInfo | undefined> {
    return this.verifyKey(key);
  }

  /** Whether `caller` holds `right` (on `target` for the per-target rights); always true when keys are not required. */
  can(caller: KeyInfo, right: AccessRight, target?: string): boolean {
    return !this.#required || can(caller.permissions, right, target);
  }

  /** Throw 403 `forbidden` unless `caller` holds `right` (on `target`). */
  authorize(caller: KeyInfo, right: AccessRight, target?: string): void {
    if (this.can(caller, right, target)) return;
    throw new ForbiddenError('forbidden', `the API key lacks the ${right} permission${target ? ` on '${target}'` : ''}`);
  }

  /**
   * The user of an `Authorization: Basic` header (`GET /auth`). A missing or
   * malformed header and wrong credentials are all 401 `unauthorized`.
   */
  async authenticateBasic(header: string | undefined): Promise<UserRecord> {
    const credentials = parseBasic(header);
    if (!credentials) throw new UnauthorizedError('unauthorized', 'HTTP Basic credentials are required: Authorization: Basic base64(username:password)');
    const user = await this.users.verify(credentials.username, credentials.password);
    if (!user) {
      this.#logger.debug(`login refused for user '${credentials.username}'`);
      throw new UnauthorizedError('unauthorized', 'username or password is wrong');
    }
    return user;
  }

  /** Delete a key and its sub-keys, unbinding them from their users; returns the deleted keys (empty when unknown). */
  deleteKey(key: string): string[] {
    const deleted = this.keys.delete(key);
    this.users.unbindKeys(deleted);
    return deleted;
  }

  /** Close the stores (idempotent); the next use opens them again. */
  close(): void {
    this.#keys?.close();
    this.#users?.close();
    this.#keys = undefined;
    this.#users = undefined;
  }
}

/** `Basic base64(user:password)` → its parts; undefined when absent or malformed. */
export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
