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
    'catalogue). Only SQLite is supported: sqlite:///relative/path, sqlite:////absolute/path, ' +
    'or sqlite:///:memory: (the default: private to the process and lost on exit). Tables ' +
    'are created when missing; an existing Zaqar database (alembic revision 007) is used as is.',
  deprecated: [{ group: 'drivers:storage:sqlalchemy' }],
};

export const sqlManagementStoreOptionGroup: OptionGroup = {
  name: SQL_MANAGEMENT_STORE_GROUP,
  help: 'SQL (SQLite) management store.',
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
