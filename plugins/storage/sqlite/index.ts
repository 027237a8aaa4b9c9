/**
 * Plugin manifest of the embedded SQLite message store (`[drivers]
 * message_store = sqlite`). Cheap to import: the driver is required by
 * `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { CAPABILITIES } from './capabilities';
import { sqliteMessageStoreOptionGroup } from './options';

export const manifest: PluginManifest = {
  kind: 'message_store',
  name: 'sqlite',
  capabilities: CAPABILITIES,
  description: 'Embedded message store in one SQLite file (WAL); several server processes may share the file.',
  optionGroups: [sqliteMessageStoreOptionGroup],
  uriSchemes: ['sqlite'],
  load() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createSqliteDataModule();
  },
};
