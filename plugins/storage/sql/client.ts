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
