/**
 * Plugin manifest of the SQL management store (`[drivers] management_store
 * = sqlalchemy`). Cheap to import: the driver is required by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { sqlManagementStoreOptionGroup } from './options';

export const manifest: PluginManifest = {
  kind: 'management_store',
  name: 'sqlalchemy',
  description: "Management store in SQLite, in Zaqar's SQLAlchemy table layout (queues, pools, flavors, catalogue).",
  optionGroups: [sqlManagementStoreOptionGroup],
  uriSchemes: ['sqlite'],
  load() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createSqlControlModule();
  },
};
