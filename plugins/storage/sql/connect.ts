/**
 * From `[drivers:management_store:sqlalchemy] uri` to a SqlClient of the
 * right dialect. URI query options a client does not use are logged (debug)
 * and otherwise ignored, as SQLAlchemy would pass them to a Python driver
 * we do not have. The MySQL and PostgreSQL drivers are required only when
 * a URI needs them.
 */
import type { Logger } from '../../../zaqar/common/logger';
import type { Config, ConfigError } from '../../../zaqar/config/options';
import { parseDatabaseUri, type ServerDatabaseUri, sqliteLocationFilename } from '../../../zaqar/storage/sql-uri';
import type { SqlClient } from './client';
import { SQL_MANAGEMENT_STORE_GROUP } from './options';
import { openSqliteClient } from './sqlite-client';

/* eslint-disable @typescript-eslint/no-require-imports */
const mysqlClient = (): typeof import('./mysql-client') => require('./mysql-client');
const postgresClient = (): typeof import('./postgres-client') => require('./postgres-client');
/* eslint-enable @typescript-eslint/no-require-imports */

export function openSqlClient(uri: string, config: Pick<Config, 'optionError'>, logger: Logger): SqlClient {
  const parsed = parseDatabaseUri(uri, { group: SQL_MANAGEMENT_STORE_GROUP, config });
  const invalid = (reason: string): ConfigError => config.optionError(SQL_MANAGEMENT_STORE_GROUP, 'uri', reason);
  const logIgnored = (ignored: string[]): void => {
    if (ignored.length > 0) logger.debug({ options: ignored }, 'sql management store: URI query options ignored');
  };

  switch (parsed.dialect) {
    case 'sqlite': {
      const filename = sqliteLocationFilename(parsed.location);
      logger.debug({ filename }, 'sql management store: SQLite');
      return openSqliteClient(filename);
    }
    case 'postgresql': {
      const { PostgresClient, postgresPoolConfig } = postgresClient();
      const { config: poolConfig, ignored } = postgresPoolConfig(parsed, invalid);
      logIgnored(ignored);
      logger.debug({ server: serverName(parsed) }, 'sql management store: PostgreSQL');
      return new PostgresClient(poolConfig, serverName(parsed), logger);
    }
    case 'mysql': {
      const { MysqlClient, mysqlPoolOptions } = mysqlClient();
      const { settings, ignored } = mysqlPoolOptions(parsed, invalid);
      logIgnored(ignored);
      logger.debug({ server: serverName(parsed) }, 'sql management store: MySQL');
      try {
        return new MysqlClient(settings, serverName(parsed), logger);
      } catch (err) {
        // mysql2 checks the character set when the pool is made.
        if (err instanceof TypeError) throw invalid(err.message);
        throw err;
      }
    }
  }
}

/** `host:port/database` (or the socket), for logs and errors: never the password. */
function serverName(uri: ServerDatabaseUri): string {
  const socket = uri.query.unix_socket ?? (uri.host === undefined ? uri.query.host : undefined);
  const place = socket ?? `${uri.host ?? 'localhost'}${uri.port === undefined ? '' : `:${uri.port}`}`;
  return `${place}/${uri.database ?? uri.user ?? ''}`;
}
