/**
 * Plugin manifest of the Swift message store (`[drivers] message_store =
 * swift`, pool URIs `swift://...`). Cheap to import: the driver is required
 * by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { CAPABILITIES } from './capabilities';
import { swiftMessageStoreOptionGroup } from './options';

export const manifest: PluginManifest = {
  kind: 'message_store',
  name: 'swift',
  capabilities: CAPABILITIES,
  description:
    "Message store in OpenStack Swift, in Zaqar 15's containers and objects; claims made exclusive with create-once lock containers.",
  optionGroups: [swiftMessageStoreOptionGroup],
  uriSchemes: ['swift'],
  load() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createSwiftDataModule();
  },
};
