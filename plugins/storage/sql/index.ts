/**
 * Plugin manifest of the SQL management store (`[drivers] management_store
 * = sqlalchemy`). Cheap to import: the drivers (better-sqlite3, mysql2,
 * pg) are required by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { SQL_URI_SCHEMES } from '../../../zaqar/storage/sql-uri';
import { sqlManagementStoreOptionGroup } from './options';

export const manifest: PluginManifest = {
  kind: 'management_store',
  name: 'sqlalchemy',
  description:
    "Management store in SQLite, MySQL/MariaDB or PostgreSQL, in Zaqar's SQLAlchemy table layout (queues, pools, flavors, catalogue).",
  optionGroups: [sqlManagementStoreOptionGroup],
  uriSchemes: SQL_URI_SCHEMES,
  load() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createSqlControlModule();
  },
};
