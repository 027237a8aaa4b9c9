/**
 * The Redis message store (plugin `redis`, kind storage.data): messages and
 * claims in Zaqar 15's Redis layout (keys.ts), one Lua script per
 * operation.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { Capability, type DataDriver } from '../../../zaqar/storage/interfaces';
import { RedisClaimController } from './claims';
import type { RedisConnection } from './connection';
import { GarbageCollector } from './gc';
import { RedisMessageController } from './messages';
import { RedisQueueDataController } from './queue-data';

export class RedisDataDriver implements DataDriver {
  // As the reference declares: no DURABILITY (Redis persistence is the operator's choice; see wait_replicas).
  readonly capabilities = [Capability.FIFO, Capability.CLAIMS, Capability.AOD, Capability.HIGH_THROUGHPUT] as const;
  readonly messageController: RedisMessageController;
  readonly claimController: RedisClaimController;
  readonly queueDataController: RedisQueueDataController;
  private readonly collector: GarbageCollector;

  constructor(
    private readonly redis: RedisConnection,
    logger: Logger,
    options: { gcIntervalMs?: number } = {},
  ) {
    this.messageController = new RedisMessageController(redis);
    this.claimController = new RedisClaimController(redis);
    this.queueDataController = new RedisQueueDataController(redis);
    this.collector = new GarbageCollector(redis, logger);
    this.collector.start(options.gcIntervalMs);
  }

  isAlive(): Promise<boolean> {
    return this.redis.ping();
  }

  /** Driver KPIs for `GET /v2/health` (architecture.md §13): reachability and the server in use. */
  async health(): Promise<Record<string, unknown>> {
    const reachable = await this.redis.ping();
    const kpi: Record<string, unknown> = { storage_reachable: reachable };
    if (reachable) {
      const replication = await this.redis.info('replication');
      kpi.redis = { server: this.redis.server, role: replication.role, connected_replicas: Number(replication.connected_slaves ?? 0) };
    }
    return kpi;
  }

  gc(): Promise<number> {
    return this.collector.collect();
  }

  async close(): Promise<void> {
    await this.collector.stop();
    await this.redis.close();
  }
}
