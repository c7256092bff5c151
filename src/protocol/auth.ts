// Wire types of authentication (auth.md): key and user records, the
// permission names, the `AUTH:<key>` first message, and the small interface
// the websocket/SockJS endpoints use to authenticate without importing auth/.

/** A key's `permissions` object (auth.md → Permissions). Lists hold session ids, job full names or `*`. */
export interface KeyPermissions {
  admin?: boolean;
  create_key?: boolean;
  create_user?: boolean;
  manage?: string[];
  write?: string[];
  read?: string[];
}

/** The rights a check can ask for: per-target rights need a target (session id or job full name). */
export type AccessRight =
  | 'admin' | 'create_key' | 'create_user'
  | 'manage-all' | 'write-all' | 'read-all'
  | 'manage' | 'write' | 'read';

/** A key as the API shows it: `GET /keys/<key>`, `GET /keys?include_keys=true`. */
export interface KeyRecord {
  key: string;
  label?: string;
  permissions: KeyPermissions;
  /** The key this one is a sub-key of (deleted with it). */
  parent?: string;
}

/** An authenticated caller: the record of the key it presented. */
export type KeyInfo = Readonly<KeyRecord>;

/** `user_type` 0 = user/administrator account, 1 = application account (the HTTP default). */
export type UserType = 0 | 1;

/** A user as the API shows it (`GET /users/<u>`); the password hash is never sent. */
export interface UserRecord {
  username: string;
  user_type: UserType;
  key: string | null;
  [extra: string]: unknown;
}

/** `POST /keys` body (every member optional; a `key` member is ignored). */
export interface CreateKeyRequest {
  permissions?: KeyPermissions;
  label?: string;
  parent?: string;
}

/** `POST /keys` answer (also in the `X-Api-Key` and `Location` headers). */
export interface CreateKeyResponse {
  ok: true;
  api_key: string;
}

/** `GET /auth` answer. */
export interface AuthResponse {
  api_key: string | null;
}

/** `POST /users` body; members other than these are stored and returned as extras. */
export interface CreateUserRequest {
  username: string;
  password: string;
  user_type?: UserType;
  key?: string | null;
  [extra: string]: unknown;
}

/** Header carrying the API key on HTTP requests. */
export const API_KEY_HEADER = 'x-api-key';

/** Prefix of the first websocket/SockJS message that authenticates a connection. */
export const AUTH_MESSAGE_PREFIX = 'AUTH:';

/** Connection-level error reason when the first message is not a valid `AUTH:<key>`. */
export const AUTH_REQUIRED = 'AUTH_REQUIRED';

/** The key `<k>` of an `AUTH:<k>` message, or undefined when `text` is not one. */
export function parseAuthMessage(text: string): string | undefined {
  return text.startsWith(AUTH_MESSAGE_PREFIX) ? text.slice(AUTH_MESSAGE_PREFIX.length).trim() : undefined;
}

/** The caller when keys are not required: every right (auth.md → Enabling). */
export const FULL_ACCESS: KeyInfo = Object.freeze({ key: '', permissions: Object.freeze({ admin: true }) });

/**
 * What a websocket or SockJS endpoint needs to authenticate its clients
 * (implemented by auth/Authenticator; typed here so apps/ and http/ need
 * not import auth/). When `required` is false every client has
 * FULL_ACCESS and no `AUTH:` message is needed.
 */
export interface ChannelAuth {
  readonly required: boolean;
  /** The caller of a key, or undefined for an unknown key (never throws for a bad key). */
  verify(key: string): Promise<KeyInfo | undefined>;
  /** Whether `key` holds `right` (on `target` for the per-target rights). */
  can(key: KeyInfo, right: AccessRight, target?: string): boolean;
}
