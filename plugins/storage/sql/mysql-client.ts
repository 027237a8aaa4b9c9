/**
 * SqlClient on MySQL and MariaDB (`mysql2/promise` pool). URI query options
 * read (PyMySQL's names, as SQLAlchemy passes them): `charset` (the
 * connection character set, e.g. utf8 or utf8mb4), `connect_timeout` and
 * `read_timeout` (seconds), `unix_socket`, and `ssl_ca`, `ssl_cert`,
 * `ssl_key` (files; any of them turns TLS on).
 *
 * Every connection runs with sql_mode TRADITIONAL, as oslo.db sets it for
 * Zaqar (a value too long for its column is an error, not truncated). The
 * pool drops connections that fail and opens new ones on demand, so the
 * store recovers by itself once the server is back.
 */
import { createPool, type Pool, type PoolConnection, type PoolOptions, type ResultSetHeader } from 'mysql2/promise';
import type { Logger } from '../../../zaqar/common/logger';
import type { ConfigError } from '../../../zaqar/config/options';
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { ServerDatabaseUri } from '../../../zaqar/storage/sql-uri';
import { CONNECT_TIMEOUT_MS, POOL_SIZE, QUERY_TIMEOUT_MS, ServerSqlClient, type SqlParams, UniqueViolation } from './client';
import { mysqlDialect } from './dialects';
import { StatementCompiler } from './statements';
import { UriQuery } from './uri-query';

export interface MysqlSettings {
  pool: PoolOptions;
  queryTimeoutMs: number;
}

/** The mysql2 pool settings for `uri`, and the query options it does not know. */
export function mysqlPoolOptions(uri: ServerDatabaseUri, invalid: (reason: string) => ConfigError): { settings: MysqlSettings; ignored: string[] } {
  const query = new UriQuery(uri.query, invalid);
  const pool: PoolOptions = {
    host: uri.host,
    port: uri.port,
    user: uri.user,
    password: uri.password,
    database: uri.database,
    socketPath: query.text('unix_socket'),
    connectTimeout: query.milliseconds('connect_timeout') ?? CONNECT_TIMEOUT_MS,
    connectionLimit: POOL_SIZE,
    waitForConnections: true,
    enableKeepAlive: true,
  };
  const charset = query.text('charset');
  if (charset !== undefined) pool.charset = charset;
  const ssl = { ca: query.file('ssl_ca'), cert: query.file('ssl_cert'), key: query.file('ssl_key') };
  if (ssl.ca || ssl.cert || ssl.key) pool.ssl = ssl;
  const settings = { pool, queryTimeoutMs: query.milliseconds('read_timeout') ?? QUERY_TIMEOUT_MS };
  return { settings, ignored: query.ignored() };
}

export class MysqlClient extends ServerSqlClient<PoolConnection> {
  readonly dialect = mysqlDialect;
  private readonly compiler = new StatementCompiler({ placeholders: 'question', backquoteIdentifiers: true });
  private readonly pool: Pool;

  /**
   * `where` names the server in errors and logs (never the password).
   * Throws a TypeError for a `charset` mysql2 does not know.
   */
  constructor(
    private readonly settings: MysqlSettings,
    private readonly where: string,
    logger: Logger,
  ) {
    super();
    this.pool = createPool(settings.pool);
    // The core pool's event gives the callback connection; the callback
    // keeps a failure from being thrown as an unhandled 'error' event (the
    // next statement on that connection reports it).
    this.pool.pool.on('connection', (connection) => {
      connection.query("SET SESSION sql_mode = 'TRADITIONAL'", (err: unknown) => {
        if (err) logger.warn({ err: (err as Error).message, server: where }, 'MySQL: cannot set sql_mode');
      });
    });
  }

  protected async rows<Row>(connection: PoolConnection | undefined, sql: string, params?: SqlParams): Promise<Row[]> {
    return (await this.run(connection ?? this.pool, sql, params)) as Row[];
  }

  protected async changes(connection: PoolConnection | undefined, sql: string, params?: SqlParams): Promise<number> {
    // FOUND_ROWS (on by default in mysql2): affectedRows counts matched rows, as elsewhere.
    return ((await this.run(connection ?? this.pool, sql, params)) as ResultSetHeader).affectedRows;
  }

  protected connect(): Promise<PoolConnection> {
    return this.pool.getConnection().catch((err: unknown) => {
      throw this.normalise(err);
    });
  }

  protected begin(isolation: string): string[] {
    return [`SET TRANSACTION ISOLATION LEVEL ${isolation}`, 'START TRANSACTION'];
  }

  protected rollback(connection: PoolConnection): Promise<unknown> {
    return connection.query('ROLLBACK');
  }

  protected release(connection: PoolConnection, broken: boolean): void {
    if (broken) connection.destroy();
    else connection.release();
  }

  protected isRetryable(err: unknown): boolean {
    return isSerializationFailure(err);
  }

  protected answers(timeoutMs: number): Promise<boolean> {
    return this.pool.query({ sql: 'SELECT 1 AS ok', timeout: timeoutMs }).then(([rows]) => (rows as { ok: number }[])[0]?.ok === 1);
  }

  protected end(): Promise<void> {
    return this.pool.end();
  }

  private async run(on: Pool | PoolConnection, sql: string, params?: SqlParams): Promise<unknown> {
    const { text, values } = this.compiler.bind(sql, params);
    try {
      const [result] = await on.query({ sql: text, values, timeout: this.settings.queryTimeoutMs });
      return result;
    } catch (err) {
      throw this.normalise(err);
    }
  }

  private normalise(err: unknown): unknown {
    const failure = err as { errno?: number; code?: string; fatal?: boolean; message?: string };
    if (failure?.errno === ER_DUP_ENTRY) return new UniqueViolation(err);
    if (isSerializationFailure(err)) return err;
    if (failure?.fatal || UNAVAILABLE_ERRNOS.has(failure?.errno ?? 0) || /^E[A-Z]+$/.test(failure?.code ?? '') || /Pool is closed/.test(failure?.message ?? '')) {
      return new ConnectionError(`MySQL at ${this.where} unreachable: ${failure?.message ?? String(err)}`);
    }
    return err;
  }
}

const ER_DUP_ENTRY = 1062;
/**
 * Server errors of a server that cannot serve now: too many connections
 * (1040), refused credentials or database (1044, 1045), unknown database
 * (1049), shutdown in progress (1053), connection killed (1927), and the
 * client's lost-connection codes (2006, 2013).
 */
const UNAVAILABLE_ERRNOS = new Set([1040, 1044, 1045, 1049, 1053, 1927, 2006, 2013]);

/** Deadlock (1213) and MariaDB's snapshot-isolation conflict (1020): the transaction is re-run. */
function isSerializationFailure(err: unknown): boolean {
  const errno = (err as { errno?: number })?.errno;
  return errno === 1213 || errno === 1020;
}
