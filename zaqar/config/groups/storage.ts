/**
 * [storage] (`zaqar.conf.storage`): extra pipeline stages in front of the
 * storage controllers, and how long posts and claims keep queue metadata
 * (zaqar/api/operations/settings-cache.ts). In Zaqar, `message_pipeline =
 * zaqar.notification.notifier` turns notifications on (no notifier here yet).
 */
import { defineGroup, type OptionDeclaration } from './define';

export interface StorageOptions {
  queue_pipeline: string[];
  message_pipeline: string[];
  claim_pipeline: string[];
  subscription_pipeline: string[];
  topic_pipeline: string[];
  queue_settings_cache_seconds: number;
}

function pipeline(resource: string): OptionDeclaration<string[]> {
  return { type: 'list', default: [], help: `Stages run before the ${resource} controller's methods.` };
}

export const STORAGE_GROUP = defineGroup<StorageOptions>('storage', 'Storage pipelines.', {
  queue_pipeline: pipeline('queue'),
  message_pipeline: pipeline('message'),
  claim_pipeline: pipeline('claim'),
  subscription_pipeline: pipeline('subscription'),
  topic_pipeline: pipeline('topic'),
  queue_settings_cache_seconds: {
    type: 'float',
    default: 1,
    min: 0,
    help:
      'How long posts and claims may use a queue\'s metadata read earlier (seconds; 0: read it on every request, as Zaqar does). ' +
      'Changes made through this process apply at once; changes made through another API node apply within this time.',
  },
});
