/**
 * The little SQL that differs between SQLite, MySQL/MariaDB and PostgreSQL:
 * NULL-safe equality, literal substring search, and the column types and
 * table options of the tables we create (schema.ts). Everything else the
 * controllers write once (see client.ts).
 */

export type SqlDialectName = 'sqlite' | 'mysql' | 'postgresql';

export interface SqlDialect {
  readonly name: SqlDialectName;
  /** `column` equals the parameter, NULL matching NULL (Catalogue and Flavors key on a nullable project). */
  sameValue(column: string, parameter: string): string;
  /** `column` contains the parameter as a literal, case-sensitive substring (no wildcards). */
  contains(column: string, parameter: string): string;
  /** A SELECT giving the column names (`name`) of table `@table`. */
  readonly columnsOfTable: string;
  /** Column and table definitions for CREATE TABLE. */
  readonly types: {
    /** `Queues.id`: SQLAlchemy's autoincrementing INTEGER primary key. */
    serialKey: string;
    /** A VARCHAR that names or scopes something (compared and sorted byte-wise where we create it). */
    key(length: number): string;
    /** SQLAlchemy's LargeBinary. */
    blob: string;
    /** After the closing parenthesis. */
    tableOptions: string;
  };
  /** Run first in the schema transaction, so two processes never create tables at the same time. */
  readonly schemaLock?: string;
  /** Run last, when the lock is not released by the commit. */
  readonly schemaUnlock?: string;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  sameValue: (column, parameter) => `${column} IS ${parameter}`,
  // instr() is a case-sensitive literal search (LIKE is case-insensitive and has wildcards).
  contains: (column, parameter) => `instr(${column}, ${parameter}) > 0`,
  columnsOfTable: 'SELECT name FROM pragma_table_info(@table)',
  types: {
    serialKey: 'INTEGER NOT NULL PRIMARY KEY',
    // SQLite compares text byte-wise (BINARY collation) by default.
    key: (length) => `VARCHAR(${length})`,
    blob: 'BLOB',
    tableOptions: '',
  },
  // BEGIN IMMEDIATE already holds the database's write lock.
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  sameValue: (column, parameter) => `${column} <=> ${parameter}`,
  // On bytes, so the search is case-sensitive whatever the column's collation.
  contains: (column, parameter) => `INSTR(CAST(${column} AS BINARY), CAST(${parameter} AS BINARY)) > 0`,
  columnsOfTable:
    'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table',
  types: {
    serialKey: 'INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY',
    key: (length) => `VARCHAR(${length})`,
    // Zaqar's LargeBinary is BLOB (64 KiB) on MySQL; LONGBLOB leaves room for
    // metadata at the max_queue_metadata limit once serialised.
    blob: 'LONGBLOB',
    // InnoDB as in Zaqar's alembic migrations; utf8mb4_bin so names compare
    // and sort byte-wise, case-sensitively, as in the other stores.
    tableOptions: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  },
  // DDL commits implicitly on MySQL, so a named lock of the session serialises table creation.
  schemaLock: "SELECT GET_LOCK(CONCAT('zaqar-ts.schema.', DATABASE()), 30) AS locked",
  schemaUnlock: "SELECT RELEASE_LOCK(CONCAT('zaqar-ts.schema.', DATABASE())) AS released",
};

export const postgresqlDialect: SqlDialect = {
  name: 'postgresql',
  sameValue: (column, parameter) => `${column} IS NOT DISTINCT FROM ${parameter}`,
  contains: (column, parameter) => `strpos(${column}, ${parameter}) > 0`,
  columnsOfTable:
    'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table',
  types: {
    serialKey: 'SERIAL NOT NULL PRIMARY KEY',
    // The "C" collation compares and sorts byte-wise whatever the database's locale.
    key: (length) => `VARCHAR(${length}) COLLATE "C"`,
    blob: 'BYTEA',
    tableOptions: '',
  },
  // Released by the commit; 0x7a61716172 is "zaqar".
  schemaLock: 'SELECT pg_advisory_xact_lock(525634757746)',
};
