/**
 * The Redis management store (plugin `redis`, kind management_store): queue
 * records, pools, flavors and the catalogue in Zaqar 15's Redis layout, and
 * topic records beside them (keys.ts).
 */
import type { ManagementStore } from '../../../zaqar/storage/interfaces';
import { RedisCatalogueController } from './catalogue';
import type { RedisConnection } from './connection';
import { RedisFlavorsController } from './flavors';
import { RedisPoolsController } from './pools';
import { RedisQueueController, TOPICS } from './queues';

export class RedisManagementStore implements ManagementStore {
  readonly queueController: RedisQueueController;
  readonly topicController: RedisQueueController;
  readonly poolsController: RedisPoolsController;
  readonly flavorsController: RedisFlavorsController;
  readonly catalogueController: RedisCatalogueController;

  constructor(private readonly redis: RedisConnection) {
    this.queueController = new RedisQueueController(redis);
    this.topicController = new RedisQueueController(redis, TOPICS);
    this.poolsController = new RedisPoolsController(redis);
    this.flavorsController = new RedisFlavorsController(redis);
    this.catalogueController = new RedisCatalogueController(redis);
  }

  isAlive(): Promise<boolean> {
    return this.redis.ping();
  }

  close(): Promise<void> {
    return this.redis.close();
  }
}
