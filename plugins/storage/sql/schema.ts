/**
 * The management tables: Zaqar's own (`zaqar.storage.sqlalchemy.tables`,
 * alembic revision 007), so a database written by the Python server is read
 * as is, and one written here is readable by it. Tables are created when
 * missing; existing ones are used as they are.
 *
 * Names: SQLAlchemy quotes the mixed-case names it was given, so Zaqar's
 * tables are "Queues", "Pools", "Flavors" and "Catalogue" exactly
 * (PostgreSQL keeps the case of quoted names; MySQL and MariaDB keep the
 * case of every table name on Linux; SQLite matches them case-insensitively,
 * so alembic's lower-case tables on SQLite are the same tables).
 *
 * Encodings kept from Zaqar: `Queues.project` is '' for the global
 * namespace, while `Flavors.project` and `Catalogue.project` use NULL.
 * `Queues.metadata` holds UTF-8 JSON bytes (LargeBinary: BLOB, BYTEA,
 * LONGBLOB); `Pools.options` and `Flavors.capabilities` hold JSON text
 * (Text), written ASCII-escaped as Python's json.dumps writes it (the
 * Python server may have written bytes there too — readers accept both).
 *
 * Added here: "Topics", the topic records (same columns and encodings as
 * "Queues"), a table the Python server neither reads nor writes.
 */
import type { SqlClient, SqlRunner } from './client';
import type { SqlDialect } from './dialects';

/** CREATE TABLE statements in dependency order (Catalogue refers to Pools). */
export function createTableStatements(dialect: SqlDialect): string[] {
  const { serialKey, key, blob, tableOptions } = dialect.types;
  return [
    ...['Queues', 'Topics'].map(
      // "Topics" is ours, not Zaqar's (its SQL store has no topics): topic records, shaped like "Queues".
      (table) => `CREATE TABLE IF NOT EXISTS "${table}" (
      id       ${serialKey},
      project  ${key(64)},
      name     ${key(64)},
      metadata ${blob},
      UNIQUE (project, name)
    )${tableOptions}`,
    ),
    `CREATE TABLE IF NOT EXISTS "Pools" (
      name    ${key(64)} NOT NULL PRIMARY KEY,
      uri     VARCHAR(255) NOT NULL UNIQUE,
      weight  INTEGER NOT NULL,
      options TEXT,
      flavor  ${key(64)}
    )${tableOptions}`,
    `CREATE TABLE IF NOT EXISTS "Flavors" (
      name         ${key(64)} NOT NULL PRIMARY KEY,
      project      ${key(64)},
      capabilities TEXT
    )${tableOptions}`,
    // A table-level FOREIGN KEY: MySQL ignores REFERENCES written on a column.
    `CREATE TABLE IF NOT EXISTS "Catalogue" (
      pool    ${key(64)},
      project ${key(64)},
      queue   ${key(64)} NOT NULL,
      moving_from ${key(64)},
      UNIQUE (project, queue),
      FOREIGN KEY (pool) REFERENCES "Pools" (name) ON DELETE CASCADE
    )${tableOptions}`,
  ];
}

/** Creates the missing tables and columns, one process at a time. */
export async function ensureSchema(client: SqlClient): Promise<void> {
  const { dialect } = client;
  await client.transaction(
    async (tx) => {
      if (dialect.schemaLock) await tx.query(dialect.schemaLock);
      try {
        for (const statement of createTableStatements(dialect)) await tx.execute(statement);
        await addPoolsFlavor(tx, dialect);
        await addCatalogueMovingFrom(tx, dialect);
      } finally {
        if (dialect.schemaUnlock) await tx.query(dialect.schemaUnlock);
      }
    },
    // Each statement must see what another process committed while we waited for the lock.
    { isolation: 'read committed' },
  );
}

/**
 * Ours, not Zaqar's: the pool a queue on the move leaves (zaqar/pooling/mover.ts).
 * A nullable column Zaqar neither reads nor writes, added to a table Zaqar made.
 */
async function addCatalogueMovingFrom(tx: SqlRunner, dialect: SqlDialect): Promise<void> {
  const columns = await tx.query<{ name: string }>(dialect.columnsOfTable, { table: 'Catalogue' });
  if (!columns.some((column) => column.name.toLowerCase() === 'moving_from')) {
    await tx.execute(`ALTER TABLE "Catalogue" ADD COLUMN moving_from ${dialect.types.key(64)}`);
  }
}

/**
 * Alembic revision 006 adds Pools.flavor with MySQL-only DDL, so a SQLite or
 * PostgreSQL database migrated by the Python tools may lack it.
 */
async function addPoolsFlavor(tx: SqlRunner, dialect: SqlDialect): Promise<void> {
  const columns = await tx.query<{ name: string }>(dialect.columnsOfTable, { table: 'Pools' });
  if (!columns.some((column) => column.name.toLowerCase() === 'flavor')) {
    await tx.execute(`ALTER TABLE "Pools" ADD COLUMN flavor ${dialect.types.key(64)}`);
  }
}
