/**
 * The MongoDB management store (plugin `mongodb`, `[drivers]
 * management_store`): queue records in `<database>_queues.queues`, topic
 * records in `<database>_topics.topics`, pools, flavors and the catalogue in
 * `<database>` (Zaqar's MongoDB layout).
 *
 * It also holds the queues' message counters; a MongoDB message store uses
 * them (`queueCounter`) so that, as in Zaqar, the counter is the queue's.
 */
import type { Collection, CreateIndexesOptions, Document, MongoClient } from 'mongodb';
import type { Logger } from '../../../zaqar/common/logger';
import type { ManagementStore } from '../../../zaqar/storage/interfaces';
import { MongoCalls } from './calls';
import { guardClient } from './stuck-client';
import { type CatalogueDocument, MongoCatalogueController } from './catalogue';
import { type MarkerCounter, QueueDocumentCounter } from './counters';
import { type FlavorDocument, MongoFlavorsController } from './flavors';
import type { MongoManagementStoreOptions } from './options';
import { MongoPoolsController, type PoolDocument } from './pools';
import { MongoQueueController, type QueueDocument, type TopicDocument, TOPICS } from './queues';

export class MongoManagementStore implements ManagementStore {
  readonly queueController: MongoQueueController;
  readonly topicController: MongoQueueController;
  readonly poolsController: MongoPoolsController;
  readonly flavorsController: MongoFlavorsController;
  readonly catalogueController: MongoCatalogueController;

  private readonly calls: MongoCalls;
  private readonly queues: Collection<QueueDocument>;
  private readonly topics: Collection<TopicDocument>;
  private readonly pools: Collection<PoolDocument>;
  private readonly flavors: Collection<FlavorDocument>;
  private readonly catalogue: Collection<CatalogueDocument>;

  constructor(
    private readonly client: MongoClient,
    options: MongoManagementStoreOptions,
    logger: Logger,
  ) {
    this.calls = new MongoCalls(options, logger, guardClient(client, options, logger));
    const management = client.db(options.database);
    this.queues = client.db(`${options.database}_queues`).collection<QueueDocument>('queues');
    this.topics = client.db(`${options.database}_topics`).collection<TopicDocument>('topics');
    this.pools = management.collection<PoolDocument>('pools');
    this.flavors = management.collection<FlavorDocument>('flavors');
    this.catalogue = management.collection<CatalogueDocument>('catalogue');
    this.queueController = new MongoQueueController(this.queues, this.calls);
    this.topicController = new MongoQueueController(this.topics, this.calls, TOPICS);
    this.poolsController = new MongoPoolsController(this.pools, this.flavors, this.calls);
    this.flavorsController = new MongoFlavorsController(this.flavors, this.calls);
    this.catalogueController = new MongoCatalogueController(this.catalogue, this.calls);
  }

  /** Zaqar's indexes, same names and keys (a shared database keeps one set). */
  async initialise(): Promise<void> {
    const create = <T extends Document>(collection: Collection<T>, key: Record<string, 1>, options: CreateIndexesOptions) =>
      this.calls.idempotent('create index', () => collection.createIndex(key, options));
    await create(this.queues, { p_q: 1 }, { name: 'p_q_1', unique: true });
    await create(this.topics, { p_t: 1 }, { name: 'p_t_1', unique: true });
    await create(this.pools, { n: 1 }, { name: 'pools_name', unique: true });
    await create(this.pools, { u: 1 }, { name: 'pools_uri', unique: true });
    await create(this.flavors, { p: 1, n: 1 }, { name: 'flavors_name', unique: true });
    await create(this.flavors, { s: 1 }, { name: 'flavors_storage_pool_group_name' });
    await create(this.catalogue, { p_q: 1 }, { name: 'p_q_1', unique: true });
  }

  /** The message counters kept in the queue documents, for a MongoDB message store. */
  queueCounter(): MarkerCounter {
    return new QueueDocumentCounter(this.queues, this.calls);
  }

  async isAlive(): Promise<boolean> {
    try {
      return (await this.calls.once(() => this.client.db('admin').command({ ping: 1 }))).ok === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
