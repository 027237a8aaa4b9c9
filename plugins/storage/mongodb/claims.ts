/**
 * ClaimController of the MongoDB message store (Zaqar's
 * `zaqar.storage.mongodb.claims`).
 *
 * As in Zaqar, a claim has no document of its own: it is the claim field
 * `c = {id, e, t, c}` of the messages it holds. A claim exists while at
 * least one (visible) message carries its id with an unexpired `c.e`;
 * `ttl` is `c.t` and `age` is `now − (c.e − c.t)`. Releasing a claim moves
 * its expiry to now and keeps its id on the messages (Zaqar clears the id;
 * either way `c.e <= now` reads as unclaimed), which keeps every message's
 * claim epoch unique for the claim locks.
 *
 * Fixed reference defects:
 * - every candidate is checked on its own (claimable: unclaimed or claim
 *   expired, not delayed, not expired, finalised) and taken under a lock on
 *   its claim epoch (claim-locks.ts), so concurrent claimers never share a
 *   message even on servers without atomic conditional updates; each
 *   claimer reads back only the messages carrying its own id. A claimer
 *   that lost candidates to others takes the next ones, so it does not
 *   come back short while claimable messages remain (in Zaqar, a claimer
 *   that loses a race gets fewer messages);
 * - delayed messages are never claimed, whatever the queue's default delay;
 * - the claim count (`c.c`) survives renewal and release (Zaqar replaces the
 *   whole claim field and loses it); it only counts in dead-letter mode;
 * - dead-letter moves: see dead-letter.ts.
 */
import type { ObjectId } from 'mongodb';
import { ClaimDoesNotExist } from '../../../zaqar/storage/errors';
import type { ClaimController, ClaimInfo, ClaimOptions, Project, StoredMessage } from '../../../zaqar/storage/interfaces';
import { bsonInteger, bsonNumber } from './bson-json';
import type { MongoCalls } from './calls';
import { type ClaimLocks, inLockedEpoch } from './claim-locks';
import { activeDeadLetter, type DeadLetterMover } from './dead-letter';
import { claimable, type MessageDocument, type MessageFilter, newObjectId, now, type Now, RAW_NUMBERS, toObjectId, toStoredMessage, visible } from './documents';
import type { Partitions } from './partitions';
import { scopeOf } from './scope';

/** Candidate rounds of one claim; each lost round means other claimers progressed. */
const MAX_CLAIM_ROUNDS = 50;

type CreateResult = { claimId: string | null; messages: StoredMessage[] };

export class MongoClaimController implements ClaimController {
  constructor(
    private readonly partitions: Partitions,
    private readonly deadLetters: DeadLetterMover,
    private readonly locks: ClaimLocks,
    private readonly calls: MongoCalls,
  ) {}

  async create(queue: string, options: ClaimOptions, project: Project): Promise<CreateResult> {
    const at = now();
    const scope = scopeOf(queue, project);
    const collection = this.partitions.messagesOf(queue, project);
    const claimId = newObjectId(at);
    const expires = at.s + options.ttl;
    const deadLetter = activeDeadLetter(options);

    // Tag candidates oldest first: lock their claim epochs (claim-locks.ts),
    // then update those still claimable in the locked epoch. Only messages
    // carrying our id are ours.
    const tag: Record<string, unknown> = {
      $set: { 'c.id': claimId, 'c.e': bsonInteger(expires), 'c.t': bsonInteger(options.ttl) },
    };
    // Without dead-lettering the count is not maintained (as in Zaqar).
    if (deadLetter) tag.$inc = { 'c.c': bsonInteger(1) };
    const tagged = await this.locks.takeInRounds(
      this.partitions.locksOf(queue, project),
      claimId,
      at,
      { limit: options.limit, maxRounds: MAX_CLAIM_ROUNDS },
      (wanted) => this.read(queue, project, claimable(scope, at), wanted, { _id: 1, c: 1 }),
      async (locked) => {
        // Not retried: after a lost acknowledgement the messages would stay
        // tagged with this id until the claim expires (as in Zaqar).
        const { modifiedCount } = await this.calls.once(() =>
          collection.updateMany({ $and: [claimable(scope, at), inLockedEpoch(locked)] }, tag),
        );
        return modifiedCount;
      },
    );
    if (tagged === 0) return { claimId: null, messages: [] };

    await this.extendLifetimes(queue, project, claimId, expires, options);
    if (deadLetter) await this.deadLetters.moveExhausted(queue, project, claimId, deadLetter, at);

    const messages = await this.claimed(queue, project, claimId, at);
    if (messages.length === 0) return { claimId: null, messages: [] };
    return { claimId: claimId.toHexString(), messages: messages.map((doc) => toStoredMessage(doc, at)) };
  }

  async get(queue: string, claimId: string, project: Project): Promise<ClaimInfo> {
    const cid = toObjectId(claimId);
    const at = now();
    const docs = cid ? await this.claimed(queue, project, cid, at) : [];
    if (docs.length === 0) throw new ClaimDoesNotExist(claimId, queue, project);
    const ttl = bsonNumber(docs[0].c.t) ?? 0;
    const expires = bsonNumber(docs[0].c.e) ?? at.s;
    return {
      id: claimId,
      ttl,
      age: Math.max(0, at.s - (expires - ttl)),
      messages: docs.map((doc) => toStoredMessage(doc, at)),
    };
  }

  async update(queue: string, claimId: string, options: { ttl: number; grace: number }, project: Project): Promise<void> {
    const cid = toObjectId(claimId);
    if (cid === null) throw new ClaimDoesNotExist(claimId, queue, project);
    const at = now();
    const expires = at.s + options.ttl;
    // Only a live claim is renewed; the claim count (c.c) is left alone.
    const { matchedCount } = await this.calls.idempotent('renew claim', () =>
      this.partitions
        .messagesOf(queue, project)
        .updateMany(this.liveClaimFilter(queue, project, cid, at), {
          $set: { 'c.e': bsonInteger(expires), 'c.t': bsonInteger(options.ttl) },
        }),
    );
    if (matchedCount === 0) throw new ClaimDoesNotExist(claimId, queue, project);
    await this.extendLifetimes(queue, project, cid, expires, options);
  }

  async delete(queue: string, claimId: string, project: Project): Promise<void> {
    const cid = toObjectId(claimId);
    if (cid === null) return; // release is idempotent; a malformed id holds nothing
    const at = now();
    // Claimable at once: the claim expires now; ttl extensions and
    // the claim count stay. The claim id stays too (Zaqar clears it): a
    // claim whose expiry passed is no claim for either server, and the id
    // keeps the message's claim epoch unique (claim-locks.ts).
    await this.calls.idempotent('release claim', () =>
      this.partitions
        .messagesOf(queue, project)
        .updateMany(
          { p_q: scopeOf(queue, project), 'c.id': cid, 'c.e': { $gt: at.s } },
          { $set: { 'c.e': bsonInteger(at.s) }, $unset: { 'c.t': '' } },
        ),
    );
  }

  /**
   * On claim and renewal, a message that would expire before its claim lives
   * until claim expiry + grace, and reports ttl = claim ttl + grace.
   */
  private async extendLifetimes(
    queue: string,
    project: Project,
    claimId: ObjectId,
    claimExpires: number,
    options: { ttl: number; grace: number },
  ): Promise<void> {
    await this.calls.idempotent('extend claimed messages', () =>
      this.partitions.messagesOf(queue, project).updateMany(
        { p_q: scopeOf(queue, project), 'c.id': claimId, e: { $lt: new Date(claimExpires * 1000) } },
        {
          $set: {
            e: new Date((claimExpires + options.grace) * 1000),
            t: bsonInteger(options.ttl + options.grace),
          },
        },
      ),
    );
  }

  private liveClaimFilter(queue: string, project: Project, claimId: ObjectId, at: Now): MessageFilter {
    return { ...visible(scopeOf(queue, project), at), 'c.id': claimId, 'c.e': { $gt: at.s } };
  }

  /** The visible messages still held by the live claim, in marker order. */
  private claimed(queue: string, project: Project, claimId: ObjectId, at: Now): Promise<MessageDocument[]> {
    return this.read(queue, project, this.liveClaimFilter(queue, project, claimId, at));
  }

  private read(queue: string, project: Project, filter: MessageFilter, limit?: number, projection?: Record<string, 1>): Promise<MessageDocument[]> {
    const collection = this.partitions.messagesOf(queue, project);
    return this.calls.idempotent('find messages', () => {
      const cursor = collection.find(filter, { ...RAW_NUMBERS, projection }).sort({ k: 1 });
      return (limit === undefined ? cursor : cursor.limit(limit)).toArray() as Promise<MessageDocument[]>;
    });
  }
}
