/**
 * Pools of the MongoDB management store (Zaqar's
 * `zaqar.storage.mongodb.pools`): collection `<database>.pools`, documents
 * `{n: name, u: uri, w: weight, o: options, f: flavor|null}` with unique
 * indexes `pools_name` (n) and `pools_uri` (u).
 *
 * Where the reference stores disagree, the contract is the conformance
 * suite's: a URI belongs to one pool (the unique index: PoolAlreadyExists),
 * getPoolsByFlavor(null) returns the pools without a flavor, and the last
 * pool of a flavor that exists cannot be deleted (Zaqar's MongoDB store
 * refuses it even when the flavor does not exist).
 */
import type { Collection } from 'mongodb';
import { PoolAlreadyExists, PoolDoesNotExist, PoolInUseByFlavor } from '../../../zaqar/storage/errors';
import type { Page, PoolRecord, PoolsController } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { fromBson, toBson } from './bson-json';
import { isDuplicateKey, type MongoCalls } from './calls';
import { RAW_NUMBERS } from './documents';

export interface PoolDocument {
  n: string;
  u: string;
  w: unknown;
  o?: unknown;
  f?: string | null;
}

type PoolFields = Partial<Omit<PoolRecord, 'name'>>;

export class MongoPoolsController implements PoolsController {
  constructor(
    private readonly pools: Collection<PoolDocument>,
    /** The flavors collection: whether a pool's flavor exists (delete). */
    private readonly flavors: Collection<{ n: string }>,
    private readonly calls: MongoCalls,
  ) {}

  async list(options: { marker?: string; limit?: number; detailed?: boolean } = {}): Promise<Page<PoolRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const filter = options.marker === undefined ? {} : { n: { $gt: options.marker } };
    // limit 0 lists every pool, as in Zaqar (and as MongoDB reads limit 0).
    const docs = await this.calls.idempotent('list pools', () =>
      this.pools.find(filter, RAW_NUMBERS).sort({ n: 1 }).limit(Math.max(0, limit)).toArray(),
    );
    const items = docs.map((doc) => toRecord(doc, options.detailed ?? false));
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  /** PUT semantics: the whole pool is replaced (missing options become {}). */
  async create(name: string, weight: number, uri: string, flavor: string | null, options: Record<string, unknown>): Promise<void> {
    const fields = { n: name, w: weight, u: uri, f: noFlavor(flavor), o: toBson(options ?? {}).value };
    await this.write(name, uri, () => this.pools.updateOne({ n: name }, { $set: fields }, { upsert: true }));
  }

  async get(name: string, detailed = false): Promise<PoolRecord> {
    const doc = await this.find(name);
    if (doc === null) throw new PoolDoesNotExist(name);
    return toRecord(doc, detailed);
  }

  async getPoolsByFlavor(flavor: string | null, detailed = false): Promise<PoolRecord[]> {
    const docs = await this.calls.idempotent('find pools', () =>
      this.pools.find({ f: noFlavor(flavor) }, RAW_NUMBERS).sort({ n: 1 }).toArray(),
    );
    return docs.map((doc) => toRecord(doc, detailed));
  }

  async exists(name: string): Promise<boolean> {
    return (await this.find(name)) !== null;
  }

  async update(name: string, fields: PoolFields): Promise<void> {
    const set: Record<string, unknown> = {};
    if (fields.uri !== undefined) set.u = fields.uri;
    if (fields.weight !== undefined) set.w = fields.weight;
    if (fields.flavor !== undefined) set.f = noFlavor(fields.flavor);
    if (fields.options !== undefined) set.o = toBson(fields.options).value;
    if (Object.keys(set).length === 0) {
      if (!(await this.exists(name))) throw new PoolDoesNotExist(name);
      return;
    }
    const result = await this.write(name, fields.uri, () => this.pools.updateOne({ n: name }, { $set: set }));
    if (result.matchedCount === 0) throw new PoolDoesNotExist(name);
  }

  async delete(name: string): Promise<void> {
    const pool = await this.find(name);
    if (pool === null) return;
    const flavor = pool.f;
    if (flavor) {
      const flavorExists = await this.calls.idempotent('find flavor', () => this.flavors.findOne({ n: flavor }, { projection: { _id: 1 } }));
      const inFlavor = await this.calls.idempotent('count pools', () => this.pools.countDocuments({ f: flavor }));
      if (flavorExists !== null && inFlavor === 1) throw new PoolInUseByFlavor(name, flavor);
    }
    await this.calls.idempotent('delete pool', () => this.pools.deleteOne({ n: name }));
  }

  async dropAll(): Promise<void> {
    // Zaqar drops the collection; deleting keeps the indexes in place.
    await this.calls.idempotent('drop pools', () => this.pools.deleteMany({}));
  }

  private find(name: string): Promise<PoolDocument | null> {
    return this.calls.idempotent('find pool', () => this.pools.findOne({ n: name }, RAW_NUMBERS));
  }

  /**
   * A write that may violate a unique index. Another pool's URI is looked
   * for first: FerretDB reports a unique violation by an update as an
   * internal error, not as a duplicate key, so the index alone would not
   * tell. The index still guards the race; a concurrent first upsert of the
   * same name is retried once (it then updates the pool the other created).
   */
  private async write<T>(name: string, uri: string | undefined, operation: () => Promise<T>): Promise<T> {
    const uriTaken = async () =>
      uri !== undefined &&
      (await this.calls.idempotent('find pool', () => this.pools.findOne({ u: uri, n: { $ne: name } }, { projection: { _id: 1 } }))) !== null;
    if (await uriTaken()) throw new PoolAlreadyExists();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.calls.idempotent('write pool', operation);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (attempt > 0 || (await uriTaken())) throw new PoolAlreadyExists();
      }
    }
  }
}

/** An empty-string flavor means "no flavor" (as in Zaqar's pools controllers). */
function noFlavor(flavor: string | null | undefined): string | null {
  return flavor ? flavor : null;
}

function toRecord(doc: PoolDocument, detailed: boolean): PoolRecord {
  const record: PoolRecord = { name: doc.n, uri: doc.u, weight: Number(fromBson(doc.w)), flavor: doc.f ?? null };
  if (detailed) {
    const options = fromBson(doc.o ?? {});
    record.options = typeof options === 'object' && options !== null && !Array.isArray(options) ? (options as Record<string, unknown>) : {};
  }
  return record;
}
