/**
 * MessageController of the MongoDB message store (Zaqar's
 * `zaqar.storage.mongodb.messages`), on Zaqar's document layout (documents.ts).
 *
 * Differences from Zaqar's driver, all reference defects:
 * - reads skip expired messages themselves (MongoDB's TTL monitor is lazy);
 * - posts use the FIFO marker protocol with atomic batch visibility
 *   (publisher.ts), also for single messages;
 * - the client id is stored as a string (a non-UUID Client-ID fails in
 *   Zaqar), binary UUIDs written by Zaqar are still matched by `echo`;
 * - pop is FIFO, skips delayed and unfinished messages, takes messages
 *   under the same locks as claims (never the same one twice, never one a
 *   claim took), and goes on until it has `limit` messages or none is left;
 * - single delete deletes on condition that the claim state it checked
 *   still holds (Zaqar checks, then deletes unconditionally), and treats an
 *   expired claim as no claim;
 * - bulk delete with claim ids checks every message (Zaqar's Redis rule).
 */
import type { Collection, ObjectId } from 'mongodb';
import { decideBulkDelete, decideDelete, throwIfBulkRefused, throwIfRefused } from '../../../zaqar/storage/delete-rules';
import { MessageDoesNotExist, QueueIsEmpty } from '../../../zaqar/storage/errors';
import type { MessageController, MessageListOptions, NewMessage, Page, Project, StoredMessage } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { bsonInteger } from './bson-json';
import type { MongoCalls } from './calls';
import { type ClaimLocks, inLockedEpoch } from './claim-locks';
import type { MarkerCounter } from './counters';
import {
  claimable,
  clientIdForms,
  liveClaimId,
  markerOf,
  type MessageDocument,
  type MessageFilter,
  newObjectId,
  now,
  type Now,
  RAW_NUMBERS,
  toObjectId,
  toStoredMessage,
  unclaimed,
  undelayed,
  visible,
} from './documents';
import type { Partitions } from './partitions';
import type { FifoPublisher } from './publisher';
import { scopeOf } from './scope';
import { encodeJson } from './sidecar';

/** A conditional delete that loses a race re-checks the message; it settles within a couple of rounds. */
const DELETE_ROUNDS = 5;
/** Candidate rounds of one pop; each lost round means other takers progressed. */
const POP_ROUNDS = 50;

export class MongoMessageController implements MessageController {
  constructor(
    private readonly partitions: Partitions,
    private readonly counter: MarkerCounter,
    private readonly publisher: FifoPublisher,
    private readonly locks: ClaimLocks,
    private readonly calls: MongoCalls,
  ) {}

  async list(queue: string, project: Project, options: MessageListOptions = {}): Promise<Page<StoredMessage>> {
    const after = parseMarker(options.marker);
    if (after === null) return { items: [] };
    const at = now();
    // Filters run in the query, so pages are full whenever enough messages match.
    const filter: MessageFilter = { ...visible(scopeOf(queue, project), at) };
    if (after !== undefined) filter.k = { $gt: after };
    if (!options.includeClaimed) Object.assign(filter, unclaimed(at));
    if (!options.includeDelayed) Object.assign(filter, undelayed(at));
    if (!options.echo && options.clientId !== undefined) filter.u = { $nin: clientIdForms(options.clientId) };
    const docs = await this.find(queue, project, filter, { k: 1 }, options.limit ?? DEFAULT_PAGE_SIZE);
    if (docs.length === 0) return { items: [] };
    return { items: docs.map((doc) => toStoredMessage(doc, at)), next: String(markerOf(docs[docs.length - 1])) };
  }

  async first(queue: string, project: Project, sort: 1 | -1 = 1): Promise<StoredMessage> {
    if (sort !== 1 && sort !== -1) throw new RangeError('sort must be either 1 (ascending) or -1 (descending)');
    const at = now();
    // Claimed and delayed messages count (Zaqar leaves delayed ones out, so
    // stats of a queue whose messages are all delayed broke: a defect).
    const [doc] = await this.find(queue, project, visible(scopeOf(queue, project), at), { k: sort }, 1);
    if (doc === undefined) throw new QueueIsEmpty(queue, project);
    return toStoredMessage(doc, at);
  }

  async get(queue: string, messageId: string, project: Project): Promise<StoredMessage> {
    const id = toObjectId(messageId);
    const at = now();
    const [doc] = id ? await this.find(queue, project, { _id: id, ...visible(scopeOf(queue, project), at) }, undefined, 1) : [];
    if (doc === undefined) throw new MessageDoesNotExist(messageId, queue, project);
    return toStoredMessage(doc, at);
  }

  async bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]> {
    const ids = validIds(messageIds);
    if (ids.length === 0) return [];
    const at = now();
    const docs = await this.find(queue, project, { _id: { $in: objectIds(ids) }, ...visible(scopeOf(queue, project), at) });
    const found = new Map(docs.map((doc) => [doc._id.toHexString(), doc]));
    // Requested order; each message once, however often it was asked for.
    const result: StoredMessage[] = [];
    for (const id of new Set(messageIds.map((m) => m.toLowerCase()))) {
      const doc = found.get(id);
      if (doc !== undefined) result.push(toStoredMessage(doc, at));
    }
    return result;
  }

  async post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]> {
    if (messages.length === 0) return [];
    await this.counter.prepare(queue, project);
    const at = now();
    const scope = scopeOf(queue, project);
    const collection = this.partitions.messagesOf(queue, project);
    // Ids are fixed once: an attempt that collides is undone before the next.
    const docs = messages.map((message) => newDocument(scope, message, clientId, at));
    await this.publisher.publish(collection, queue, project, docs.length, {
      write: async (first, tx) => {
        const batch = docs.map((doc, i) => withMarker(doc, first + i, tx));
        await collection.insertMany(batch, { ordered: true });
        return true;
      },
      undo: (tx) => this.calls.idempotent('undo post', () => collection.deleteMany({ tx })).then(() => undefined),
    });
    return docs.map((doc) => doc._id.toHexString());
  }

  async delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void> {
    const id = toObjectId(messageId);
    if (id === null) return; // malformed: cannot exist, so deleting it succeeds
    const scope = scopeOf(queue, project);
    const collection = this.partitions.messagesOf(queue, project);
    // `?? undefined`: a null claim id from a JavaScript caller means "no claim id".
    const given = claimId ?? undefined;

    for (let round = 0; round < DELETE_ROUNDS; round++) {
      const at = now();
      const [doc] = await this.find(queue, project, { _id: id, ...visible(scope, at) }, undefined, 1);
      // Unknown, expired or another queue's/project's message: already gone.
      if (doc === undefined) return;

      const heldBy = liveClaimId(doc, at);
      const cid = given === undefined ? null : toObjectId(given);
      const outcome = await decideDelete(heldBy, cid?.toHexString() ?? given, given === undefined || cid !== null, () =>
        this.claimIsLive(queue, project, cid!, at),
      );
      throwIfRefused(outcome, messageId, given, queue, project);
      const condition: MessageFilter = cid === null ? unclaimed(at) : { 'c.id': cid, 'c.e': { $gt: at.s } };
      // The checked state is the delete's condition: a claim taken (or
      // lost) in between makes it miss, and the next round re-decides.
      const { deletedCount } = await this.calls.idempotent('delete message', () =>
        collection.deleteOne({ _id: id, p_q: scope, ...condition }),
      );
      if (deletedCount === 1) return;
    }
  }

  async bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void> {
    const ids = objectIds(validIds(messageIds));
    if (ids.length === 0) return;
    const scope = scopeOf(queue, project);
    const collection = this.partitions.messagesOf(queue, project);
    if (claimIds === undefined) {
      // Without claim ids, listed messages go regardless of claims (as in Zaqar).
      await this.calls.idempotent('bulk delete', () => collection.deleteMany({ _id: { $in: ids }, p_q: scope }));
      return;
    }
    // With claim ids (Redis/Swift rule): every listed message that exists
    // must be held by a live claim among `claimIds`; all are checked first.
    const at = now();
    const docs = await this.find(queue, project, { _id: { $in: ids }, ...visible(scope, at) });
    const found = new Map(docs.map((doc) => [doc._id.toHexString(), doc]));
    const allowed = new Set(claimIds.map((id) => id.toLowerCase()));
    const listed = messageIds.flatMap((messageId) => {
      const doc = found.get(messageId.toLowerCase());
      return doc === undefined ? [] : [{ id: messageId, heldBy: liveClaimId(doc, at) }];
    });
    const decision = decideBulkDelete(listed, allowed);
    if (decision.outcome !== 'OK') throwIfBulkRefused(decision.outcome, decision.subject, queue, project);
    // Conditional on the checked claims: a message released meanwhile stays.
    const held = objectIds([...allowed]);
    await this.calls.idempotent('bulk delete', () =>
      collection.deleteMany({ _id: { $in: ids }, p_q: scope, 'c.id': { $in: held }, 'c.e': { $gt: at.s } }),
    );
  }

  async pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]> {
    const at = now();
    const scope = scopeOf(queue, project);
    const collection = this.partitions.messagesOf(queue, project);
    const taken: MessageDocument[] = [];
    // Oldest first. Each candidate is locked in its claim epoch, as claims
    // do (claim-locks.ts), then removed by a delete conditional on that
    // epoch; a delete by id removes a document once, so concurrent pops
    // never share a message either. Lost candidates are replaced by the next.
    await this.locks.takeInRounds(
      this.partitions.locksOf(queue, project),
      newObjectId(at),
      at,
      { limit, maxRounds: POP_ROUNDS },
      (wanted) => this.find(queue, project, claimable(scope, at), { k: 1 }, wanted),
      async (locked) => {
        const before = taken.length;
        for (const doc of locked) {
          // Not retried: a lost acknowledgement would look like a lost race.
          const { deletedCount } = await this.calls.once(() =>
            collection.deleteOne({ $and: [claimable(scope, at), inLockedEpoch([doc])] }),
          );
          if (deletedCount === 1) taken.push(doc);
        }
        return taken.length - before;
      },
    );
    return taken.sort((a, b) => markerOf(a) - markerOf(b)).map((doc) => toStoredMessage(doc, at));
  }

  /** Whether any message of the queue carries the claim with an unexpired claim (Zaqar's claim existence). */
  private async claimIsLive(queue: string, project: Project, cid: ObjectId, at: Now): Promise<boolean> {
    const docs = await this.find(
      queue,
      project,
      { ...visible(scopeOf(queue, project), at), 'c.id': cid, 'c.e': { $gt: at.s } },
      undefined,
      1,
      { _id: 1 },
    );
    return docs.length > 0;
  }

  /** A read of message documents (numbers keep their BSON types, for exact bodies). */
  private find(
    queue: string,
    project: Project,
    filter: MessageFilter,
    sort?: Record<string, 1 | -1>,
    limit?: number,
    projection?: Record<string, 1>,
  ): Promise<MessageDocument[]> {
    const collection: Collection<MessageDocument> = this.partitions.messagesOf(queue, project);
    return this.calls.idempotent('find messages', () => {
      let cursor = collection.find(filter, { ...RAW_NUMBERS, projection });
      if (sort) cursor = cursor.sort(sort);
      if (limit !== undefined) cursor = cursor.limit(limit);
      return cursor.toArray() as Promise<MessageDocument[]>;
    });
  }
}

/** A new message document (marker and tx are set per attempt, see withMarker). */
function newDocument(scope: string, message: NewMessage, clientId: string, at: Now): Omit<MessageDocument, 'k' | 'tx'> {
  // Zaqar stores {} for a message without body.
  const body = encodeJson(message.body === undefined ? {} : message.body);
  const doc: Omit<MessageDocument, 'k' | 'tx'> = {
    _id: newObjectId(at),
    p_q: scope,
    t: bsonInteger(message.ttl),
    e: new Date(at.ms + message.ttl * 1000),
    u: clientId,
    c: { id: null, e: bsonInteger(at.s), c: bsonInteger(0) },
    d: bsonInteger(at.s + message.delay),
    b: body.bson,
  };
  if (body.text !== undefined) doc.bj = body.text;
  if (message.checksum !== undefined) doc.cs = message.checksum;
  return doc;
}

/** The document of one attempt, fields in Zaqar's order (`k`, `tx` before `cs`). */
function withMarker(doc: Omit<MessageDocument, 'k' | 'tx'>, marker: number, tx: ObjectId): MessageDocument {
  const { cs, ...head } = doc;
  const full: MessageDocument = { ...head, k: bsonInteger(marker), tx };
  if (cs !== undefined) full.cs = cs;
  return full;
}

/** Well-formed ids only (malformed ones are skipped, never errors). */
function validIds(messageIds: string[]): string[] {
  return messageIds.filter((id) => toObjectId(id) !== null).map((id) => id.toLowerCase());
}

/** The well-formed ids among `ids`, as ObjectIds. */
function objectIds(ids: string[]): ObjectId[] {
  return ids.map(toObjectId).filter((id): id is ObjectId => id !== null);
}

/**
 * A paging marker: the decimal marker `k` of the last message seen.
 * No marker (or '', which Zaqar treats as none) → undefined, start at the
 * head; anything else that is not a decimal integer → null: an empty page.
 */
function parseMarker(marker: string | undefined): number | undefined | null {
  if (marker === undefined || marker === '') return undefined;
  return /^\d{1,16}$/.test(marker) ? Number(marker) : null;
}
