/**
 * Per-message locks that make taking a message (claim or pop) exclusive on
 * every MongoDB-compatible server.
 *
 * MongoDB applies a conditional update atomically per document, so Zaqar's
 * "update where still claimable" is enough there. FerretDB 1.x is not:
 * it reads the matching documents, then writes them back by `_id`, so two
 * concurrent claimers both "modify" the same message and both return it.
 * What every such server does enforce atomically is a unique index.
 *
 * So a taker first inserts a lock document whose `_id` names the message
 * and its claim epoch — `<message id>:<claim id>` (`new` before the first
 * claim). Claim ids are fresh ObjectIds and a release keeps the claim id
 * (only its expiry moves to now), so an epoch never recurs: of all takers
 * that saw the message in one state, exactly one gets its lock. The winner
 * then writes on condition that the message is still in that epoch, and
 * removes its locks. A lock left by a crashed taker expires after
 * LOCK_SECONDS (TTL index, or the driver's gc where there is none).
 *
 * Locks live in `messages.locks` of the message's partition, beside
 * Zaqar's collections (the Python server ignores them).
 */
import type { Collection, ObjectId } from 'mongodb';
import { isDuplicateKey, type MongoCalls } from './calls';
import type { MessageDocument, MessageFilter, Now } from './documents';

/** How long a lock protects a message; far longer than one claim's few round trips. */
export const LOCK_SECONDS = 30;

/** A short random pause before retrying candidates that others hold locked (they release within a few round trips). */
export function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
}

export interface LockDocument {
  _id: string;
  /** The taker (its claim id, or a pop's own id): tells its locks from others'. */
  o: ObjectId;
  /** Expiry (TTL index). */
  e: Date;
}

/** What a taker saw of a candidate: its id and claim epoch. */
export type Candidate = Pick<MessageDocument, '_id' | 'c'>;

function lockId(candidate: Candidate): string {
  return `${candidate._id.toHexString()}:${candidate.c?.id?.toHexString() ?? 'new'}`;
}

/** The locked candidates, still in the epoch they were locked in (the taker's write condition). */
export function inLockedEpoch(candidates: readonly Candidate[]): MessageFilter {
  return { $or: candidates.map((candidate) => ({ _id: candidate._id, 'c.id': candidate.c?.id ?? null })) };
}

export class ClaimLocks {
  constructor(private readonly calls: MongoCalls) {}

  /** Locks the candidates' current epochs for `owner`; returns the candidates it holds. */
  async acquire<C extends Candidate>(locks: Collection<LockDocument>, candidates: readonly C[], owner: ObjectId, at: Now): Promise<C[]> {
    if (candidates.length === 0) return [];
    const expires = new Date(at.ms + LOCK_SECONDS * 1000);
    const docs = candidates.map((candidate): LockDocument => ({ _id: lockId(candidate), o: owner, e: expires }));
    let clean = true;
    try {
      // Unordered: every free lock is taken even when others are held.
      await this.calls.once(() => locks.insertMany(docs, { ordered: false }));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      clean = false;
    }
    if (clean) return [...candidates];

    // Some were held: which are ours? (Asked by owner, whatever the server reported per document.)
    const ids = docs.map((doc) => doc._id);
    const ours = await this.calls.idempotent('read locks', () =>
      locks.find({ _id: { $in: ids }, o: owner }, { projection: { _id: 1 } }).toArray(),
    );
    const held = new Set(ours.map((doc) => doc._id));
    // Locks of takers that died: free them for the next round.
    await this.calls.idempotent('clear expired locks', () =>
      locks.deleteMany({ _id: { $in: ids.filter((id) => !held.has(id)) }, e: { $lte: new Date(at.ms) } }),
    );
    return candidates.filter((candidate) => held.has(lockId(candidate)));
  }

  /** Best effort: locks that cannot be removed now expire by themselves. */
  async release(locks: Collection<LockDocument>, owner: ObjectId): Promise<void> {
    await this.calls.idempotent('release locks', () => locks.deleteMany({ o: owner })).catch(() => undefined);
  }

  /**
   * A taker's rounds (claims and pops): each reads up to the number still
   * wanted of `candidates` (oldest first), locks their epochs for `owner`,
   * hands the ones it holds to `take` — which writes on condition of
   * inLockedEpoch and returns how many it took — and releases its locks.
   * When others hold every candidate, it pauses before the next round (their
   * takes change the head). Stops once `limit` are taken, no candidate is
   * left, or after `maxRounds` rounds; returns how many were taken.
   */
  async takeInRounds<C extends Candidate>(
    locks: Collection<LockDocument>,
    owner: ObjectId,
    at: Now,
    { limit, maxRounds }: { limit: number; maxRounds: number },
    candidates: (wanted: number) => Promise<C[]>,
    take: (locked: C[]) => Promise<number>,
  ): Promise<number> {
    let taken = 0;
    for (let round = 0; taken < limit && round < maxRounds; round++) {
      const found = await candidates(limit - taken);
      if (found.length === 0) break;
      try {
        const locked = await this.acquire(locks, found, owner, at);
        if (locked.length === 0) {
          await pause();
          continue;
        }
        taken += await take(locked);
      } finally {
        await this.release(locks, owner);
      }
    }
    return taken;
  }
}
