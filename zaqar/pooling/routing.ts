/**
 * The routing controllers of the pooled message store (Zaqar's
 * `zaqar.storage.pooling` Message/Claim/Subscription controllers): every
 * call goes to the store of the pool the catalog names for its queue. A
 * queue no pool serves answers as Zaqar's pooling driver does: posts, gets
 * and `first` fail with QueueDoesNotExist, listings are empty, deletes are
 * no-ops; claims get nothing, and a claim id is unknown. Subscriptions
 * follow the messages: a subscription lives on its queue's pool.
 *
 * Dead-lettering happens inside one store, so a dead-letter queue must live
 * on the pool of the queue it serves (Zaqar requires it and strands the
 * messages otherwise). Before a claim that may dead-letter, the router
 * places a dead-letter queue that no pool holds yet, or that is still
 * empty, on the claimed queue's pool; one that holds messages elsewhere
 * gets the moved messages forwarded (posted there, then deleted here: new
 * ids, claim counts start again).
 */
import { ClaimDoesNotExist, QueueDoesNotExist, SubscriptionDoesNotExist } from '../storage/errors';
import type {
  ClaimController,
  ClaimInfo,
  ClaimOptions,
  MessageController,
  MessageListOptions,
  MessageStore,
  NewMessage,
  Page,
  Project,
  QueueDataController,
  QueueStats,
  StoredMessage,
  Subscription,
  SubscriptionController,
  SubscriptionUpdate,
} from '../storage/interfaces';

/** Finds the store of a queue's pool; undefined when no pool serves it. */
export type StoreRouter = (queue: string, project: Project) => Promise<MessageStore | undefined>;

export class RoutingMessageController implements MessageController {
  constructor(private readonly route: StoreRouter) {}

  private async store(queue: string, project: Project): Promise<MessageStore> {
    const store = await this.route(queue, project);
    if (store === undefined) throw new QueueDoesNotExist(queue, project);
    return store;
  }

  async list(queue: string, project: Project, options?: MessageListOptions): Promise<Page<StoredMessage>> {
    const store = await this.route(queue, project);
    return store ? store.messageController.list(queue, project, options) : { items: [] };
  }
  async first(queue: string, project: Project, sort?: 1 | -1): Promise<StoredMessage> {
    return (await this.store(queue, project)).messageController.first(queue, project, sort);
  }
  async get(queue: string, messageId: string, project: Project): Promise<StoredMessage> {
    return (await this.store(queue, project)).messageController.get(queue, messageId, project);
  }
  async bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]> {
    const store = await this.route(queue, project);
    return store ? store.messageController.bulkGet(queue, messageIds, project) : [];
  }
  async post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]> {
    return (await this.store(queue, project)).messageController.post(queue, messages, clientId, project);
  }
  async delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void> {
    await (await this.route(queue, project))?.messageController.delete(queue, messageId, project, claimId);
  }
  async bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void> {
    await (await this.route(queue, project))?.messageController.bulkDelete(queue, messageIds, project, claimIds);
  }
  async pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]> {
    const store = await this.route(queue, project);
    return store ? store.messageController.pop(queue, limit, project) : [];
  }
}

/** What the claim router needs to keep a dead-letter queue beside its queue. */
export interface DeadLetterPlacement {
  poolOf(queue: string, project: Project): Promise<string | undefined>;
  /** Puts `queue` on `pool` (a new catalogue entry, or a changed one). */
  place(queue: string, project: Project, pool: string): Promise<void>;
}

export class RoutingClaimController implements ClaimController {
  constructor(
    private readonly route: StoreRouter,
    private readonly placement?: DeadLetterPlacement,
  ) {}

  async create(queue: string, options: ClaimOptions, project: Project): Promise<{ claimId: string | null; messages: StoredMessage[] }> {
    const store = await this.route(queue, project);
    if (store === undefined) return { claimId: null, messages: [] };
    const forwardTo = options.deadLetter ? await this.keepDeadLettersBeside(queue, options.deadLetter.queue, project, store) : undefined;
    const claim = await store.claimController.create(queue, options, project);
    if (forwardTo !== undefined) await forward(store, forwardTo, options.deadLetter!.queue, project);
    return claim;
  }

  /**
   * Makes the dead-letter queue live on the queue's pool when it can; returns
   * the store that serves it when it stays elsewhere (moved messages are
   * then forwarded there).
   */
  private async keepDeadLettersBeside(queue: string, deadLetters: string, project: Project, store: MessageStore): Promise<MessageStore | undefined> {
    if (this.placement === undefined) return undefined;
    const pool = await this.placement.poolOf(queue, project);
    const current = await this.placement.poolOf(deadLetters, project);
    if (pool === undefined || current === pool) return undefined;
    const elsewhere = await this.route(deadLetters, project);
    const empty = elsewhere === undefined || (await elsewhere.queueDataController.stats(deadLetters, project)).messages.total === 0;
    if (empty) {
      await this.placement.place(deadLetters, project, pool);
      return undefined;
    }
    return elsewhere === store ? undefined : elsewhere;
  }
  async get(queue: string, claimId: string, project: Project): Promise<ClaimInfo> {
    const store = await this.route(queue, project);
    if (store === undefined) throw new ClaimDoesNotExist(claimId, queue, project);
    return store.claimController.get(queue, claimId, project);
  }
  async update(queue: string, claimId: string, options: { ttl: number; grace: number }, project: Project): Promise<void> {
    const store = await this.route(queue, project);
    if (store === undefined) throw new ClaimDoesNotExist(claimId, queue, project);
    return store.claimController.update(queue, claimId, options, project);
  }
  async delete(queue: string, claimId: string, project: Project): Promise<void> {
    await (await this.route(queue, project))?.claimController.delete(queue, claimId, project);
  }
}

/** Moves whatever the dead-letter queue holds in `from` to `to` (posted there, then deleted here). */
async function forward(from: MessageStore, to: MessageStore, queue: string, project: Project): Promise<void> {
  for (;;) {
    const page = await from.messageController.list(queue, project, { limit: 20, echo: true, includeClaimed: true, includeDelayed: true });
    if (page.items.length === 0) return;
    await to.messageController.post(queue, page.items.map((m) => ({ ttl: m.ttl, delay: 0, body: m.body, checksum: m.checksum })), '', project);
    await from.messageController.bulkDelete(queue, page.items.map((m) => m.id), project);
  }
}

const EMPTY_STATS: QueueStats = { messages: { claimed: 0, free: 0, total: 0 } };

export class RoutingQueueDataController implements QueueDataController {
  constructor(private readonly route: StoreRouter) {}

  async stats(queue: string, project: Project): Promise<QueueStats> {
    const store = await this.route(queue, project);
    return store ? store.queueDataController.stats(queue, project) : EMPTY_STATS;
  }
  async purge(queue: string, project: Project): Promise<void> {
    await (await this.route(queue, project))?.queueDataController.purge(queue, project);
  }
}

/**
 * On a queue no pool serves (Zaqar's router answers None to every call),
 * a create fails as a post does, with QueueDoesNotExist — the API creates
 * (and so places) a queue before subscribing to it, as Zaqar's does —;
 * reads find nothing, deletes do nothing, and calls by id do not find it.
 */
export class RoutingSubscriptionController implements SubscriptionController {
  constructor(private readonly route: StoreRouter) {}

  async list(queue: string, project: Project, options?: { marker?: string; limit?: number }): Promise<Page<Subscription>> {
    const store = await this.route(queue, project);
    return store ? store.subscriptionController.list(queue, project, options) : { items: [] };
  }
  async get(queue: string, subscriptionId: string, project: Project): Promise<Subscription> {
    const store = await this.route(queue, project);
    if (store === undefined) throw new SubscriptionDoesNotExist(subscriptionId);
    return store.subscriptionController.get(queue, subscriptionId, project);
  }
  async create(queue: string, subscriber: string, ttl: number, options: Record<string, unknown>, project: Project): Promise<string | null> {
    const store = await this.route(queue, project);
    if (store === undefined) throw new QueueDoesNotExist(queue, project);
    return store.subscriptionController.create(queue, subscriber, ttl, options, project);
  }
  async update(queue: string, subscriptionId: string, project: Project, fields: SubscriptionUpdate): Promise<void> {
    const store = await this.route(queue, project);
    if (store === undefined) throw new SubscriptionDoesNotExist(subscriptionId);
    return store.subscriptionController.update(queue, subscriptionId, project, fields);
  }
  async exists(queue: string, subscriptionId: string, project: Project): Promise<boolean> {
    const store = await this.route(queue, project);
    return store ? store.subscriptionController.exists(queue, subscriptionId, project) : false;
  }
  async delete(queue: string, subscriptionId: string, project: Project): Promise<void> {
    await (await this.route(queue, project))?.subscriptionController.delete(queue, subscriptionId, project);
  }
  async getWithSubscriber(queue: string, subscriber: string, project: Project): Promise<Subscription | null> {
    const store = await this.route(queue, project);
    return store ? store.subscriptionController.getWithSubscriber(queue, subscriber, project) : null;
  }
  async confirm(queue: string, subscriptionId: string, project: Project, confirmed: boolean): Promise<void> {
    const store = await this.route(queue, project);
    if (store === undefined) throw new SubscriptionDoesNotExist(subscriptionId);
    return store.subscriptionController.confirm(queue, subscriptionId, project, confirmed);
  }
}
