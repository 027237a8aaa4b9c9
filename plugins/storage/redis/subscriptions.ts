/**
 * SubscriptionController of the Redis message store (Zaqar's
 * `zaqar.storage.redis.subscriptions`): Zaqar 15's layout, one Lua script
 * per operation (scripts/subscriptions.ts), so uniqueness holds under
 * concurrent creates and updates, on one API server or many.
 *
 * Options are MessagePack as the reference writes them, with `o.j` holding
 * the exact JSON when MessagePack cannot spell it (json-fields.ts).
 */
import { SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../../zaqar/storage/errors';
import { newId } from '../../../zaqar/storage/ids';
import type { Page, Project, Subscription, SubscriptionController, SubscriptionUpdate } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { decodeJsonObjectField, encodeJsonField } from './json-fields';
import { QueueKeys } from './keys';
import { asArray, asBuffer, asNumber, asRequiredText, asText, type Reply } from './lua';
import { ageSeconds } from './message-fields';
import { CONFIRM, CREATE, DELETE, GET, GET_WITH_SUBSCRIBER, LIST, SUBSCRIPTION_FIELDS, UPDATE } from './scripts/subscriptions';

/** Reply entries per subscription: the id and its fields. */
const ENTRY_SIZE = 1 + SUBSCRIPTION_FIELDS.length;

export class RedisSubscriptionController implements SubscriptionController {
  constructor(private readonly redis: RedisConnection) {}

  async list(queue: string, project: Project, options: { marker?: string; limit?: number } = {}): Promise<Page<Subscription>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (limit <= 0) return { items: [] };
    const min = options.marker ? `(${options.marker}` : '-';
    const now = Date.now();
    const items = readSubscriptions(asArray(await this.redis.read(LIST, [setOf(queue, project)], [now, min, limit])), now);
    return items.length > 0 ? { items, next: items[items.length - 1].id } : { items };
  }

  async get(queue: string, subscriptionId: string, project: Project): Promise<Subscription> {
    const now = Date.now();
    const [subscription] = readSubscriptions(asArray(await this.redis.read(GET, [setOf(queue, project)], [now, subscriptionId])), now);
    if (subscription === undefined) throw new SubscriptionDoesNotExist(subscriptionId);
    return subscription;
  }

  async create(queue: string, subscriber: string, ttl: number, options: Record<string, unknown>, project: Project): Promise<string | null> {
    const id = newId();
    const [packed, exact] = encodeJsonField(options ?? {});
    const reply = await this.redis.write(
      CREATE,
      [setOf(queue, project)],
      [Date.now(), id, queue, subscriber, ttl, packed, exact, project ?? ''],
      (r) => r === 1,
    );
    return asNumber(reply) === 1 ? id : null;
  }

  async update(queue: string, subscriptionId: string, project: Project, fields: SubscriptionUpdate): Promise<void> {
    const [packed, exact] = fields.options === undefined ? ['', ''] : encodeJsonField(fields.options);
    const reply = asNumber(
      await this.redis.write(
        UPDATE,
        [setOf(queue, project)],
        [Date.now(), subscriptionId, fields.subscriber ?? '', fields.ttl ?? '', fields.options === undefined ? 0 : 1, packed, exact],
        (r) => r === 1,
      ),
    );
    if (reply === 0) throw new SubscriptionDoesNotExist(subscriptionId);
    if (reply === -1) throw new SubscriptionAlreadyExists();
  }

  async exists(queue: string, subscriptionId: string, project: Project): Promise<boolean> {
    return asArray(await this.redis.read(GET, [setOf(queue, project)], [Date.now(), subscriptionId])).length > 0;
  }

  async delete(queue: string, subscriptionId: string, project: Project): Promise<void> {
    await this.redis.write(DELETE, [setOf(queue, project), subscriptionId], [], (r) => r === 1);
  }

  async getWithSubscriber(queue: string, subscriber: string, project: Project): Promise<Subscription | null> {
    const now = Date.now();
    const reply = asArray(await this.redis.read(GET_WITH_SUBSCRIBER, [setOf(queue, project)], [now, subscriber]));
    return readSubscriptions(reply, now)[0] ?? null;
  }

  async confirm(queue: string, subscriptionId: string, project: Project, confirmed: boolean): Promise<void> {
    const reply = await this.redis.write(CONFIRM, [setOf(queue, project)], [Date.now(), subscriptionId, confirmed ? 1 : 0], (r) => r === 1);
    if (asNumber(reply) === 0) throw new SubscriptionDoesNotExist(subscriptionId);
  }
}

/** `P.Q.subscriptions`. */
function setOf(queue: string, project: Project): string {
  return new QueueKeys(queue, project).subscriptions;
}

/** The subscriptions of a script reply (entries of an id and SUBSCRIPTION_FIELDS). */
function readSubscriptions(values: Reply[], now: number): Subscription[] {
  const subscriptions: Subscription[] = [];
  for (let i = 0; i + ENTRY_SIZE <= values.length; i += ENTRY_SIZE) {
    const [id, source, subscriber, ttl, expires, options, exactOptions, confirmed] = values.slice(i, i + ENTRY_SIZE);
    const seconds = asNumber(ttl);
    subscriptions.push({
      id: asRequiredText(id),
      source: asRequiredText(source),
      subscriber: asRequiredText(subscriber),
      ttl: seconds,
      // Since creation or the last ttl change: the reference's `e - t`.
      age: ageSeconds(asNumber(expires) - seconds, now),
      options: decodeJsonObjectField(asBuffer(options), asText(exactOptions)),
      // Records written without the flag read as confirmed (Zaqar's default).
      confirmed: confirmed === null ? true : asNumber(confirmed) !== 0,
    });
  }
  return subscriptions;
}
