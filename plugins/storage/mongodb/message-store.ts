/**
 * The MongoDB message store (plugin `mongodb`, `[drivers] message_store`):
 * messages and claims in `<database>_messages_p<N>`, subscriptions in
 * `<database>_subscriptions` (Zaqar's MongoDB layout), the queue counters
 * with the queue records when the management store is MongoDB too
 * (counters.ts).
 */
import type { Collection, MongoClient } from 'mongodb';
import { CAPABILITIES } from './capabilities';
import type { Logger } from '../../../zaqar/common/logger';
import type { MessageStore, QueueController } from '../../../zaqar/storage/interfaces';
import { MongoCalls } from './calls';
import { guardClient } from './stuck-client';
import { ClaimLocks } from './claim-locks';
import { MongoClaimController } from './claims';
import { type MarkerCounter, PartitionCounter } from './counters';
import { DeadLetterMover } from './dead-letter';
import { now, unclaimed } from './documents';
import { ensureCounterIndexes, ensureLockIndexes, ensureMessageIndexes, ensureSubscriptionIndexes } from './indexes';
import { MongoMessageController } from './messages';
import type { MongoMessageStoreOptions } from './options';
import { Partitions } from './partitions';
import { FifoPublisher } from './publisher';
import { MongoQueueDataController } from './queue-data';
import { MongoSubscriptionController, SUBSCRIPTION_UNIQUE_INDEX, type SubscriptionDocument } from './subscriptions';

/** How often expired messages and subscriptions are deleted when the server has no TTL indexes. */
export const GC_INTERVAL_MS = 60_000;

export interface MessageStoreParts {
  client: MongoClient;
  options: MongoMessageStoreOptions;
  /** The management store's queue controller (posting checks the queue exists). */
  queues: QueueController;
  /**
   * The queue counters when the management store keeps them (MongoDB);
   * otherwise they live in each partition's `messages.stats`.
   */
  counter?: MarkerCounter;
  logger: Logger;
}

export class MongoMessageStore implements MessageStore {
  // As Zaqar's FIFO driver advertises (markers are FIFO here too).
  readonly capabilities = CAPABILITIES;
  readonly messageController: MongoMessageController;
  readonly claimController: MongoClaimController;
  readonly subscriptionController: MongoSubscriptionController;
  readonly queueDataController: MongoQueueDataController;

  private readonly client: MongoClient;
  private readonly partitions: Partitions;
  private readonly subscriptions: Collection<SubscriptionDocument>;
  private readonly calls: MongoCalls;
  private readonly logger: Logger;
  private readonly ownCounters: boolean;
  private gcTimer: NodeJS.Timeout | undefined;

  constructor(parts: MessageStoreParts) {
    this.client = parts.client;
    this.logger = parts.logger;
    this.calls = new MongoCalls(parts.options, parts.logger, guardClient(parts.client, parts.options, parts.logger));
    this.partitions = new Partitions(parts.client, parts.options.database, parts.options.partitions);
    this.ownCounters = parts.counter === undefined;
    const counter =
      parts.counter ??
      new PartitionCounter((queue, project) => this.partitions.countersOf(queue, project), parts.queues, this.calls);
    const publisher = new FifoPublisher(counter, this.calls, parts.options, parts.logger);
    const deadLetters = new DeadLetterMover(this.partitions, counter, publisher, parts.queues, this.calls, parts.logger);
    const locks = new ClaimLocks(this.calls);
    this.messageController = new MongoMessageController(this.partitions, counter, publisher, locks, this.calls);
    this.claimController = new MongoClaimController(this.partitions, deadLetters, locks, this.calls);
    this.queueDataController = new MongoQueueDataController(this.partitions, this.messageController, this.calls);
    // Zaqar's `subscriptions_database`: the client's own write concern.
    this.subscriptions = parts.client.db(`${parts.options.database}_subscriptions`).collection<SubscriptionDocument>('subscriptions');
    this.subscriptionController = new MongoSubscriptionController(this.subscriptions, this.calls);
  }

  /** Creates the indexes (start-up); starts reaping expired messages if the server cannot. */
  async initialise(): Promise<void> {
    let ttlSupported = true;
    for (const collection of this.partitions.messages) {
      if (!(await ensureMessageIndexes(collection, this.calls, this.logger))) ttlSupported = false;
    }
    for (const collection of this.partitions.locks) await ensureLockIndexes(collection, this.calls, ttlSupported);
    if (this.ownCounters) {
      for (const collection of this.partitions.counters) await ensureCounterIndexes(collection, this.calls);
    }
    if (!(await ensureSubscriptionIndexes(this.subscriptions, SUBSCRIPTION_UNIQUE_INDEX, this.calls, this.logger))) ttlSupported = false;
    if (!ttlSupported) {
      // unref: a pending gc must never keep the process alive.
      this.gcTimer = setInterval(() => this.gcInBackground(), GC_INTERVAL_MS).unref();
    }
  }

  async isAlive(): Promise<boolean> {
    try {
      // Through `calls`, so a failing ping also counts towards stuck-client recovery.
      const reply = await this.calls.once(() => this.client.db('admin').command({ ping: 1 }));
      return reply.ok === 1;
    } catch {
      return false;
    }
  }

  /** Driver KPIs for `GET /v2/health` (`storage_reachable`, `message_volume`), over all partitions. */
  async health(): Promise<Record<string, unknown>> {
    const at = now();
    const live = { tx: null, e: { $gt: new Date(at.ms) } };
    let total = 0;
    let free = 0;
    for (const collection of this.partitions.messages) {
      total += await this.calls.idempotent('count messages', () => collection.countDocuments(live));
      free += await this.calls.idempotent('count messages', () => collection.countDocuments({ ...live, ...unclaimed(at) }));
    }
    return {
      storage_reachable: await this.isAlive(),
      message_volume: { free, claimed: Math.max(0, total - free), total },
    };
  }

  /**
   * Deletes expired messages, subscriptions and abandoned claim locks
   * (MongoDB's TTL monitor does it too, where it exists); returns how many
   * messages and subscriptions went.
   */
  async gc(): Promise<number> {
    const expired = { e: { $lte: new Date(Date.now()) } };
    let removed = 0;
    for (const collection of this.partitions.messages) {
      removed += (await this.calls.idempotent('delete expired messages', () => collection.deleteMany(expired))).deletedCount;
    }
    for (const collection of this.partitions.locks) {
      await this.calls.idempotent('delete expired locks', () => collection.deleteMany(expired));
    }
    return removed + (await this.subscriptionController.collect());
  }

  async close(): Promise<void> {
    if (this.gcTimer !== undefined) clearInterval(this.gcTimer);
    await this.client.close();
  }

  private gcInBackground(): void {
    this.gc().then(
      (removed) => {
        if (removed > 0) this.logger.debug({ removed }, 'MongoDB message store: expired messages and subscriptions deleted');
      },
      (err: unknown) => this.logger.warn({ err }, 'MongoDB message store: deleting expired messages and subscriptions failed'),
    );
  }
}
