/**
 * Plugin manifests of the MongoDB stores, both named `mongodb` as in Zaqar:
 * `[drivers] message_store = mongodb` (messages and claims) and
 * `[drivers] management_store = mongodb` (queues, pools, flavors,
 * catalogue). Cheap to import: the drivers (and the mongodb package) are
 * required by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { CAPABILITIES } from './capabilities';
import { mongoManagementStoreOptionGroup, mongoMessageStoreOptionGroup } from './options';

type Implementation = typeof import('./module');

function implementation(): Implementation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./module') as Implementation;
}

export const dataManifest: PluginManifest = {
  kind: 'message_store',
  capabilities: CAPABILITIES,
  name: 'mongodb',
  description:
    "Message store on MongoDB (replica set or mongos) in Zaqar's layout: FIFO markers, atomic batches, claims in the messages.",
  optionGroups: [mongoMessageStoreOptionGroup],
  uriSchemes: ['mongodb', 'mongodb+srv'],
  load: () => implementation().createMongoDataModule(),
};

export const controlManifest: PluginManifest = {
  kind: 'management_store',
  name: 'mongodb',
  description: "Management store on MongoDB in Zaqar's layout (queues, pools, flavors, catalogue).",
  optionGroups: [mongoManagementStoreOptionGroup],
  uriSchemes: ['mongodb', 'mongodb+srv'],
  load: () => implementation().createMongoControlModule(),
};

export const manifest: PluginManifest[] = [dataManifest, controlManifest];
