// Users (auth.md → Stores): `{username, password (hash), user_type, key,
// ...extra}` in `auth.db`. Passwords only ever reach the database as PBKDF2
// hashes (a CHECK constraint refuses anything else); hashing runs on libuv's
// pool, at most two at a time.
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import type { UserRecord, UserType } from '../protocol/auth.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { DEFAULT_HASH_ITERATIONS, MAX_PASSWORD_LENGTH, hashPassword, verifyPassword } from './password-hash.js';
import { openSqlite, type SqliteDatabase } from './sqlite-db.js';

const MAX_USERNAME_LENGTH = 256;
const RESERVED = ['username', 'password', 'user_type', 'key'];

const MIGRATIONS = [
  `CREATE TABLE users (
     username TEXT PRIMARY KEY,
     password TEXT NOT NULL CHECK (password LIKE 'PBKDF2-256$%'),
     user_type INTEGER NOT NULL CHECK (user_type IN (0, 1)),
     key TEXT,
     extra TEXT NOT NULL DEFAULT '{}',
     created_at INTEGER NOT NULL
   );
   CREATE INDEX users_key ON users(key);
   CREATE INDEX users_type ON users(user_type);`,
];

interface UserRow {
  username: string;
  user_type: number;
  key: string | null;
  extra: string;
}

/** What creating or replacing a user takes (`extra` members are stored and returned). */
export interface UserInput {
  password: string;
  user_type?: UserType;
  key?: string | null;
  extra?: Record<string, unknown>;
}

export interface UserStoreOptions {
  /** PBKDF2 iterations of new hashes (default 600 000). */
  hashIterations?: number;
}

/** The store of users; reads are synchronous, anything that hashes a password is async. */
export class UserStore {
  readonly #db: SqliteDatabase;
  readonly #iterations: number;
  readonly #hashing = new ConcurrencyLimit(2);
  #decoy: Promise<string> | undefined;

  constructor(path: string, options: UserStoreOptions = {}) {
    this.#iterations = options.hashIterations ?? DEFAULT_HASH_ITERATIONS;
    this.#db = openSqlite(path, 'users', MIGRATIONS);
  }

  /** Create a user; 409 `conflict` when the name is taken. */
  async create(username: string, input: UserInput): Promise<UserRecord> {
    validateUsername(username);
    const type = validateType(input.user_type ?? 1);
    const key = validateKey(input.key ?? null);
    if (this.has(username)) throw conflict(username);
    const hash = await this.#hash(input.password);
    try {
      this.#db.prepare('INSERT INTO users (username, password, user_type, key, extra, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(username, hash, type, key, encodeExtra(input.extra), Date.now());
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw conflict(username);
      throw err;
    }
    return this.get(username)!;
  }

  /** The user without its password hash, or undefined. */
  get(username: string): UserRecord | undefined {
    const row = this.#db.prepare<[string], UserRow>('SELECT username, user_type, key, extra FROM users WHERE username = ?').get(username);
    return row ? fromRow(row) : undefined;
  }

  has(username: string): boolean {
    return this.#db.prepare<[string], { one: number }>('SELECT 1 AS one FROM users WHERE username = ?').get(username) !== undefined;
  }

  /** Every user (creation order), without password hashes. */
  list(): UserRecord[] {
    return this.#db.prepare<[], UserRow>('SELECT username, user_type, key, extra FROM users ORDER BY rowid').all().map(fromRow);
  }

  /** Users of one type (0 = administrators) in creation order. */
  listByType(type: UserType): UserRecord[] {
    return this.#db.prepare<[number], UserRow>('SELECT username, user_type, key, extra FROM users WHERE user_type = ? ORDER BY rowid').all(type).map(fromRow);
  }

  /** Replace a user's password, type, extras and (when given) key; 404 when absent. */
  async replace(username: string, input: UserInput): Promise<void> {
    const type = validateType(input.user_type ?? 1);
    const key = input.key === undefined ? undefined : validateKey(input.key);
    this.#require(username);
    const hash = await this.#hash(input.password);
    const sql = key === undefined
      ? 'UPDATE users SET password = ?, user_type = ?, extra = ? WHERE username = ?'
      : 'UPDATE users SET password = ?, user_type = ?, extra = ?, key = ? WHERE username = ?';
    const params = key === undefined ? [hash, type, encodeExtra(input.extra), username] : [hash, type, encodeExtra(input.extra), key, username];
    if (this.#db.prepare(sql).run(...params).changes === 0) throw notFound(username);
  }

  async setPassword(username: string, password: string): Promise<void> {
    this.#require(username);
    const hash = await this.#hash(password);
    if (this.#db.prepare('UPDATE users SET password = ? WHERE username = ?').run(hash, username).changes === 0) throw notFound(username);
  }

  setKey(username: string, key: string | null): void {
    const value = validateKey(key);
    if (this.#db.prepare('UPDATE users SET key = ? WHERE username = ?').run(value, username).changes === 0) throw notFound(username);
  }

  /** Delete a user; 404 when absent. */
  delete(username: string): void {
    if (this.#db.prepare('DELETE FROM users WHERE username = ?').run(username).changes === 0) throw notFound(username);
  }

  /** Unbind deleted keys from their users (their `key` becomes null). */
  unbindKeys(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const unbind = this.#db.prepare('UPDATE users SET key = NULL WHERE key = ?');
    this.#db.transaction(() => { for (const key of keys) unbind.run(key); }).immediate();
  }

  /**
   * The user when `password` is theirs, else undefined. An unknown user costs
   * the same hashing work as a wrong password, so timing does not tell them apart.
   */
  async verify(username: string, password: string): Promise<UserRecord | undefined> {
    const row = this.#db.prepare<[string], { password: string }>('SELECT password FROM users WHERE username = ?').get(username);
    const stored = row?.password ?? await this.#decoyHash();
    const ok = await this.#hashing.run(() => verifyPassword(String(password).slice(0, MAX_PASSWORD_LENGTH), stored));
    return ok && row ? this.get(username) : undefined;
  }

  /** The underlying database (integrity checks, tests). */
  get database(): SqliteDatabase {
    return this.#db;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #require(username: string): void {
    if (!this.has(username)) throw notFound(username);
  }

  #hash(password: unknown): Promise<string> {
    validatePassword(password);
    return this.#hashing.run(() => hashPassword(password, this.#iterations));
  }

  #decoyHash(): Promise<string> {
    this.#decoy ??= hashPassword(process.getBuiltinModule('node:crypto').randomBytes(16).toString('hex'), this.#iterations);
    return this.#decoy;
  }
}

// A colon could never log in: HTTP Basic credentials are `username:password`.
function validateUsername(username: unknown): asserts username is string {
  // eslint-disable-next-line no-control-regex
  if (typeof username !== 'string' || username === '' || username.length > MAX_USERNAME_LENGTH || /[\u0000-\u001f\u007f:]/.test(username)) {
    throw new BadRequestError('bad_request', `invalid "username": expected a non-empty name of at most ${MAX_USERNAME_LENGTH} printable characters, without ':'`);
  }
}

function validatePassword(password: unknown): asserts password is string {
  if (typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH) {
    throw new BadRequestError('bad_request', `invalid "password": expected a non-empty text of at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

function validateType(type: unknown): UserType {
  if (type === 0 || type === 1) return type;
  if (type === '0' || type === '1') return Number(type) as UserType;
  throw new BadRequestError('bad_request', `invalid "user_type" ${JSON.stringify(type)}: expected 0 (user/administrator) or 1 (application)`);
}

function validateKey(key: unknown): string | null {
  if (key === null) return null;
  if (typeof key !== 'string' || key === '' || key.length > 256) {
    throw new BadRequestError('bad_request', `invalid "key": expected an API key (text) or null`);
  }
  return key;
}

function encodeExtra(extra: Record<string, unknown> | undefined): string {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(extra ?? {})) if (!RESERVED.includes(name)) out[name] = value;
  return JSON.stringify(out);
}

function fromRow(row: UserRow): UserRecord {
  const extra = JSON.parse(row.extra) as Record<string, unknown>;
  return { ...extra, username: row.username, user_type: row.user_type as UserType, key: row.key };
}

function conflict(username: string): ConflictError {
  return new ConflictError('conflict', `user '${username}' already exists; choose another username`);
}

function notFound(username: string): NotFoundError {
  return new NotFoundError('not_found', `user '${username}' not found`);
}
