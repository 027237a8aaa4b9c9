/**
 * [storage] (`zaqar.conf.storage`): extra pipeline stages in front of the
 * storage controllers. In Zaqar, `message_pipeline =
 * zaqar.notification.notifier` turns notifications on (no notifier here yet).
 */
import { defineGroup, type OptionDeclaration } from './define';

export interface StorageOptions {
  queue_pipeline: string[];
  message_pipeline: string[];
  claim_pipeline: string[];
  subscription_pipeline: string[];
  topic_pipeline: string[];
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
});
