// API keys (auth.md → Stores): `{key, label?, permissions, parent?}` in
// `keys.db`. Lookups go through the SHA-256 digest of the presented key and
// end with a constant-time comparison; the 1000 most recently used keys are
// cached and a deletion evicts the key and its sub-keys at once.
import { BadRequestError } from '../errors.js';
import type { KeyPermissions, KeyRecord } from '../protocol/auth.js';
import { LruCache } from './lru-cache.js';
import { normalizePermissions } from './key-permissions.js';
import { openSqlite, type SqliteDatabase } from './sqlite-db.js';

// node:crypto (and OpenSSL, about 2 MiB of RSS) is loaded when a key is first made or checked.
function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}

/** Keys kept in memory (auth.md: the 1000 most recently used). */
export const KEY_CACHE_SIZE = 1000;
/** Longer presented keys are unknown without being hashed. */
export const MAX_KEY_LENGTH = 256;
const MAX_LABEL_LENGTH = 1024;

const MIGRATIONS = [
  `CREATE TABLE keys (
     key TEXT PRIMARY KEY,
     digest BLOB NOT NULL UNIQUE,
     label TEXT,
     permissions TEXT NOT NULL,
     parent TEXT REFERENCES keys(key) ON DELETE CASCADE,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX keys_parent ON keys(parent);`,
];

interface KeyRow {
  key: string;
  digest: Buffer;
  label: string | null;
  permissions: string;
  parent: string | null;
}

export interface NewKey {
  permissions?: KeyPermissions;
  label?: string;
  parent?: string;
}

/** The store of API keys; every method is synchronous (one local SQLite file). */
export class KeyStore {
  readonly #db: SqliteDatabase;
  readonly #cache = new LruCache<string, KeyRecord>(KEY_CACHE_SIZE);
  readonly #byDigest;
  readonly #insert;
  readonly #all;
  readonly #children;
  readonly #descendants;
  readonly #remove;

  /** Open `path` (`:memory:` for a store that lives as long as the object). */
  constructor(path: string) {
    this.#db = openSqlite(path, 'keys', MIGRATIONS);
    this.#byDigest = this.#db.prepare<[Buffer], KeyRow>('SELECT key, digest, label, permissions, parent FROM keys WHERE digest = ?');
    this.#insert = this.#db.prepare<[string, Buffer, string | null, string, string | null, number]>(
      'INSERT INTO keys (key, digest, label, permissions, parent, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#all = this.#db.prepare<[], KeyRow>('SELECT key, digest, label, permissions, parent FROM keys ORDER BY rowid');
    this.#children = this.#db.prepare<[string], KeyRow>('SELECT key, digest, label, permissions, parent FROM keys WHERE parent = ? ORDER BY rowid');
    this.#descendants = this.#db.prepare<[string], { key: string }>(
      `WITH RECURSIVE tree(key) AS (SELECT key FROM keys WHERE key = ?
         UNION SELECT keys.key FROM keys JOIN tree ON keys.parent = tree.key)
       SELECT key FROM tree`);
    this.#remove = this.#db.prepare<[string]>('DELETE FROM keys WHERE key = ?');
  }

  /** Create a key with a fresh random value (32 lower-case hex chars). */
  create(input: NewKey = {}): KeyRecord {
    const permissions = normalizePermissions(input.permissions);
    const label = normalizeLabel(input.label);
    const parent = input.parent === undefined || input.parent === null ? undefined : input.parent;
    if (parent !== undefined && (typeof parent !== 'string' || this.get(parent) === undefined)) {
      throw noSuchParent();
    }
    const key = crypto().randomUUID().replace(/-/g, '');
    try {
      this.#insert.run(key, digestOf(key), label ?? null, JSON.stringify(permissions), parent ?? null, Date.now());
    } catch (err) {
      // The parent was deleted (by another process) between the check and the insert.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw noSuchParent();
      throw err;
    }
    return toRecord({ key, label, permissions, parent });
  }

  /** The record of `key`, or undefined when no such key exists. */
  get(key: string): KeyRecord | undefined {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
    const digest = digestOf(key);
    const id = digest.toString('hex');
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const row = this.#byDigest.get(digest);
    // The index found the digest; the comparison itself takes the same time whatever matches.
    if (!row || !crypto().timingSafeEqual(row.digest, digest)) return undefined;
    const record = fromRow(row);
    this.#cache.set(id, record);
    return record;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Every key, in creation order. */
  list(): KeyRecord[] {
    return this.#all.all().map(fromRow);
  }

  /** The direct sub-keys of `key`, in creation order. */
  subkeys(key: string): KeyRecord[] {
    return this.#children.all(key).map(fromRow);
  }

  /**
   * Delete `key` and, recursively, its sub-keys in one transaction; returns
   * the deleted keys (empty when `key` does not exist). They stop working at once.
   */
  delete(key: string): string[] {
    if (!this.has(key)) return [];
    const deleted = this.#db.transaction(() => {
      const keys = this.#descendants.all(key).map((r) => r.key);
      this.#remove.run(key);
      return keys;
    }).immediate();
    for (const k of deleted) this.#cache.delete(digestOf(k).toString('hex'));
    return deleted;
  }

  /** The underlying database (integrity checks, tests). */
  get database(): SqliteDatabase {
    return this.#db;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.open) this.#db.close();
  }
}

function noSuchParent(): BadRequestError {
  return new BadRequestError('bad_request', 'invalid "parent": no such key; give an existing key (or no parent)');
}

function digestOf(key: string): Buffer {
  return crypto().createHash('sha256').update(key, 'utf8').digest();
}

function normalizeLabel(label: unknown): string | undefined {
  if (label === undefined || label === null || label === '') return undefined;
  if (typeof label !== 'string' || label.length > MAX_LABEL_LENGTH) {
    throw new BadRequestError('bad_request', `invalid "label": expected a text of at most ${MAX_LABEL_LENGTH} characters`);
  }
  return label;
}

function fromRow(row: KeyRow): KeyRecord {
  return toRecord({
    key: row.key,
    label: row.label ?? undefined,
    permissions: JSON.parse(row.permissions) as KeyPermissions,
    parent: row.parent ?? undefined,
  });
}

// Records are shared by the cache: frozen so no caller can change a cached key's rights.
function toRecord(r: { key: string; label: string | undefined; permissions: KeyPermissions; parent: string | undefined }): KeyRecord {
  const permissions: KeyPermissions = { ...r.permissions };
  for (const list of ['manage', 'write', 'read'] as const) {
    const targets = permissions[list];
    if (targets) permissions[list] = Object.freeze([...targets]) as string[];
  }
  return Object.freeze({
    key: r.key,
    ...(r.label === undefined ? {} : { label: r.label }),
    permissions: Object.freeze(permissions),
    ...(r.parent === undefined ? {} : { parent: r.parent }),
  });
}
