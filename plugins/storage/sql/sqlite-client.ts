/**
 * SqlClient on SQLite (better-sqlite3): one synchronous connection, so a
 * statement runs at once and its promise is already settled. Only a
 * transaction spans awaits; while one is open, other statements of this
 * process wait for it instead of slipping into it (one connection has one
 * transaction), and other processes wait on the file lock (busy_timeout).
 */
import Database from 'better-sqlite3';
import type { SqlClient, SqlParams, SqlRunner } from './client';
import { UniqueViolation } from './client';
import { sqliteDialect } from './dialects';
import { StatementCompiler } from './statements';

/** Waits this long for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

/** Opens `filename` (`:memory:` allowed) with WAL journaling and foreign keys on. */
export function openSqliteClient(filename: string): SqliteClient {
  const db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    // Zaqar turns foreign keys on for SQLite too (oslo.db `sqlite_fk=True`):
    // deleting a pool drops its catalogue entries (ON DELETE CASCADE).
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return new SqliteClient(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

export class SqliteClient implements SqlClient {
  readonly dialect = sqliteDialect;
  private readonly compiler = new StatementCompiler({ placeholders: 'question', backquoteIdentifiers: false });
  private readonly prepared = new Map<string, Database.Statement<unknown[]>>();
  /** Settles when the open transaction ends; undefined when there is none. */
  private openTransaction: Promise<void> | undefined;
  private readonly inTransaction: SqlRunner = {
    query: async <Row>(sql: string, params?: SqlParams) => this.all<Row>(sql, params),
    execute: async (sql: string, params?: SqlParams) => this.run(sql, params),
  };

  constructor(private readonly db: Database.Database) {}

  async query<Row>(sql: string, params?: SqlParams): Promise<Row[]> {
    if (this.openTransaction) await this.idle();
    return this.all<Row>(sql, params);
  }

  async execute(sql: string, params?: SqlParams): Promise<{ changes: number }> {
    if (this.openTransaction) await this.idle();
    return this.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    await this.idle();
    let end!: () => void;
    this.openTransaction = new Promise((resolve) => (end = resolve));
    try {
      // IMMEDIATE takes the write lock now: the transaction never has to
      // give way half-done to another process's writer.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.inTransaction);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.openTransaction = undefined;
      end();
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (this.db.prepare('SELECT 1 AS ok').get() as { ok: number } | undefined)?.ok === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private async idle(): Promise<void> {
    while (this.openTransaction) await this.openTransaction;
  }

  private all<Row>(sql: string, params?: SqlParams): Row[] {
    const { statement, values } = this.bind(sql, params);
    return statement.all(...values) as Row[];
  }

  private run(sql: string, params?: SqlParams): { changes: number } {
    const { statement, values } = this.bind(sql, params);
    try {
      return { changes: statement.run(...values).changes };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new UniqueViolation(err);
      throw err;
    }
  }

  private bind(sql: string, params?: SqlParams): { statement: Database.Statement<unknown[]>; values: unknown[] } {
    const { text, values } = this.compiler.bind(sql, params);
    let statement = this.prepared.get(text);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[]>(text);
      this.prepared.set(text, statement);
    }
    return { statement, values };
  }
}
