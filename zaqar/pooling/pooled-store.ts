/**
 * The pooled message store (Zaqar's `zaqar.storage.pooling.DataDriver`):
 * a MessageStore like any other, so neither the facade nor the operations
 * know whether pooling is on. Each call goes to the store of the queue's
 * pool (routing.ts); new queues are placed through the queue lifecycle.
 *
 * - Liveness is the catalog's: `/v2/ping` answers whether the management
 *   store (which holds the catalogue) is reachable; a pool that is down
 *   makes only its own queues answer 503.
 * - The detailed health report lists the catalog and every pool with its
 *   own reachability, self-test and KPIs.
 */
import type { Logger } from '../common/logger';
import { standardHealthReport } from '../storage/health';
import {
  Capability,
  type ManagementStore,
  type MessageStore,
  type QueueLifecycle,
} from '../storage/interfaces';
import type { PostSignals } from '../storage/signals';
import { createStorage } from '../storage/storage';
import type { Catalog } from './catalog';
import { RoutingClaimController, RoutingMessageController, RoutingQueueDataController, RoutingSubscriptionController } from './routing';

/** The queue's flavor from its metadata (`_flavor`), when it has one. */
function flavorOf(metadata: Record<string, unknown>): string | undefined {
  const flavor = metadata._flavor;
  return typeof flavor === 'string' && flavor !== '' ? flavor : undefined;
}

export class PooledMessageStore implements MessageStore {
  /** As Zaqar's pooling driver claims: every capability (each pool has its own). */
  readonly capabilities = [Capability.FIFO, Capability.CLAIMS, Capability.DURABILITY, Capability.AOD, Capability.HIGH_THROUGHPUT] as const;
  readonly messageController: RoutingMessageController;
  readonly claimController: RoutingClaimController;
  readonly subscriptionController: RoutingSubscriptionController;
  readonly queueDataController: RoutingQueueDataController;
  readonly queueLifecycle: QueueLifecycle;

  constructor(
    readonly catalog: Catalog,
    private readonly management: ManagementStore,
    private readonly logger: Logger,
  ) {
    // The cached store when the catalog has it (no promise), else the catalog asks the management store.
    const route = (queue: string, project: string | null) => catalog.cachedStoreFor(queue, project) ?? catalog.storeFor(queue, project);
    this.messageController = new RoutingMessageController(route);
    this.claimController = new RoutingClaimController(route, {
      poolOf: (queue, project) => catalog.poolOf(queue, project),
      place: (queue, project, pool) => catalog.place(queue, project, pool),
    });
    this.subscriptionController = new RoutingSubscriptionController(route);
    this.queueDataController = new RoutingQueueDataController(route);
    this.queueLifecycle = {
      // Placed before the management store records the queue, so no queue exists without a pool.
      async create(next, name, metadata, project) {
        await catalog.register(name, project, flavorOf(metadata));
        return next(name, metadata, project);
      },
      // The queue's data was purged by the message-queue handler before this runs.
      async delete(next, name, project) {
        await catalog.deregister(name, project);
        return next(name, project);
      },
    };
  }

  isAlive(): Promise<boolean> {
    return this.management.isAlive();
  }

  async health(): Promise<Record<string, unknown>> {
    return {};
  }

  /** `{catalog_reachable, "<pool>": <that pool's report>, ...}` over every registered pool. */
  async healthReport(): Promise<Record<string, unknown>> {
    const reachable = await this.management.isAlive().catch(() => false);
    const report: Record<string, unknown> = { catalog_reachable: reachable };
    if (!reachable) return report;
    const pools = await this.management.poolsController.list({ limit: 0 });
    for (const pool of pools.items) {
      report[pool.name] = await this.catalog.storeOf(pool.name).then(
        (store) => standardHealthReport(createStorage(this.management, store), store, this.logger),
        () => ({ storage_reachable: false }),
      );
    }
    return report;
  }

  async gc(): Promise<number> {
    let removed = 0;
    for (const store of (await this.catalog.openStores()).values()) removed += await store.gc().catch(() => 0);
    return removed;
  }

  close(): Promise<void> {
    return this.catalog.close();
  }

  /**
   * Post signals of every pool store, routed to the listener (a queue's
   * signal comes from the store of its pool): the stores open now, and
   * those opened while someone listens.
   */
  readonly signals: PostSignals = {
    listen: (listener) => {
      let stopped = false;
      const joined = new Set<MessageStore>();
      const stops: (() => void)[] = [];
      const join = (store: MessageStore) => {
        if (stopped || joined.has(store) || !store.signals) return;
        joined.add(store);
        stops.push(store.signals.listen(listener));
      };
      const stopOpened = this.catalog.onStoreOpened(join);
      void this.catalog
        .openStores()
        .then((stores) => {
          for (const store of stores.values()) join(store);
        })
        .catch(() => undefined);
      return () => {
        stopped = true;
        stopOpened();
        for (const stop of stops.splice(0)) stop();
      };
    },
  };
}
