// Opening the auth databases: SQLite through better-sqlite3, write-ahead
// log, full fsync on commit, foreign keys, a busy timeout (gafferd and
// `gafferd --create-admin-user` may use the same files at once), files
// private to their owner, and schema versions in `PRAGMA user_version`.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { GafferError } from '../errors.js';

export type SqliteDatabase = Database.Database;

/** In-memory database name (`[auth] auth_dbname = :memory:`). */
export const MEMORY_DB = ':memory:';

/** How long a writer waits for another process's transaction before failing. */
export const BUSY_TIMEOUT_MS = 5000;

/** One schema step: SQL run in a transaction to go from version `index` to `index + 1`. */
export type Migration = string;

/** The database could not be opened or migrated: the operator must fix the file or its directory. */
export class AuthStoreError extends GafferError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GAFFER_ERR_AUTH_STORE', 500, 'auth_store_error', message, options);
  }
}

// better-sqlite3 is loaded when a database is first opened: with keys off (the default) gafferd
// never opens one and does not hold the module in memory.
function loadBetterSqlite(): typeof Database {
  return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
}

/**
 * Open (creating if needed) the database at `path` and bring its schema to
 * the last of `migrations`. A new file is created with mode 0600 (SQLite
 * gives its -wal/-shm files the same mode); its directory with 0700.
 */
export function openSqlite(path: string, what: string, migrations: readonly Migration[]): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    if (path !== MEMORY_DB) createPrivateFile(path);
    db = new (loadBetterSqlite())(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw new AuthStoreError(`cannot open the ${what} database '${path}': ${(err as Error).message}; check that the configuration directory is writable`, { cause: err });
  }
  try {
    if (path !== MEMORY_DB) db.pragma('journal_mode = WAL');
    // FULL: a commit survives power loss, not only a crash of gafferd (writes are rare here).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw new AuthStoreError(`the ${what} database '${path}' is unusable: ${(err as Error).message}; move it aside to start with an empty one`, { cause: err });
  }
}

// Apply the missing schema steps, each in its own transaction (IMMEDIATE: two processes never race here).
function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > migrations.length) {
    throw new Error(`its schema version ${current} is newer than this gafferd knows (${migrations.length}); use a newer gafferd`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (Number(db.pragma('user_version', { simple: true })) !== version) return;
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

// Create the file (and its directory) owner-only before SQLite opens it; an existing file keeps its mode.
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

/** `PRAGMA integrity_check` → 'ok' or the problems found. */
export function checkIntegrity(db: SqliteDatabase): string {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((r) => r.integrity_check).join('; ');
}
