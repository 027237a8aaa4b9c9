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

/**
 * Finds the store of a queue's pool; undefined when no pool serves it. It
 * answers at once (no promise) when the catalog has it cached, which is
 * nearly always: the routers then call the store without a tick of their own.
 */
export type StoreRouter = (queue: string, project: Project) => MessageStore | undefined | Promise<MessageStore | undefined>;

/** `call` with the routed store, as soon as it is known; a synchronous throw becomes a rejection. */
function via<T>(routed: MessageStore | undefined | Promise<MessageStore | undefined>, call: (store: MessageStore | undefined) => Promise<T>): Promise<T> {
  if (routed instanceof Promise) return routed.then(call);
  try {
    return call(routed);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The store, or QueueDoesNotExist when no pool serves the queue. */
function served(store: MessageStore | undefined, queue: string, project: Project): MessageStore {
  if (store === undefined) throw new QueueDoesNotExist(queue, project);
  return store;
}

const NOTHING = Promise.resolve();

export class RoutingMessageController implements MessageController {
  constructor(private readonly route: StoreRouter) {}

  list(queue: string, project: Project, options?: MessageListOptions): Promise<Page<StoredMessage>> {
    return via(this.route(queue, project), (store) => (store ? store.messageController.list(queue, project, options) : Promise.resolve({ items: [] })));
  }
  first(queue: string, project: Project, sort?: 1 | -1): Promise<StoredMessage> {
    return via(this.route(queue, project), (store) => served(store, queue, project).messageController.first(queue, project, sort));
  }
  get(queue: string, messageId: string, project: Project): Promise<StoredMessage> {
    return via(this.route(queue, project), (store) => served(store, queue, project).messageController.get(queue, messageId, project));
  }
  bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]> {
    return via(this.route(queue, project), (store) => (store ? store.messageController.bulkGet(queue, messageIds, project) : Promise.resolve([])));
  }
  post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]> {
    return via(this.route(queue, project), (store) => served(store, queue, project).messageController.post(queue, messages, clientId, project));
  }
  delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void> {
    return via(this.route(queue, project), (store) => (store ? store.messageController.delete(queue, messageId, project, claimId) : NOTHING));
  }
  bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void> {
    return via(this.route(queue, project), (store) => (store ? store.messageController.bulkDelete(queue, messageIds, project, claimIds) : NOTHING));
  }
  pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]> {
    return via(this.route(queue, project), (store) => (store ? store.messageController.pop(queue, limit, project) : Promise.resolve([])));
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

  create(queue: string, options: ClaimOptions, project: Project): Promise<{ claimId: string | null; messages: StoredMessage[] }> {
    return via(this.route(queue, project), (store) => {
      if (store === undefined) return Promise.resolve({ claimId: null, messages: [] });
      return options.deadLetter ? this.createWithDeadLetters(queue, options, project, store) : store.claimController.create(queue, options, project);
    });
  }

  private async createWithDeadLetters(queue: string, options: ClaimOptions, project: Project, store: MessageStore): Promise<{ claimId: string | null; messages: StoredMessage[] }> {
    const forwardTo = await this.keepDeadLettersBeside(queue, options.deadLetter!.queue, project, store);
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
  get(queue: string, claimId: string, project: Project): Promise<ClaimInfo> {
    return via(this.route(queue, project), (store) => claimed(store, claimId, queue, project).claimController.get(queue, claimId, project));
  }
  update(queue: string, claimId: string, options: { ttl: number; grace: number }, project: Project): Promise<void> {
    return via(this.route(queue, project), (store) => claimed(store, claimId, queue, project).claimController.update(queue, claimId, options, project));
  }
  delete(queue: string, claimId: string, project: Project): Promise<void> {
    return via(this.route(queue, project), (store) => (store ? store.claimController.delete(queue, claimId, project) : NOTHING));
  }
}

/** The store, or ClaimDoesNotExist when no pool serves the queue. */
function claimed(store: MessageStore | undefined, claimId: string, queue: string, project: Project): MessageStore {
  if (store === undefined) throw new ClaimDoesNotExist(claimId, queue, project);
  return store;
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

  stats(queue: string, project: Project): Promise<QueueStats> {
    return via(this.route(queue, project), (store) => (store ? store.queueDataController.stats(queue, project) : Promise.resolve(EMPTY_STATS)));
  }
  purge(queue: string, project: Project): Promise<void> {
    return via(this.route(queue, project), (store) => (store ? store.queueDataController.purge(queue, project) : NOTHING));
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
