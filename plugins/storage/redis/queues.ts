/**
 * Queue records of the Redis management store (Zaqar's
 * `zaqar.storage.redis.queues`), in Zaqar's `P.queues_set` / `P.Q` layout;
 * topic records the same way in `P%topics` / `P%topics.T` (keys.ts).
 *
 * Beyond the reference: creation is atomic (one winner), names with dots
 * list correctly, listing honours the `name` substring and metadata
 * `filters` (as MongoDB does) while still filling pages, and metadata JSON
 * round-trips exactly (`m.j`, json-fields.ts).
 */
import { dumpJson } from '../../../zaqar/common/json';
import { type DoesNotExist, QueueDoesNotExist, StorageError, TopicDoesNotExist } from '../../../zaqar/storage/errors';
import type { Page, Project, QueueController, QueueListing, QueueListOptions, QueueMetadata } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { decodeJsonObjectField, encodeJsonField } from './json-fields';
import { queueMemberPrefix, queuesSetKey, topicMemberPrefix, topicsSetKey } from './keys';
import { asArray, asBuffer, asNumber, asRequiredText, asText } from './lua';
import { CREATE, DELETE, GET, LIST, SET_METADATA } from './scripts/queues';

/** Queues read per call while filters are dropping some. */
const FILTER_BATCH = 100;

/** Where a kind of record lives: its set per project, and the prefix of its members (each a record's hash key). */
export interface RecordKeys {
  what: 'queue' | 'topic';
  setKey(project: Project): string;
  memberPrefix(project: Project): string;
  /** What a missing record throws. */
  missing: new (name: string, project: Project) => DoesNotExist;
}

export const QUEUES: RecordKeys = { what: 'queue', setKey: queuesSetKey, memberPrefix: queueMemberPrefix, missing: QueueDoesNotExist };
export const TOPICS: RecordKeys = { what: 'topic', setKey: topicsSetKey, memberPrefix: topicMemberPrefix, missing: TopicDoesNotExist };

export class RedisQueueController implements QueueController {
  constructor(
    private readonly redis: RedisConnection,
    private readonly records: RecordKeys = QUEUES,
  ) {}

  /** The record's set and hash keys. */
  private keys(name: string, project: Project): [set: string, hash: string] {
    return [this.records.setKey(project), this.records.memberPrefix(project) + name];
  }

  async list(project: Project, options: QueueListOptions = {}): Promise<Page<QueueListing>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (limit <= 0) return { items: [] };
    const prefix = this.records.memberPrefix(project);
    const filters = Object.entries(options.filters ?? {}).map(([key, value]) => [key, dumpJson(value)] as const);
    const filtering = filters.length > 0 || Boolean(options.name);
    const withMetadata = filters.length > 0 || Boolean(options.detailed);

    const items: QueueListing[] = [];
    // Members are `P.<name>`, all with score 1: lexicographic order is name order.
    let min = options.marker ? `(${prefix}${options.marker}` : '-';
    for (;;) {
      const batch = filtering ? FILTER_BATCH : limit - items.length;
      const reply = asArray(await this.redis.read(LIST, [this.records.setKey(project)], [min, batch, withMetadata ? 1 : 0]));
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
    if (metadata === undefined) throw new this.records.missing(name, project);
    return metadata;
  }

  async setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void> {
    const reply = await this.redis.write(SET_METADATA, this.keys(name, project), encodeJsonField(metadata), (r) => r === 1);
    if (reply !== 1) throw new this.records.missing(name, project);
  }

  async create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean> {
    const keys = this.keys(name, project);
    const [packed, exact] = encodeJsonField(metadata ?? {});
    const reply = asNumber(await this.redis.write(CREATE, keys, [packed, exact, Math.floor(Date.now() / 1000)], (r) => r === 1));
    if (reply === -1) {
      const { what } = this.records;
      throw new StorageError(
        `Redis key ${keys[1]} already holds another record (Zaqar's key layout gives it to ${what} ${name} too); ${what} not created`,
      );
    }
    return reply === 1;
  }

  async exists(name: string, project: Project): Promise<boolean> {
    return (await this.redis.command(['ZSCORE', ...this.keys(name, project)])) !== null;
  }

  async delete(name: string, project: Project): Promise<void> {
    await this.redis.write(DELETE, this.keys(name, project), [], (r) => r === 1);
  }

  async count(project: Project): Promise<number> {
    return asNumber(await this.redis.command(['ZCARD', this.records.setKey(project)]));
  }

  /** The record's metadata, or undefined when it does not exist. */
  private async read(name: string, project: Project): Promise<QueueMetadata | undefined> {
    const reply = asArray(await this.redis.read(GET, this.keys(name, project), []));
    if (reply.length === 0) return undefined;
    return decodeJsonObjectField(asBuffer(reply[0]), asText(reply[1]));
  }
}
