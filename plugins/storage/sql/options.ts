/**
 * `[drivers:management_store:sqlalchemy]` — Zaqar's option group for the SQL
 * management store (`zaqar.conf.drivers_management_store_sqlalchemy`). Kept
 * free of runtime dependencies: the plugin manifest imports it at start-up.
 */
import { ConfigError, type OptionGroup, type OptionSpec } from '../../../zaqar/config/options';

export const SQL_MANAGEMENT_STORE_GROUP = 'drivers:management_store:sqlalchemy';

const uri: OptionSpec = {
  name: 'uri',
  type: 'string',
  default: 'sqlite:///:memory:',
  help:
    'SQLAlchemy database URL of the management store (queue metadata, pools, flavors, ' +
    'catalogue): sqlite:///relative/path, sqlite:////absolute/path, sqlite:///:memory: (the ' +
    'default: private to the process and lost on exit); mysql+pymysql://user:password@host:3306/zaqar ' +
    '(also mysql://, mysql+mysqldb://, mariadb://; query options charset, connect_timeout, ' +
    'read_timeout, unix_socket, ssl_ca, ssl_cert, ssl_key); postgresql://user:password@host:5432/zaqar ' +
    '(also postgresql+psycopg2://, postgres://; query options connect_timeout, application_name, ' +
    'options, client_encoding, host, sslmode, sslrootcert, sslcert, sslkey). Percent-encode @ : / ' +
    "in the password. Tables are created when missing, with Zaqar's names; an existing Zaqar " +
    'database (alembic revision 007, or tables made by zaqar.storage.sqlalchemy.tables) is used as is.',
  deprecated: [{ group: 'drivers:storage:sqlalchemy' }],
};

export const sqlManagementStoreOptionGroup: OptionGroup = {
  name: SQL_MANAGEMENT_STORE_GROUP,
  help: 'SQL management store (SQLite, MySQL/MariaDB, PostgreSQL).',
  options: [uri],
};

/** The `uri` of the resolved group (the declared default when absent). */
export function readSqlManagementStoreUri(values: Record<string, unknown>): string {
  const value = values[uri.name] ?? uri.default;
  if (typeof value !== 'string') {
    throw new ConfigError('must be a string', { group: SQL_MANAGEMENT_STORE_GROUP, option: uri.name });
  }
  return value;
}
