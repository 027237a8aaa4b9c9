/**
 * Plugin manifests of the Redis stores: the message store (`[drivers]
 * message_store = redis`) and the management store (`management_store =
 * redis`). Cheap to import: the driver is required by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { CAPABILITIES } from './capabilities';
import { redisManagementStoreOptionGroup, redisMessageStoreOptionGroup } from './options';

function loader(kind: 'message_store' | 'management_store'): PluginManifest['load'] {
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createRedisModule(kind);
  };
}

export const dataManifest: PluginManifest = {
  kind: 'message_store',
  capabilities: CAPABILITIES,
  name: 'redis',
  description:
    "Message store in Redis (standalone, unix socket or Sentinel), in Zaqar 15's key layout; one Lua script per operation.",
  optionGroups: [redisMessageStoreOptionGroup],
  uriSchemes: ['redis'],
  load: loader('message_store'),
};

export const controlManifest: PluginManifest = {
  kind: 'management_store',
  name: 'redis',
  description: "Management store in Redis (queues, pools, flavors, catalogue), in Zaqar 15's key layout.",
  optionGroups: [redisManagementStoreOptionGroup],
  uriSchemes: ['redis'],
  load: loader('management_store'),
};

export const manifest: PluginManifest[] = [dataManifest, controlManifest];
