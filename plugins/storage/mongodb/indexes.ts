/**
 * Indexes of the message collections, with Zaqar's names and keys so a
 * database shared with the Python server keeps one set.
 *
 * `queue_marker` (k, p_q) is unique, as in Zaqar's FIFO driver: the marker
 * protocol (publisher.ts) relies on it to detect parallel posts. A database
 * written by Zaqar's plain `mongodb` driver has it non-unique; it is rebuilt
 * unique (markers there are unique anyway: they come from an atomic counter).
 *
 * The `ttl` index lets MongoDB reap expired messages. Servers without TTL
 * indexes (FerretDB 1.x answers NotImplemented) get a plain index of the
 * same name, and the driver deletes expired messages itself (`gc`); reads
 * never depend on reaping either way, they filter on `e`.
 */
import { type Collection, type Document, type IndexDescription, MongoServerError } from 'mongodb';
import type { Logger } from '../../../zaqar/common/logger';
import { isDuplicateKey, type MongoCalls } from './calls';

export const MARKER_INDEX = 'queue_marker';
export const TTL_INDEX = 'ttl';

/** Zaqar's message indexes except `ttl` (created apart, see above). */
export const MESSAGE_INDEXES: readonly IndexDescription[] = [
  // Listing, claiming: scope, then marker order, then claim expiry.
  { key: { p_q: 1, k: 1, 'c.e': 1 }, name: 'active' },
  // Claim lookups.
  { key: { p_q: 1, 'c.id': 1, k: 1, 'c.e': 1 }, name: 'claimed' },
  // Stats counts.
  { key: { p_q: 1, 'c.e': 1 }, name: 'counting' },
  { key: { k: 1, p_q: 1 }, name: MARKER_INDEX, unique: true },
  // Finalising two-phase writes.
  { key: { tx: 1 }, name: 'transaction' },
];

/** Error codes of servers that do not implement an index option. */
const NOT_SUPPORTED = new Set([115, 238]); // CommandNotSupported, NotImplemented

interface ExistingIndex {
  name?: string;
  unique?: boolean;
  expireAfterSeconds?: number;
}

async function existingIndexes<T extends Document>(collection: Collection<T>, calls: MongoCalls): Promise<ExistingIndex[]> {
  try {
    return (await calls.idempotent('list indexes', () => collection.indexes())) as ExistingIndex[];
  } catch (err) {
    if (err instanceof MongoServerError && err.code === 26) return []; // NamespaceNotFound: a new collection
    throw err;
  }
}

/**
 * Creates the message indexes of one partition; returns whether the server
 * reaps expired messages by itself (TTL index).
 */
export async function ensureMessageIndexes<T extends Document>(collection: Collection<T>, calls: MongoCalls, logger: Logger): Promise<boolean> {
  const existing = await existingIndexes(collection, calls);
  const marker = existing.find((index) => index.name === MARKER_INDEX);
  if (marker !== undefined && marker.unique !== true) await makeMarkerIndexUnique(collection, calls, logger);

  const ttlSupported = await ensureTtlIndex(collection, existing, calls, logger);
  // Only the missing ones: FerretDB 1.24 panics (and drops the connection)
  // on a createIndexes whose indexes mostly exist already.
  const names = new Set(existing.map((index) => index.name));
  const missing = MESSAGE_INDEXES.filter((index) => !names.has(index.name));
  if (missing.length > 0) await calls.idempotent('create indexes', () => collection.createIndexes([...missing]));
  return ttlSupported;
}

/**
 * The `ttl` index on `e`, unless the collection has one; false when the
 * server has no TTL indexes (the index is then a plain one). An existing
 * `ttl` index is kept as it is (asking FerretDB for a TTL index over its
 * plain one makes it drop the connection).
 */
async function ensureTtlIndex<T extends Document>(collection: Collection<T>, existing: ExistingIndex[], calls: MongoCalls, logger: Logger): Promise<boolean> {
  const ttl = existing.find((index) => index.name === TTL_INDEX);
  if (ttl !== undefined) return ttl.expireAfterSeconds !== undefined;
  return createTtlIndex(collection, calls, logger);
}

/**
 * Indexes of `<database>_subscriptions.subscriptions`, Zaqar's: unique
 * (s, u, p) and `ttl` on `e`. Returns whether the server reaps expired
 * subscriptions by itself.
 */
export async function ensureSubscriptionIndexes<T extends Document>(
  collection: Collection<T>,
  unique: { key: Record<string, 1>; name: string },
  calls: MongoCalls,
  logger: Logger,
): Promise<boolean> {
  const existing = await existingIndexes(collection, calls);
  if (!existing.some((index) => index.name === unique.name)) {
    await calls.idempotent('create index', () => collection.createIndex(unique.key, { name: unique.name, unique: true }));
  }
  return ensureTtlIndex(collection, existing, calls, logger);
}

/** The `ttl` index; false (and a plain index on `e`) when the server has no TTL indexes. */
async function createTtlIndex<T extends Document>(collection: Collection<T>, calls: MongoCalls, logger: Logger): Promise<boolean> {
  try {
    await calls.idempotent('create index', () => collection.createIndex({ e: 1 }, { name: TTL_INDEX, expireAfterSeconds: 0 }));
    return true;
  } catch (err) {
    if (!(err instanceof MongoServerError && typeof err.code === 'number' && NOT_SUPPORTED.has(err.code))) throw err;
    logger.warn(
      { collection: collection.namespace },
      'MongoDB: the server has no TTL indexes; expired documents are deleted by the driver every minute',
    );
    await calls.idempotent('create index', () => collection.createIndex({ e: 1 }, { name: TTL_INDEX }));
    return false;
  }
}

async function makeMarkerIndexUnique<T extends Document>(collection: Collection<T>, calls: MongoCalls, logger: Logger): Promise<void> {
  logger.warn({ collection: collection.namespace }, `MongoDB: rebuilding index ${MARKER_INDEX} as unique (FIFO markers)`);
  const spec = MESSAGE_INDEXES.find((index) => index.name === MARKER_INDEX)!;
  await calls.idempotent('drop index', () => collection.dropIndex(MARKER_INDEX).catch(() => undefined));
  try {
    await calls.idempotent('create index', () => collection.createIndex(spec.key, { name: MARKER_INDEX, unique: true }));
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Leave the database as it was and refuse to run on it.
    await calls.idempotent('create index', () => collection.createIndex(spec.key, { name: MARKER_INDEX }));
    throw new Error(
      `${collection.namespace} holds messages with duplicate markers (k, p_q); ` +
        `index ${MARKER_INDEX} cannot be made unique, which the MongoDB message store requires`,
    );
  }
}

/** Counter documents of `messages.stats` (used without a MongoDB management store): one per queue. */
export async function ensureCounterIndexes<T extends Document>(collection: Collection<T>, calls: MongoCalls): Promise<void> {
  await calls.idempotent('create index', () => collection.createIndex({ p_q: 1 }, { name: 'p_q_1', unique: true }));
}

/**
 * Claim locks (claim-locks.ts): found by owner on release, reaped after
 * expiry by a TTL index where the server has them (else by the driver's gc).
 */
export async function ensureLockIndexes<T extends Document>(collection: Collection<T>, calls: MongoCalls, ttlSupported: boolean): Promise<void> {
  const existing = await existingIndexes(collection, calls);
  if (!existing.some((index) => index.name === TTL_INDEX)) {
    const ttl = ttlSupported ? { expireAfterSeconds: 0 } : {};
    await calls.idempotent('create index', () => collection.createIndex({ e: 1 }, { name: TTL_INDEX, ...ttl }));
  }
  await calls.idempotent('create index', () => collection.createIndex({ o: 1 }, { name: 'owner' }));
}
