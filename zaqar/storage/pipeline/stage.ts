/**
 * Pipeline stages: plugins of kind `pipeline_stage`, named in zaqar.conf's
 * `[storage] queue_pipeline`, `message_pipeline`, `claim_pipeline`,
 * `subscription_pipeline` and `topic_pipeline` (Zaqar's
 * `zaqar.storage.pipeline`). A stage is built once per process; each
 * pipeline uses the part of it for its own controller, so a stage listed in
 * `message_pipeline` sees message calls only.
 *
 * Stages sit between the API operations and the stores: they see what the
 * store sees. On queues with `_enable_encrypt_messages` that means message
 * bodies are ciphertext (the operations encrypt before storing and decrypt
 * after reading, as Zaqar's transport does), so a stage never holds a
 * plaintext copy the store would not have; a stage that needs plaintext
 * uses the core's MessageCipher (zaqar/api/rules/encryption.ts).
 */
import type { Logger } from '../../common/logger';
import type { Config } from '../../config/options';
import { token } from '../../di/token';
import type { ClaimController, ManagementStore, MessageController, MessageStore, SubscriptionController, TopicController } from '../interfaces';
import type { QueueApi } from '../queue-api';
import type { Interceptor } from './interceptor';

/** The resources that have a pipeline, as `[storage] <resource>_pipeline` names them. */
export const PIPELINE_RESOURCES = ['queue', 'message', 'claim', 'subscription', 'topic'] as const;
export type PipelineResource = (typeof PIPELINE_RESOURCES)[number];

/** What a stage contributes to each pipeline it is listed in. */
export interface PipelineStage {
  queue?: Interceptor<QueueApi>;
  message?: Interceptor<MessageController>;
  claim?: Interceptor<ClaimController>;
  subscription?: Interceptor<SubscriptionController>;
  topic?: Interceptor<TopicController>;
}

export interface PipelineStageContext {
  config: Config;
  logger: Logger;
  /** The stores beneath the pipeline (calls made on them bypass every stage). */
  messageStore: MessageStore;
  managementStore: ManagementStore;
}

/** Bound by a `pipeline_stage` plugin, named by the stage's name (e.g. `zaqar.notification.notifier`). */
export type PipelineStageFactory = (context: PipelineStageContext) => PipelineStage | Promise<PipelineStage>;
export const PipelineStageFactory = token<PipelineStageFactory>('PipelineStageFactory');

/** The stages of each pipeline, outermost first. */
export type StagesByResource = Partial<Record<PipelineResource, readonly PipelineStage[]>>;

/** The stages of this process, by pipeline (built from `[storage] *_pipeline`). */
export const PipelineStages = token<StagesByResource>('PipelineStages');
