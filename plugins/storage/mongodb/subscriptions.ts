/**
 * Subscriptions of the MongoDB message store (Zaqar's
 * `zaqar.storage.mongodb.subscriptions`), in `<database>_subscriptions.subscriptions`:
 *
 *   _id   ObjectId   subscription id; its timestamp is the creation time (age counts from it)
 *   s     string     source: the queue's (or topic's) name
 *   u     string     subscriber URI
 *   t     int        ttl, seconds
 *   e     date       expiry (TTL index `ttl`; a ttl update moves it)
 *   o     document   options (BSON; exact JSON text in `oj` when BSON alone would lose it, sidecar.ts)
 *   p     string     project, null for the global namespace
 *   c     bool       confirmed (absent in documents written before confirmation existed: confirmed)
 *
 * Uniqueness by (s, u, p) is Zaqar's unique index, so one of two concurrent
 * creates wins. The TTL monitor is lazy (and missing on some servers), so
 * every read filters on `e` too, and an expired document that still holds
 * its subscriber is deleted before the subscriber is used again. Unlike
 * Zaqar, `exists`, `confirm` and `delete` are scoped by the queue as well
 * as the project.
 */
import type { Collection, ObjectId } from 'mongodb';
import { SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../../zaqar/storage/errors';
import type { Page, Project, Subscription, SubscriptionController, SubscriptionUpdate } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { isJsonObject } from '../../../zaqar/common/json';
import { bsonInteger, bsonNumber } from './bson-json';
import { isDuplicateKey, type MongoCalls } from './calls';
import { newObjectId, type Now, now, RAW_NUMBERS, toObjectId } from './documents';
import { encodeJson, storedJsonValue } from './sidecar';

export interface SubscriptionDocument {
  _id: ObjectId;
  s: string;
  u: string;
  t: unknown;
  e: Date;
  o: unknown;
  oj?: string;
  p: string | null;
  c?: boolean;
}

/** Zaqar's index names and keys, so a database shared with the Python server keeps one set. */
export const SUBSCRIPTION_UNIQUE_INDEX = { key: { s: 1, u: 1, p: 1 }, name: 's_1_u_1_p_1' } as const;

const live = (at: Now) => ({ e: { $gt: new Date(at.ms) } });
const expired = (at: Now) => ({ e: { $lte: new Date(at.ms) } });

export class MongoSubscriptionController implements SubscriptionController {
  constructor(
    private readonly collection: Collection<SubscriptionDocument>,
    private readonly calls: MongoCalls,
  ) {}

  async list(queue: string, project: Project, options: { marker?: string; limit?: number } = {}): Promise<Page<Subscription>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (limit <= 0) return { items: [] };
    const at = now();
    const filter: Record<string, unknown> = { s: queue, p: project, ...live(at) };
    if (options.marker !== undefined) {
      const after = toObjectId(options.marker);
      // A marker that is no id of ours names no position (Zaqar: `$gt: None`, which matches nothing).
      if (after === null) return { items: [] };
      filter._id = { $gt: after };
    }
    const docs = await this.calls.idempotent('list subscriptions', () =>
      this.collection.find(filter, RAW_NUMBERS).sort({ _id: 1 }).limit(limit).toArray(),
    );
    const items = docs.map((doc) => toSubscription(doc, at));
    return items.length > 0 ? { items, next: items[items.length - 1].id } : { items };
  }

  async get(queue: string, subscriptionId: string, project: Project): Promise<Subscription> {
    const at = now();
    const doc = await this.find(queue, subscriptionId, project, at);
    if (doc === null) throw new SubscriptionDoesNotExist(subscriptionId);
    return toSubscription(doc, at);
  }

  async create(queue: string, subscriber: string, ttl: number, options: Record<string, unknown>, project: Project): Promise<string | null> {
    const at = now();
    const stored = encodeJson(options ?? {});
    const doc: SubscriptionDocument = {
      _id: newObjectId(at),
      s: queue,
      u: subscriber,
      t: bsonInteger(ttl),
      e: new Date(at.ms + ttl * 1000),
      o: stored.bson,
      p: project,
      c: false,
    };
    if (stored.text !== undefined) doc.oj = stored.text;
    // One retry, after removing an expired holder of the subscriber; a live one means "already subscribed".
    for (let attempt = 0; ; attempt++) {
      try {
        // Not retried on connection failures: a lost acknowledgement would turn into "already subscribed".
        await this.calls.once(() => this.collection.insertOne(doc));
        return doc._id.toHexString();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (attempt > 0 || !(await this.dropExpiredHolder(queue, subscriber, project, at))) return null;
      }
    }
  }

  async update(queue: string, subscriptionId: string, project: Project, fields: SubscriptionUpdate): Promise<void> {
    const at = now();
    const current = await this.find(queue, subscriptionId, project, at);
    if (current === null) throw new SubscriptionDoesNotExist(subscriptionId);
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    if (fields.subscriber !== undefined && fields.subscriber !== current.u) {
      // Checked first: not every server reports a unique violation by an update as one (README.md).
      const holder = await this.calls.idempotent('find subscription', () =>
        this.collection.findOne({ s: queue, u: fields.subscriber, p: project, ...live(at) }, { projection: { _id: 1 } }),
      );
      if (holder !== null) throw new SubscriptionAlreadyExists();
      await this.dropExpiredHolder(queue, fields.subscriber, project, at);
      set.u = fields.subscriber;
    }
    if (fields.ttl !== undefined) {
      set.t = bsonInteger(fields.ttl);
      set.e = new Date(at.ms + fields.ttl * 1000);
    }
    if (fields.options !== undefined) {
      const stored = encodeJson(fields.options);
      set.o = stored.bson;
      if (stored.text === undefined) unset.oj = '';
      else set.oj = stored.text;
    }
    const update = { ...(Object.keys(set).length > 0 ? { $set: set } : {}), ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) };
    if (Object.keys(update).length === 0) return;
    let matched: number;
    try {
      ({ matchedCount: matched } = await this.calls.idempotent('update subscription', () =>
        this.collection.updateOne({ _id: current._id, p: project, s: queue, ...live(at) }, update),
      ));
    } catch (err) {
      // The subscriber was taken between the check and the update.
      if (isDuplicateKey(err)) throw new SubscriptionAlreadyExists();
      throw err;
    }
    if (matched === 0) throw new SubscriptionDoesNotExist(subscriptionId);
  }

  async exists(queue: string, subscriptionId: string, project: Project): Promise<boolean> {
    return (await this.find(queue, subscriptionId, project, now())) !== null;
  }

  async delete(queue: string, subscriptionId: string, project: Project): Promise<void> {
    const id = toObjectId(subscriptionId);
    if (id === null) return;
    await this.calls.idempotent('delete subscription', () => this.collection.deleteOne({ _id: id, p: project, s: queue }));
  }

  async getWithSubscriber(queue: string, subscriber: string, project: Project): Promise<Subscription | null> {
    const at = now();
    const doc = await this.calls.idempotent('find subscription', () =>
      this.collection.findOne({ s: queue, u: subscriber, p: project, ...live(at) }, RAW_NUMBERS),
    );
    return doc === null ? null : toSubscription(doc, at);
  }

  async confirm(queue: string, subscriptionId: string, project: Project, confirmed: boolean): Promise<void> {
    const id = toObjectId(subscriptionId);
    const at = now();
    const matched =
      id === null
        ? 0
        : (
            await this.calls.idempotent('confirm subscription', () =>
              this.collection.updateOne({ _id: id, p: project, s: queue, ...live(at) }, { $set: { c: confirmed } }),
            )
          ).matchedCount;
    if (matched === 0) throw new SubscriptionDoesNotExist(subscriptionId);
  }

  /** Deletes expired subscriptions (where the server has no TTL indexes); returns how many. */
  async collect(): Promise<number> {
    const at = now();
    return (await this.calls.idempotent('delete expired subscriptions', () => this.collection.deleteMany(expired(at)))).deletedCount;
  }

  private async find(queue: string, subscriptionId: string, project: Project, at: Now): Promise<SubscriptionDocument | null> {
    const id = toObjectId(subscriptionId);
    if (id === null) return null;
    return this.calls.idempotent('find subscription', () => this.collection.findOne({ _id: id, p: project, s: queue, ...live(at) }, RAW_NUMBERS));
  }

  /** Deletes the expired subscription still holding (queue, subscriber, project) in the unique index; true when there was one. */
  private async dropExpiredHolder(queue: string, subscriber: string, project: Project, at: Now): Promise<boolean> {
    const { deletedCount } = await this.calls.idempotent('delete expired subscription', () =>
      this.collection.deleteOne({ s: queue, u: subscriber, p: project, ...expired(at) }),
    );
    return deletedCount > 0;
  }
}

/** Zaqar's `_basic_subscription`. */
function toSubscription(doc: SubscriptionDocument, at: Now): Subscription {
  const options = storedJsonValue(doc.o ?? {}, doc.oj);
  return {
    id: doc._id.toHexString(),
    source: doc.s,
    subscriber: doc.u,
    ttl: bsonNumber(doc.t) ?? 0,
    age: Math.max(0, at.s - Math.floor(doc._id.getTimestamp().getTime() / 1000)),
    options: isJsonObject(options) ? options : {},
    confirmed: doc.c === undefined || doc.c === null ? true : doc.c === true,
  };
}
