/**
 * The one interface the SQL management store's controllers talk through,
 * whatever the database: SQLite (sqlite-client.ts), MySQL/MariaDB
 * (mysql-client.ts) or PostgreSQL (postgres-client.ts).
 *
 * Statements are written once, in the portable subset of SQL, with named
 * parameters (`@name`) and double-quoted identifiers (`"Queues"`); each
 * client compiles them for its database (statements.ts). What cannot be
 * written portably comes from the client's `dialect` (dialects.ts).
 *
 * Errors the controllers may act on are normalised here: a unique-key
 * violation is a `UniqueViolation`; an unreachable or failing server is the
 * core's `ConnectionError` (the API answers 503).
 */
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { SqlDialect } from './dialects';

/** Values of named parameters (`@name` in the statement). */
export type SqlParams = Readonly<Record<string, string | number | Buffer | null>>;

/** What a statement can be run through: the client itself, or an open transaction. */
export interface SqlRunner {
  /** The rows a SELECT returns. */
  query<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
  /** INSERT / UPDATE / DELETE / DDL; `changes` counts the rows matched. */
  execute(sql: string, params?: SqlParams): Promise<{ changes: number }>;
}

export interface TransactionOptions {
  /**
   * `serializable` (the default): the transaction behaves as if it ran
   * alone. `read committed`: every statement sees what others committed
   * before it started (schema.ts, which serialises itself with a lock).
   */
  isolation?: 'serializable' | 'read committed';
}

export interface SqlClient extends SqlRunner {
  readonly dialect: SqlDialect;
  /**
   * Runs `work` in one transaction (SQLite: BEGIN IMMEDIATE; MySQL and
   * PostgreSQL: SERIALIZABLE unless `options` say otherwise, re-run when the
   * server reports a serialization failure or deadlock), commits and
   * returns its result; an error rolls it back and is rethrown. `work` may
   * run more than once, so it must only read and write through `tx`.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** True when the database answers a trivial query now (within `timeoutMs`). */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** A unique or primary key refused the row (the controllers turn it into their own answer). */
export class UniqueViolation extends Error {
  constructor(cause: unknown) {
    super(`unique constraint violated: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UniqueViolation';
  }
}

/**
 * What the MySQL and PostgreSQL clients share: statements on any pooled
 * connection, or in a transaction on a connection of its own; transactions
 * SERIALIZABLE unless asked otherwise, re-run on the server's serialization
 * failures and deadlocks; a connection that failed is closed rather than
 * handed out again; `ping` with a deadline, and `false` once closed. A
 * subclass speaks its driver: running a statement on a connection, taking
 * and giving back connections, the statements that begin a transaction,
 * which errors are worth a re-run.
 */
export abstract class ServerSqlClient<Connection> implements SqlClient {
  abstract readonly dialect: SqlDialect;
  private closed = false;

  /** The rows `sql` returns, on `connection` or else on any pooled connection; errors normalised. */
  protected abstract rows<Row>(connection: Connection | undefined, sql: string, params?: SqlParams): Promise<Row[]>;
  /** How many rows `sql` matched, likewise. */
  protected abstract changes(connection: Connection | undefined, sql: string, params?: SqlParams): Promise<number>;
  /** A pooled connection for one transaction; errors normalised. */
  protected abstract connect(): Promise<Connection>;
  /** The statements that begin a transaction at `isolation` (`SERIALIZABLE` or `READ COMMITTED`). */
  protected abstract begin(isolation: string): string[];
  /** ROLLBACK straight through the driver: when it fails, the connection is broken. */
  protected abstract rollback(connection: Connection): Promise<unknown>;
  /** Gives `connection` back to the pool, or closes it when it is `broken`. */
  protected abstract release(connection: Connection, broken: boolean): void;
  /** Whether the transaction failed on a serialization failure or a deadlock (as the driver raised it), so it is re-run. */
  protected abstract isRetryable(err: unknown): boolean;
  /** Whether the server answers `SELECT 1` now (`ping` adds the deadline). */
  protected abstract answers(timeoutMs: number): Promise<boolean>;
  /** Closes the pool. */
  protected abstract end(): Promise<void>;

  query<Row>(sql: string, params?: SqlParams): Promise<Row[]> {
    return this.rows<Row>(undefined, sql, params);
  }

  async execute(sql: string, params?: SqlParams): Promise<{ changes: number }> {
    return { changes: await this.changes(undefined, sql, params) };
  }

  transaction<T>(work: (tx: SqlRunner) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const isolation = options.isolation === 'read committed' ? 'READ COMMITTED' : 'SERIALIZABLE';
    return retryingSerializationFailures(
      async () => {
        const connection = await this.connect();
        const tx: SqlRunner = {
          query: <Row>(sql: string, params?: SqlParams) => this.rows<Row>(connection, sql, params),
          execute: async (sql, params) => ({ changes: await this.changes(connection, sql, params) }),
        };
        let broken = false;
        try {
          for (const statement of this.begin(isolation)) await this.changes(connection, statement);
          const result = await work(tx);
          await this.changes(connection, 'COMMIT');
          return result;
        } catch (err) {
          await this.rollback(connection).catch(() => (broken = true));
          if (err instanceof ConnectionError) broken = true;
          throw err;
        } finally {
          // A connection that failed is closed rather than handed out again.
          this.release(connection, broken);
        }
      },
      (err) => this.isRetryable(err),
    );
  }

  ping(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return withDeadline(this.answers(timeoutMs), timeoutMs, false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.end();
  }
}

/** How often a transaction is re-run after serialization failures before the error is returned. */
export const TRANSACTION_ATTEMPTS = 8;

/**
 * Runs `attempt` until it succeeds, fails with an error that `isRetryable`
 * rejects, or has been tried TRANSACTION_ATTEMPTS times; waits a few random
 * milliseconds between tries so two colliding transactions stop colliding.
 */
export async function retryingSerializationFailures<T>(attempt: () => Promise<T>, isRetryable: (err: unknown) => boolean): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (tries >= TRANSACTION_ATTEMPTS || !isRetryable(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * tries));
    }
  }
}

/** Resolves with `promise`, or with `fallback` once `timeoutMs` have passed (isAlive must not hang). */
export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/**
 * Timeouts of the server clients unless the URI sets its own: a down server
 * fails a request within seconds (503) instead of holding it, and a server
 * that stops answering on an open connection fails it within half a minute.
 */
export const CONNECT_TIMEOUT_MS = 5000;
export const QUERY_TIMEOUT_MS = 30_000;
/** Connections per store to a MySQL or PostgreSQL server. */
export const POOL_SIZE = 10;
