/**
 * SqlClient on PostgreSQL (`pg` Pool). URI query options read (libpq's
 * names, as psycopg2 passes them): `connect_timeout` (seconds),
 * `application_name`, `options`, `client_encoding`, `host` (e.g. a unix
 * socket directory), `sslmode` (disable, allow, prefer: no TLS; require:
 * TLS without verification; verify-ca, verify-full) with `sslrootcert`,
 * `sslcert`, `sslkey`.
 *
 * The pool drops connections that fail and opens new ones on demand, so
 * the store recovers by itself once the server is back.
 */
import { DatabaseError, Pool, type PoolClient, type PoolConfig } from 'pg';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '../../../zaqar/common/logger';
import type { ConfigError } from '../../../zaqar/config/options';
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { ServerDatabaseUri } from '../../../zaqar/storage/sql-uri';
import { CONNECT_TIMEOUT_MS, POOL_SIZE, QUERY_TIMEOUT_MS, ServerSqlClient, type SqlParams, UniqueViolation } from './client';
import { postgresqlDialect } from './dialects';
import { StatementCompiler } from './statements';
import { UriQuery } from './uri-query';

/** The pg Pool settings for `uri`, and the query options it does not know. */
export function postgresPoolConfig(
  uri: ServerDatabaseUri,
  invalid: (reason: string) => ConfigError,
): { config: PoolConfig; ignored: string[] } {
  const query = new UriQuery(uri.query, invalid);
  const config: PoolConfig = {
    host: uri.host ?? query.text('host'),
    port: uri.port,
    user: uri.user,
    password: uri.password,
    database: uri.database,
    max: POOL_SIZE,
    connectionTimeoutMillis: query.milliseconds('connect_timeout') ?? CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    application_name: query.text('application_name') ?? 'zaqar-ts',
    options: query.text('options'),
    client_encoding: query.text('client_encoding'),
  };
  const ssl = sslOptions(query, invalid);
  if (ssl !== undefined) config.ssl = ssl;
  return { config, ignored: query.ignored() };
}

function sslOptions(query: UriQuery, invalid: (reason: string) => ConfigError): ConnectionOptions | undefined {
  const mode = query.text('sslmode');
  const files = { ca: query.file('sslrootcert'), cert: query.file('sslcert'), key: query.file('sslkey') };
  switch (mode) {
    case undefined:
    case 'disable':
    case 'allow':
    case 'prefer':
      return undefined;
    case 'require':
      return { ...files, rejectUnauthorized: false };
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...files, rejectUnauthorized: true };
    default:
      throw invalid(`query option sslmode=${mode} is not one of disable, allow, prefer, require, verify-ca, verify-full`);
  }
}

export class PostgresClient extends ServerSqlClient<PoolClient> {
  readonly dialect = postgresqlDialect;
  private readonly compiler = new StatementCompiler({ placeholders: 'dollar', backquoteIdentifiers: false });
  private readonly pool: Pool;

  /** `where` names the server in errors and logs (never the password). */
  constructor(
    config: PoolConfig,
    private readonly where: string,
    logger: Logger,
  ) {
    super();
    this.pool = new Pool(config);
    // An idle connection the server closed: the pool has dropped it already.
    this.pool.on('error', (err) => logger.warn({ err: err.message, server: where }, 'PostgreSQL connection lost'));
  }

  protected async rows<Row>(client: PoolClient | undefined, sql: string, params?: SqlParams): Promise<Row[]> {
    return (await this.run(client ?? this.pool, sql, params)).rows as Row[];
  }

  protected async changes(client: PoolClient | undefined, sql: string, params?: SqlParams): Promise<number> {
    return (await this.run(client ?? this.pool, sql, params)).rowCount ?? 0;
  }

  protected connect(): Promise<PoolClient> {
    return this.pool.connect().catch((err: unknown) => {
      throw this.normalise(err);
    });
  }

  protected begin(isolation: string): string[] {
    return [`BEGIN ISOLATION LEVEL ${isolation}`];
  }

  protected rollback(client: PoolClient): Promise<unknown> {
    return client.query('ROLLBACK');
  }

  protected release(client: PoolClient, broken: boolean): void {
    client.release(broken);
  }

  protected isRetryable(err: unknown): boolean {
    return isSerializationFailure(err);
  }

  protected answers(): Promise<boolean> {
    return this.pool.query('SELECT 1 AS ok').then((result) => result.rows[0]?.ok === 1);
  }

  protected end(): Promise<void> {
    return this.pool.end();
  }

  private async run(on: Pool | PoolClient, sql: string, params?: SqlParams) {
    const { text, values } = this.compiler.bind(sql, params);
    try {
      return await on.query({ text, values });
    } catch (err) {
      throw this.normalise(err);
    }
  }

  private normalise(err: unknown): unknown {
    if (err instanceof DatabaseError) {
      if (err.code === '23505') return new UniqueViolation(err);
      if (isUnavailable(err.code)) return new ConnectionError(`PostgreSQL at ${this.where}: ${err.message}`);
      return err;
    }
    if (isConnectionFailure(err)) return new ConnectionError(`PostgreSQL at ${this.where} unreachable: ${(err as Error).message}`);
    return err;
  }
}

/**
 * SQLSTATEs of a server that cannot serve now: connection exceptions (08),
 * shutdown and crash recovery (57P01-57P03), too many connections (53300),
 * refused credentials (28) and a missing database (3D000).
 */
function isUnavailable(code: string | undefined): boolean {
  return code !== undefined && (/^(08|28)/.test(code) || ['57P01', '57P02', '57P03', '53300', '3D000'].includes(code));
}

/** Socket errors (ECONNREFUSED ...) and the pool's own connection failures. */
function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection error|not queryable|after calling end on the pool/i.test(
    err.message,
  );
}

/** serialization_failure and deadlock_detected: the transaction is re-run. */
function isSerializationFailure(err: unknown): boolean {
  return err instanceof DatabaseError && (err.code === '40001' || err.code === '40P01');
}
