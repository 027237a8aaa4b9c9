/**
 * Queue records of the MongoDB management store (Zaqar's
 * `zaqar.storage.mongodb.queues`): `<database>_queues.queues`, one document
 * per queue `{p_q, m: metadata, c: {v, t}}` (the message counter,
 * counters.ts) with a unique index on `p_q`, so exactly one of several
 * concurrent creators wins.
 *
 * Metadata is stored as BSON in `m` (metadata filters query it), with its
 * exact JSON text in `mj` when BSON would not give it back (sidecar.ts).
 *
 * Unlike Zaqar, the `name` filter is a literal substring (Zaqar builds a
 * regular expression from it unescaped) and `count` is a real count.
 *
 * Topic records (Zaqar's `zaqar.storage.mongodb.topics`) are the same
 * documents with the scope in `p_t`, in `<database>_topics.topics`.
 */
import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';
import { type DoesNotExist, QueueDoesNotExist, TopicDoesNotExist } from '../../../zaqar/storage/errors';
import type { Page, Project, QueueController, QueueListing, QueueListOptions, QueueMetadata } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { isJsonObject } from '../../../zaqar/common/json';
import { isDuplicateKey, type MongoCalls } from './calls';
import type { CounterDocument } from './counters';
import { RAW_NUMBERS } from './documents';
import { parseScope, projectScopeFilter, scopeOf } from './scope';
import { encodeJson, storedJsonValue } from './sidecar';

export interface QueueDocument extends CounterDocument {
  m?: unknown;
  mj?: string;
}

/** A topic document: a queue document with its scope in `p_t`. */
export interface TopicDocument extends Omit<QueueDocument, 'p_q'> {
  p_t: string;
}

/** How a kind of record is stored: the field holding its scope, and what a missing one throws. */
export interface RecordKind {
  key: 'p_q' | 'p_t';
  missing: new (name: string, project: Project) => DoesNotExist;
}

export const QUEUES: RecordKind = { key: 'p_q', missing: QueueDoesNotExist };
export const TOPICS: RecordKind = { key: 'p_t', missing: TopicDoesNotExist };

type RecordDocument = Document & { m?: unknown; mj?: string };

export class MongoQueueController implements QueueController {
  private readonly collection: Collection<RecordDocument>;

  constructor(
    collection: Collection<QueueDocument> | Collection<TopicDocument>,
    private readonly calls: MongoCalls,
    private readonly kind: RecordKind = QUEUES,
  ) {
    this.collection = collection as unknown as Collection<RecordDocument>;
  }

  /** The filter of one record. */
  private scoped(name: string, project: Project): Filter<RecordDocument> {
    return { [this.kind.key]: scopeOf(name, project) };
  }

  async list(project: Project, options: QueueListOptions = {}): Promise<Page<QueueListing>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (limit <= 0) return { items: [] };
    const { key } = this.kind;
    const filter = projectScopeFilter(project, { marker: options.marker, nameContains: options.name, filters: options.filters }, key);
    const projection = options.detailed ? { [key]: 1, m: 1, mj: 1 } : { [key]: 1 };
    const docs = await this.calls.idempotent('list queues', () =>
      this.collection.find(filter, { ...RAW_NUMBERS, projection }).sort({ [key]: 1 }).limit(limit).toArray(),
    );
    const items = docs.map((doc): QueueListing => {
      const listing: QueueListing = { name: parseScope(String(doc[key])).queue };
      if (options.detailed) listing.metadata = metadataOf(doc);
      return listing;
    });
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  async get(name: string, project: Project): Promise<QueueMetadata> {
    const doc = await this.find(name, project);
    return doc === null ? {} : metadataOf(doc);
  }

  async getMetadata(name: string, project: Project): Promise<QueueMetadata> {
    const doc = await this.find(name, project);
    if (doc === null) throw new this.kind.missing(name, project);
    return metadataOf(doc);
  }

  async setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void> {
    const stored = encodeJson(metadata ?? {});
    const update: UpdateFilter<RecordDocument> =
      stored.text === undefined ? { $set: { m: stored.bson }, $unset: { mj: '' as const } } : { $set: { m: stored.bson, mj: stored.text } };
    const { matchedCount } = await this.calls.idempotent('set metadata', () => this.collection.updateOne(this.scoped(name, project), update));
    if (matchedCount === 0) throw new this.kind.missing(name, project);
  }

  async create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean> {
    const stored = encodeJson(metadata ?? {});
    // Counting starts at 1; `t` is the UNIX second of the last increment (Zaqar's `_create`).
    const doc: RecordDocument = { [this.kind.key]: scopeOf(name, project), m: stored.bson, c: { v: 1, t: 0 } };
    if (stored.text !== undefined) doc.mj = stored.text;
    try {
      // Not retried (Zaqar neither): after a lost acknowledgement the retry
      // would report "already existed" for the queue this call created.
      await this.calls.once(() => this.collection.insertOne(doc));
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async exists(name: string, project: Project): Promise<boolean> {
    const doc = await this.calls.idempotent('find queue', () => this.collection.findOne(this.scoped(name, project), { projection: { _id: 1 } }));
    return doc !== null;
  }

  async delete(name: string, project: Project): Promise<void> {
    await this.calls.idempotent('delete queue', () => this.collection.deleteOne(this.scoped(name, project)));
  }

  async count(project: Project): Promise<number> {
    return this.calls.idempotent('count queues', () => this.collection.countDocuments(projectScopeFilter(project, {}, this.kind.key)));
  }

  private find(name: string, project: Project): Promise<RecordDocument | null> {
    return this.calls.idempotent('find queue', () =>
      this.collection.findOne(this.scoped(name, project), { ...RAW_NUMBERS, projection: { m: 1, mj: 1, [this.kind.key]: 1 } }),
    );
  }
}

/** The metadata of a queue (topic) document (Zaqar: `m`, `{}` when absent). */
function metadataOf(doc: RecordDocument): QueueMetadata {
  const value = storedJsonValue(doc.m ?? {}, doc.mj);
  return isJsonObject(value) ? value : {};
}
