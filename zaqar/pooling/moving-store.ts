/**
 * A queue on the move between two pools, as one message store: while
 * `zaqar-manage queues move` (mover.ts) empties the old pool into the new
 * one, every API node serves the queue from both. New messages go to the
 * new pool; claims and pops take from the old pool first; reads, deletes
 * and claim calls by id go to whichever pool has the message or claim, so
 * a consumer holding a claim from the old pool deletes its messages there.
 * Stats are the sum of both. Subscriptions are copied to the new pool by
 * the mover; until then the old pool's are served too (MovingSubscriptions).
 */
import { ClaimDoesNotExist, DoesNotExist, QueueIsEmpty, SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../storage/errors';
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

/** Listing markers say which pool they belong to: `0:` the old one, `1:` the new one. */
const OLD = '0:';
const NEW = '1:';

/** The first call that does not fail with `missing` (an error class), in order. */
async function firstFound<T>(calls: (() => Promise<T>)[], missing: abstract new (...args: never[]) => Error): Promise<T> {
  let last: unknown;
  for (const call of calls) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof missing)) throw err;
      last = err;
    }
  }
  throw last;
}

class MovingMessages implements MessageController {
  constructor(
    private readonly from: MessageController,
    private readonly to: MessageController,
  ) {}

  async list(queue: string, project: Project, options: MessageListOptions = {}): Promise<Page<StoredMessage>> {
    const marker = options.marker;
    if (marker === undefined || marker.startsWith(OLD)) {
      const page = await this.from.list(queue, project, { ...options, marker: marker?.slice(OLD.length) || undefined });
      if (page.items.length > 0) return { items: page.items, next: page.next === undefined ? undefined : OLD + page.next };
    }
    const own = marker?.startsWith(NEW) ? marker.slice(NEW.length) : undefined;
    const page = await this.to.list(queue, project, { ...options, marker: own });
    return { items: page.items, next: page.next === undefined ? undefined : NEW + page.next };
  }
  first(queue: string, project: Project, sort: 1 | -1 = 1): Promise<StoredMessage> {
    const [older, newer] = [() => this.from.first(queue, project, sort), () => this.to.first(queue, project, sort)];
    return firstFound(sort === 1 ? [older, newer] : [newer, older], QueueIsEmpty);
  }
  get(queue: string, messageId: string, project: Project): Promise<StoredMessage> {
    return firstFound([() => this.to.get(queue, messageId, project), () => this.from.get(queue, messageId, project)], DoesNotExist);
  }
  async bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]> {
    const found = new Map<string, StoredMessage>();
    for (const m of [...(await this.from.bulkGet(queue, messageIds, project)), ...(await this.to.bulkGet(queue, messageIds, project))]) found.set(m.id, m);
    return messageIds.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }
  post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]> {
    return this.to.post(queue, messages, clientId, project);
  }
  async delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void> {
    // The message is in one pool at most; in the other it is unknown, which deletes nothing.
    await this.from.delete(queue, messageId, project, claimId);
    await this.to.delete(queue, messageId, project, claimId);
  }
  async bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void> {
    await this.from.bulkDelete(queue, messageIds, project, claimIds);
    await this.to.bulkDelete(queue, messageIds, project, claimIds);
  }
  async pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]> {
    const popped = await this.from.pop(queue, limit, project);
    return popped.length < limit ? [...popped, ...(await this.to.pop(queue, limit - popped.length, project))] : popped;
  }
}

class MovingClaims implements ClaimController {
  constructor(
    private readonly from: ClaimController,
    private readonly to: ClaimController,
  ) {}

  async create(queue: string, options: ClaimOptions, project: Project): Promise<{ claimId: string | null; messages: StoredMessage[] }> {
    const older = await this.from.create(queue, options, project);
    if (older.claimId !== null && older.messages.length > 0) return older;
    return this.to.create(queue, options, project);
  }
  get(queue: string, claimId: string, project: Project): Promise<ClaimInfo> {
    return firstFound([() => this.from.get(queue, claimId, project), () => this.to.get(queue, claimId, project)], ClaimDoesNotExist);
  }
  update(queue: string, claimId: string, options: { ttl: number; grace: number }, project: Project): Promise<void> {
    return firstFound([() => this.from.update(queue, claimId, options, project), () => this.to.update(queue, claimId, options, project)], ClaimDoesNotExist);
  }
  async delete(queue: string, claimId: string, project: Project): Promise<void> {
    await this.from.delete(queue, claimId, project);
    await this.to.delete(queue, claimId, project);
  }
}

/**
 * The mover copies each subscription to the new pool, then deletes it from
 * the old one (mover.ts), so a subscription is in one pool, or briefly in
 * both. Calls by id look in the new pool, then the old one (a copy has a
 * new id: ids are the stores' own); a subscriber is unique across both.
 */
class MovingSubscriptions implements SubscriptionController {
  constructor(
    private readonly from: SubscriptionController,
    private readonly to: SubscriptionController,
  ) {}

  /**
   * The old pool's subscriptions, then the new pool's (markers say which
   * pool, as for messages). A new-pool subscription whose subscriber is
   * still in the old pool was listed there already; one copied between the
   * two phases may be listed twice, never missed.
   */
  async list(queue: string, project: Project, options: { marker?: string; limit?: number } = {}): Promise<Page<Subscription>> {
    const marker = options.marker;
    if (marker === undefined || marker.startsWith(OLD)) {
      const page = await this.from.list(queue, project, { ...options, marker: marker?.slice(OLD.length) || undefined });
      if (page.items.length > 0) return { items: page.items, next: OLD + page.items[page.items.length - 1].id };
    }
    let own = marker?.startsWith(NEW) ? marker.slice(NEW.length) : undefined;
    for (;;) {
      const page = await this.to.list(queue, project, { ...options, marker: own });
      if (page.items.length === 0) return { items: [] };
      const items: Subscription[] = [];
      for (const subscription of page.items) {
        if ((await this.from.getWithSubscriber(queue, subscription.subscriber, project)) === null) items.push(subscription);
      }
      own = page.items[page.items.length - 1].id;
      // An empty page ends a listing: read on until something is left.
      if (items.length > 0) return { items, next: NEW + own };
    }
  }
  get(queue: string, subscriptionId: string, project: Project): Promise<Subscription> {
    return firstFound([() => this.to.get(queue, subscriptionId, project), () => this.from.get(queue, subscriptionId, project)], SubscriptionDoesNotExist);
  }
  async create(queue: string, subscriber: string, ttl: number, options: Record<string, unknown>, project: Project): Promise<string | null> {
    if ((await this.from.getWithSubscriber(queue, subscriber, project)) !== null) return null;
    return this.to.create(queue, subscriber, ttl, options, project);
  }
  async update(queue: string, subscriptionId: string, project: Project, fields: SubscriptionUpdate): Promise<void> {
    const [own, other] = (await this.to.exists(queue, subscriptionId, project)) ? [this.to, this.from] : [this.from, this.to];
    if (fields.subscriber !== undefined) {
      const current = await own.get(queue, subscriptionId, project);
      if (current.subscriber !== fields.subscriber && (await other.getWithSubscriber(queue, fields.subscriber, project)) !== null) {
        throw new SubscriptionAlreadyExists();
      }
    }
    return own.update(queue, subscriptionId, project, fields);
  }
  async exists(queue: string, subscriptionId: string, project: Project): Promise<boolean> {
    return (await this.to.exists(queue, subscriptionId, project)) || this.from.exists(queue, subscriptionId, project);
  }
  async delete(queue: string, subscriptionId: string, project: Project): Promise<void> {
    await this.from.delete(queue, subscriptionId, project);
    await this.to.delete(queue, subscriptionId, project);
  }
  async getWithSubscriber(queue: string, subscriber: string, project: Project): Promise<Subscription | null> {
    return (await this.to.getWithSubscriber(queue, subscriber, project)) ?? this.from.getWithSubscriber(queue, subscriber, project);
  }
  confirm(queue: string, subscriptionId: string, project: Project, confirmed: boolean): Promise<void> {
    return firstFound(
      [() => this.to.confirm(queue, subscriptionId, project, confirmed), () => this.from.confirm(queue, subscriptionId, project, confirmed)],
      SubscriptionDoesNotExist,
    );
  }
}

class MovingQueueData implements QueueDataController {
  constructor(
    private readonly from: QueueDataController,
    private readonly to: QueueDataController,
  ) {}

  async stats(queue: string, project: Project): Promise<QueueStats> {
    const [a, b] = [(await this.from.stats(queue, project)).messages, (await this.to.stats(queue, project)).messages];
    const messages: QueueStats['messages'] = { claimed: a.claimed + b.claimed, free: a.free + b.free, total: a.total + b.total };
    const oldest = a.oldest ?? b.oldest;
    const newest = b.newest ?? a.newest;
    if (oldest && newest) Object.assign(messages, { oldest, newest });
    return { messages };
  }
  async purge(queue: string, project: Project): Promise<void> {
    await this.from.purge(queue, project);
    await this.to.purge(queue, project);
  }
}

/** The queue's data as one store while it moves from `from` to `to` (only its routing controllers are used). */
export function movingStore(from: MessageStore, to: MessageStore): MessageStore {
  return {
    capabilities: to.capabilities,
    messageController: new MovingMessages(from.messageController, to.messageController),
    claimController: new MovingClaims(from.claimController, to.claimController),
    subscriptionController: new MovingSubscriptions(from.subscriptionController, to.subscriptionController),
    queueDataController: new MovingQueueData(from.queueDataController, to.queueDataController),
    isAlive: async () => (await from.isAlive()) && (await to.isAlive()),
    health: () => to.health(),
    gc: async () => 0,
    close: async () => undefined,
  };
}
