import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema>;
export interface Store {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Opens (creating the directory if needed), sets the pragmas once, and applies migrations. */
export function openStore(path: string, opts: { migrations?: string } = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: opts.migrations ?? migrationsFolder });
  return { db, sqlite, close: () => sqlite.close() };
}

/** Online backup through SQLite's backup API: safe while the bot is writing. */
export async function backupTo(store: Store, file: string): Promise<void> {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  await store.sqlite.backup(file);
}

/** For `doctor`: migrations applied against those shipped, and the journal mode. */
export function storeStatus(store: Store): { applied: number; available: number; journal: string } {
  const row = store.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number } | undefined;
  return {
    applied: row?.n ?? 0,
    available: readMigrationFiles({ migrationsFolder }).length,
    journal: String(store.sqlite.pragma('journal_mode', { simple: true })),
  };
}
