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
 */
import type { Collection, UpdateFilter } from 'mongodb';
import { QueueDoesNotExist } from '../../../zaqar/storage/errors';
import type {
  Page,
  Project,
  QueueController,
  QueueListing,
  QueueListOptions,
  QueueMetadata,
} from '../../../zaqar/storage/interfaces';
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

export class MongoQueueController implements QueueController {
  constructor(
    private readonly collection: Collection<QueueDocument>,
    private readonly calls: MongoCalls,
  ) {}

  async list(project: Project, options: QueueListOptions = {}): Promise<Page<QueueListing>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (limit <= 0) return { items: [] };
    const filter = projectScopeFilter(project, { marker: options.marker, nameContains: options.name, filters: options.filters });
    const projection = options.detailed ? { p_q: 1, m: 1, mj: 1 } : { p_q: 1 };
    const docs = await this.calls.idempotent('list queues', () =>
      this.collection.find(filter, { ...RAW_NUMBERS, projection }).sort({ p_q: 1 }).limit(limit).toArray(),
    );
    const items = docs.map((doc): QueueListing => {
      const listing: QueueListing = { name: parseScope(doc.p_q).queue };
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
    if (doc === null) throw new QueueDoesNotExist(name, project);
    return metadataOf(doc);
  }

  async setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void> {
    const stored = encodeJson(metadata ?? {});
    const update: UpdateFilter<QueueDocument> =
      stored.text === undefined ? { $set: { m: stored.bson }, $unset: { mj: '' as const } } : { $set: { m: stored.bson, mj: stored.text } };
    const { matchedCount } = await this.calls.idempotent('set metadata', () =>
      this.collection.updateOne({ p_q: scopeOf(name, project) }, update),
    );
    if (matchedCount === 0) throw new QueueDoesNotExist(name, project);
  }

  async create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean> {
    const stored = encodeJson(metadata ?? {});
    // Counting starts at 1; `t` is the UNIX second of the last increment (Zaqar's `_create`).
    const doc: QueueDocument = { p_q: scopeOf(name, project), m: stored.bson, c: { v: 1, t: 0 } };
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
    const doc = await this.calls.idempotent('find queue', () =>
      this.collection.findOne({ p_q: scopeOf(name, project) }, { projection: { _id: 1 } }),
    );
    return doc !== null;
  }

  async delete(name: string, project: Project): Promise<void> {
    await this.calls.idempotent('delete queue', () => this.collection.deleteOne({ p_q: scopeOf(name, project) }));
  }

  async count(project: Project): Promise<number> {
    return this.calls.idempotent('count queues', () => this.collection.countDocuments(projectScopeFilter(project)));
  }

  private find(name: string, project: Project): Promise<QueueDocument | null> {
    return this.calls.idempotent('find queue', () =>
      this.collection.findOne({ p_q: scopeOf(name, project) }, { ...RAW_NUMBERS, projection: { m: 1, mj: 1, p_q: 1 } }),
    );
  }
}

/** The metadata of a queue document (Zaqar: `m`, `{}` when absent). */
function metadataOf(doc: QueueDocument): QueueMetadata {
  const value = storedJsonValue(doc.m ?? {}, doc.mj);
  return isJsonObject(value) ? value : {};
}
