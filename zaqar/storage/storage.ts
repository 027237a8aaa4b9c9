/**
 * The storage the API operations talk to (Zaqar's `pipeline.DataDriver`
 * joined with its control driver): the management store's controllers
 * (queue and topic metadata, pools, flavors, catalogue) and the message
 * store's (messages, claims, subscriptions), each behind its pipeline of
 * stages:
 *
 *     queue pipeline:        message-queue handler → the message store's queue lifecycle → [storage] queue_pipeline → management store
 *     topic pipeline:        message-topic handler → the message store's queue lifecycle → [storage] topic_pipeline → management store (topic controller)
 *     message pipeline:      [storage] message_pipeline → message store
 *     claim pipeline:        [storage] claim_pipeline → message store
 *     subscription pipeline: [storage] subscription_pipeline → message store
 *
 * Whether a queue lives in a single store or in one pool of many is hidden
 * below this object: the pooled message store (zaqar/pooling) implements
 * the same surface and places queues through its queue lifecycle. A
 * topic's messages and subscriptions are stored under its name, like a
 * queue's, so a topic is placed the same way, and a queue and a topic of
 * one name share their placement (as in Zaqar's pooling catalog): it is
 * forgotten only when the last of the two is deleted.
 */
import { silentLogger, type Logger } from '../common/logger';
import { token } from '../di/token';
import type {
  CatalogueController,
  ClaimController,
  FlavorsController,
  ManagementStore,
  MessageController,
  MessageStore,
  PoolsController,
  QueueController,
  QueueLifecycle,
  SubscriptionController,
} from './interfaces';
import { standardHealthReport } from './health';
import { intercept, type Interceptor } from './pipeline/interceptor';
import { messageQueueHandler, messageTopicHandler } from './pipeline/message-queue-handler';
import type { StagesByResource } from './pipeline/stage';
import type { QueueApi, TopicApi } from './queue-api';
import type { PostSignals } from './signals';

export interface Storage {
  readonly queues: QueueApi;
  readonly topics: TopicApi;
  readonly messages: MessageController;
  readonly claims: ClaimController;
  readonly subscriptions: SubscriptionController;
  readonly pools: PoolsController;
  readonly flavors: FlavorsController;
  readonly catalogue: CatalogueController;
  /** Both stores answer. */
  isAlive(): Promise<boolean>;
  /** The detailed health report: reachability, a self-test of every operation, the store's KPIs. */
  healthReport(): Promise<Record<string, unknown>>;
  /** The message store's garbage collection (forwarded, unlike Zaqar's `zaqar.storage.pipeline`, which drops it). */
  gc(): Promise<number>;
  /** Closes the message store, then the management store. */
  close(): Promise<void>;
  /** The message store's post signals, when it has them (long polling). */
  readonly signals?: PostSignals;
}
export const Storage = token<Storage>('Storage');

/** A management store's queue (topic) controller as a QueueApi (TopicApi): `stats` is the message store's (see queue-api.ts). */
function withStats<A extends QueueApi | TopicApi>(records: ManagementStore['queueController'], what: string): A {
  return Object.assign(Object.create(records) as A, {
    stats: () => Promise.reject(new Error(`${what} stats are answered by the message-${what} handler stage`)),
  });
}

/** The message store with its message, claim and subscription pipelines in front (what the stages and conformance suites see). */
export function withPipelines(messageStore: MessageStore, stages: StagesByResource = {}): MessageStore {
  const messageController = intercept(messageStore.messageController, (stages.message ?? []).map((s) => s.message));
  const claimController = intercept(messageStore.claimController, (stages.claim ?? []).map((s) => s.claim));
  const subscriptionController = intercept(messageStore.subscriptionController, (stages.subscription ?? []).map((s) => s.subscription));
  if (
    messageController === messageStore.messageController &&
    claimController === messageStore.claimController &&
    subscriptionController === messageStore.subscriptionController
  ) {
    return messageStore;
  }
  return {
    get capabilities() {
      return messageStore.capabilities;
    },
    messageController,
    claimController,
    subscriptionController,
    queueDataController: messageStore.queueDataController,
    queueLifecycle: messageStore.queueLifecycle,
    isAlive: () => messageStore.isAlive(),
    health: () => messageStore.health(),
    healthReport: messageStore.healthReport?.bind(messageStore),
    gc: () => messageStore.gc(),
    close: () => messageStore.close(),
    signals: messageStore.signals,
  };
}

/** The lifecycle for one of a name's two records (queue, topic): a delete forgets the placement only when the other record is gone too. */
function sharedPlacement(lifecycle: QueueLifecycle | undefined, other: QueueController): Interceptor<QueueApi> | undefined {
  if (lifecycle === undefined) return undefined;
  const shared: QueueLifecycle = { ...lifecycle };
  if (lifecycle.delete) {
    const forget = lifecycle.delete;
    shared.delete = async (next, name, project) => ((await other.exists(name, project)) ? next(name, project) : forget(next, name, project));
  }
  return shared as Interceptor<QueueApi>;
}

export function createStorage(
  managementStore: ManagementStore,
  messageStore: MessageStore,
  stages: StagesByResource = {},
  logger: Logger = silentLogger,
): Storage {
  const piped = withPipelines(messageStore, stages);
  const queues = intercept<QueueApi>(withStats(managementStore.queueController, 'queue'), [
    messageQueueHandler(messageStore, managementStore),
    sharedPlacement(messageStore.queueLifecycle, managementStore.topicController),
    ...(stages.queue ?? []).map((s) => s.queue),
  ]);
  const topics = intercept<TopicApi>(withStats(managementStore.topicController, 'topic'), [
    messageTopicHandler(messageStore, managementStore),
    sharedPlacement(messageStore.queueLifecycle, managementStore.queueController) as Interceptor<TopicApi> | undefined,
    ...(stages.topic ?? []).map((s) => s.topic),
  ]);
  return {
    queues,
    topics,
    messages: piped.messageController,
    claims: piped.claimController,
    subscriptions: piped.subscriptionController,
    pools: managementStore.poolsController,
    flavors: managementStore.flavorsController,
    catalogue: managementStore.catalogueController,
    async isAlive() {
      const [data, management] = await Promise.all([
        messageStore.isAlive().catch(() => false),
        managementStore.isAlive().catch(() => false),
      ]);
      return data && management;
    },
    healthReport() {
      return messageStore.healthReport ? messageStore.healthReport() : standardHealthReport(this, messageStore, logger);
    },
    gc: () => messageStore.gc(),
    signals: messageStore.signals,
    async close() {
      await messageStore.close();
      await managementStore.close();
    },
  };
}
