/**
 * The Redis message store (plugin `redis`, kind message_store): messages,
 * claims and subscriptions in Zaqar 15's Redis layout (keys.ts), one Lua
 * script per operation.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { CAPABILITIES } from './capabilities';
import type { MessageStore } from '../../../zaqar/storage/interfaces';
import { RedisClaimController } from './claims';
import type { RedisConnection } from './connection';
import { GarbageCollector } from './gc';
import { randomBytes } from 'node:crypto';
import { MSGSET_INDEX, parsePostSignal, postChannel, queueOfMessageSet } from './keys';
import { PostSignalHub } from '../../../zaqar/storage/signals';
import { RedisMessageController } from './messages';
import { RedisQueueDataController } from './queue-data';
import { RedisSubscriptionController } from './subscriptions';

/** Queues whose stats are read at once when health sums the message volume. */
const HEALTH_BATCH = 50;

export class RedisMessageStore implements MessageStore {
  // As the reference declares: no DURABILITY (Redis persistence is the operator's choice; see wait_replicas).
  readonly capabilities = CAPABILITIES;
  readonly messageController: RedisMessageController;
  readonly claimController: RedisClaimController;
  readonly subscriptionController: RedisSubscriptionController;
  readonly queueDataController: RedisQueueDataController;
  private readonly collector: GarbageCollector;
  private readonly channel: string;
  /** This store's name in its post signals: its own posts have woken their waiters in-process already. */
  private readonly origin = randomBytes(4).toString('hex');
  /** The subscription being made or ended: changes run one after the other. */
  private subscription: Promise<void> = Promise.resolve();
  private subscribed = false;
  /**
   * Post signals: the post script PUBLISHes each post on the channel of
   * this database (keys.ts postChannel; with no subscriber that costs
   * Redis about a microsecond and no round trip). The store SUBSCRIBEs on
   * its own connection (made on first use, kept) while someone listens
   * (requests long-poll), and UNSUBSCRIBEs when nobody does, so API nodes
   * receive posts only while they have waiters.
   */
  readonly signals = new PostSignalHub((active) => this.follow(active));

  constructor(
    private readonly redis: RedisConnection,
    private readonly logger: Logger,
    options: { gcIntervalMs?: number } = {},
  ) {
    this.channel = postChannel(redis.dbid);
    this.messageController = new RedisMessageController(redis, this.channel, this.origin);
    this.claimController = new RedisClaimController(redis);
    this.subscriptionController = new RedisSubscriptionController(redis);
    this.queueDataController = new RedisQueueDataController(redis);
    this.collector = new GarbageCollector(redis, logger);
    this.collector.start(options.gcIntervalMs);
  }

  isAlive(): Promise<boolean> {
    return this.redis.ping();
  }

  /**
   * Driver KPIs for `GET /v2/health`: reachability,
   * the server in use, and the message volume over every queue (the
   * reference's Redis driver omits it; MongoDB's reports it, and Zaqar's
   * health tests expect it). An admin-only endpoint, so walking every queue
   * is acceptable.
   */
  async health(): Promise<Record<string, unknown>> {
    const reachable = await this.redis.ping();
    const kpi: Record<string, unknown> = { storage_reachable: reachable };
    if (reachable) {
      const replication = await this.redis.info('replication');
      kpi.redis = { server: this.redis.server, role: replication.role, connected_replicas: Number(replication.connected_slaves ?? 0) };
      kpi.message_volume = await this.messageVolume();
    }
    return kpi;
  }

  private async messageVolume(): Promise<{ free: number; claimed: number; total: number }> {
    const volume = { free: 0, claimed: 0, total: 0 };
    const members = await this.redis.command(['ZRANGE', MSGSET_INDEX, '0', '-1']);
    const queues = (Array.isArray(members) ? members : []).map((m) => queueOfMessageSet(String(m))).filter((q) => q !== undefined);
    for (let i = 0; i < queues.length; i += HEALTH_BATCH) {
      const stats = await Promise.all(queues.slice(i, i + HEALTH_BATCH).map((q) => this.queueDataController.stats(q.name, q.project)));
      for (const { messages } of stats) {
        volume.free += messages.free;
        volume.claimed += messages.claimed;
        volume.total += messages.total;
      }
    }
    return volume;
  }

  gc(): Promise<number> {
    return this.collector.collect();
  }

  private follow(active: boolean): void {
    this.subscription = this.subscription.then(async () => {
      // The state may have flipped again while the previous change ran.
      const wanted = this.signals.active;
      if (wanted === this.subscribed) return;
      try {
        if (wanted) {
          await this.redis.subscribe(this.channel, (message) => {
            const { set, origin } = parsePostSignal(message);
            if (origin === this.origin) return;
            const queue = queueOfMessageSet(set);
            if (queue) this.signals.emit({ queue: queue.name, project: queue.project });
          });
        } else {
          await this.redis.unsubscribe(this.channel);
        }
        this.subscribed = wanted;
      } catch (err) {
        // Waiters still wake on this process's posts and on the periodic re-check; the next change tries again.
        this.logger.warn({ err: (err as Error).message, active }, 'redis message store: cannot (un)subscribe post signals');
      }
    });
  }

  async close(): Promise<void> {
    await this.collector.stop();
    await this.redis.close();
  }
}
