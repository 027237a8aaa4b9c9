/**
 * The management database: Zaqar's own tables (`zaqar.storage.sqlalchemy.tables`,
 * alembic revision 007), so a database written by the Python server is read
 * as is, and one written here is readable by it.
 *
 * Encodings kept from Zaqar: `Queues.project` is '' for the global
 * namespace, while `Flavors.project` and `Catalogue.project` use NULL.
 * `Queues.metadata` holds UTF-8 JSON bytes (BLOB); `Pools.options` and
 * `Flavors.capabilities` hold JSON text (the Python server may have written
 * bytes there too — readers accept both).
 */
import Database from 'better-sqlite3';

/** Waits this long for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

// Table names as in zaqar/storage/sqlalchemy/tables.py (SQLite matches them
// case-insensitively, so alembic's lower-case tables are the same tables).
const CREATE_TABLES = `
CREATE TABLE IF NOT EXISTS Queues (
  id       INTEGER NOT NULL PRIMARY KEY,
  project  VARCHAR(64),
  name     VARCHAR(64),
  metadata BLOB,
  UNIQUE (project, name)
);

CREATE TABLE IF NOT EXISTS Pools (
  name    VARCHAR(64)  NOT NULL PRIMARY KEY,
  uri     VARCHAR(255) NOT NULL UNIQUE,
  weight  INTEGER      NOT NULL,
  options TEXT,
  flavor  VARCHAR(64)
);

CREATE TABLE IF NOT EXISTS Flavors (
  name         VARCHAR(64) NOT NULL PRIMARY KEY,
  project      VARCHAR(64),
  capabilities TEXT
);

CREATE TABLE IF NOT EXISTS Catalogue (
  pool    VARCHAR(64) REFERENCES Pools (name) ON DELETE CASCADE,
  project VARCHAR(64),
  queue   VARCHAR(64) NOT NULL,
  UNIQUE (project, queue)
);
`;

/** Opens (creating tables if needed) the management database at `filename` (`:memory:` allowed). */
export function openManagementDatabase(filename: string): Database.Database {
  const db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    // Zaqar turns foreign keys on for SQLite too: deleting a pool drops its
    // catalogue entries (ON DELETE CASCADE).
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.transaction(() => ensureTables(db)).immediate();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function ensureTables(db: Database.Database): void {
  db.exec(CREATE_TABLES);
  // Alembic revision 006 adds Pools.flavor with MySQL-only DDL, so a SQLite
  // database migrated by the Python tools may lack it.
  const poolColumns = db.prepare('PRAGMA table_info(Pools)').all() as { name: string }[];
  if (!poolColumns.some((column) => column.name === 'flavor')) {
    db.exec('ALTER TABLE Pools ADD COLUMN flavor VARCHAR(64)');
  }
}
