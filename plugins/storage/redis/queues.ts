/**
 * Queue records of the Redis management store (Zaqar's
 * `zaqar.storage.redis.queues`), in Zaqar's `P.queues_set` / `P.Q` layout.
 *
 * Beyond the reference: creation is atomic (one winner), names with dots
 * list correctly, listing honours the `name` substring and metadata
 * `filters` (as MongoDB does) while still filling pages, and metadata JSON
 * round-trips exactly (`m.j`, json-fields.ts).
 */
import { dumpJson } from '../../../zaqar/common/json';
import { QueueDoesNotExist, StorageError } from '../../../zaqar/storage/errors';
import type {
  Page,
  Project,
  QueueController,
  QueueListing,
  QueueListOptions,
  QueueMetadata,
} from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { decodeJsonObjectField, encodeJsonField } from './json-fields';
import { QueueKeys, queueMemberPrefix, queuesSetKey } from './keys';
import { asArray, asBuffer, asNumber, asRequiredText, asText } from './lua';
import { CREATE, DELETE, GET, LIST, SET_METADATA } from './scripts/queues';

/** Queues read per call while filters are dropping some. */
const FILTER_BATCH = 100;

export class RedisQueueController implements QueueController {
  constructor(private readonly redis: RedisConnection) {}

  async list(project: Project, options: QueueListOptions = {}): Promise<Page<QueueListing>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (limit <= 0) return { items: [] };
    const prefix = queueMemberPrefix(project);
    const filters = Object.entries(options.filters ?? {}).map(([key, value]) => [key, dumpJson(value)] as const);
    const filtering = filters.length > 0 || Boolean(options.name);
    const withMetadata = filters.length > 0 || Boolean(options.detailed);

    const items: QueueListing[] = [];
    // Members are `P.<name>`, all with score 1: lexicographic order is name order.
    let min = options.marker ? `(${prefix}${options.marker}` : '-';
    for (;;) {
      const batch = filtering ? FILTER_BATCH : limit - items.length;
      const reply = asArray(await this.redis.read(LIST, [queuesSetKey(project)], [min, batch, withMetadata ? 1 : 0]));
      const step = withMetadata ? 3 : 1;
      for (let i = 0; i < reply.length && items.length < limit; i += step) {
        const member = asRequiredText(reply[i]);
        min = `(${member}`;
        // The name is what follows the project prefix — never a split on '.' (queue `a.b` is `a.b`).
        if (!member.startsWith(prefix)) continue;
        const name = member.slice(prefix.length);
        if (options.name && !name.includes(options.name)) continue;
        const metadata = withMetadata ? decodeJsonObjectField(asBuffer(reply[i + 1]), asText(reply[i + 2])) : undefined;
        // Exact match: same JSON value (so 1 matches 1 but neither "1" nor true).
        if (filters.some(([key, expected]) => metadata?.[key] === undefined || dumpJson(metadata[key]) !== expected)) continue;
        items.push(options.detailed ? { name, metadata } : { name });
      }
      if (items.length >= limit || reply.length < batch * step) break;
    }
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  async get(name: string, project: Project): Promise<QueueMetadata> {
    return (await this.read(name, project)) ?? {};
  }

  async getMetadata(name: string, project: Project): Promise<QueueMetadata> {
    const metadata = await this.read(name, project);
    if (metadata === undefined) throw new QueueDoesNotExist(name, project);
    return metadata;
  }

  async setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void> {
    const keys = new QueueKeys(name, project);
    const reply = await this.redis.write(SET_METADATA, [keys.queuesSet, keys.queue], encodeJsonField(metadata), (r) => r === 1);
    if (reply !== 1) throw new QueueDoesNotExist(name, project);
  }

  async create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean> {
    const keys = new QueueKeys(name, project);
    const [packed, exact] = encodeJsonField(metadata ?? {});
    const reply = asNumber(
      await this.redis.write(CREATE, [keys.queuesSet, keys.queue], [packed, exact, Math.floor(Date.now() / 1000)], (r) => r === 1),
    );
    if (reply === -1) {
      throw new StorageError(
        `Redis key ${keys.queue} already holds another record (Zaqar's key layout gives it to queue ${name} too); queue not created`,
      );
    }
    return reply === 1;
  }

  async exists(name: string, project: Project): Promise<boolean> {
    const keys = new QueueKeys(name, project);
    return (await this.redis.command(['ZSCORE', keys.queuesSet, keys.queue])) !== null;
  }

  async delete(name: string, project: Project): Promise<void> {
    const keys = new QueueKeys(name, project);
    await this.redis.write(DELETE, [keys.queuesSet, keys.queue], [], (r) => r === 1);
  }

  async count(project: Project): Promise<number> {
    return asNumber(await this.redis.command(['ZCARD', queuesSetKey(project)]));
  }

  /** The queue's metadata, or undefined when it does not exist. */
  private async read(name: string, project: Project): Promise<QueueMetadata | undefined> {
    const keys = new QueueKeys(name, project);
    const reply = asArray(await this.redis.read(GET, [keys.queuesSet, keys.queue], []));
    if (reply.length === 0) return undefined;
    return decodeJsonObjectField(asBuffer(reply[0]), asText(reply[1]));
  }
}
