/**
 * When a message may be deleted (Zaqar's message controllers' `delete` and
 * `bulk_delete`): one set of outcome codes, one decision, one mapping to
 * storage errors. The SQLite and MongoDB stores decide with `decideDelete`;
 * the Redis store decides inside its Lua script and reports the same codes.
 */
import {
  ClaimDoesNotExist,
  ClaimDoesNotMatch,
  MessageIsClaimed,
  MessageNotClaimed,
  MessageNotClaimedBy,
} from './errors';
import type { Project } from './interfaces';

/**
 * - `DELETE`: go ahead (the store reports `DELETED` once it did);
 * - `GONE`: the message does not exist (unknown, expired, malformed id): success;
 * - `IS_CLAIMED`: no claim id given, but a live claim holds the message;
 * - `NOT_CLAIMED`: a claim id given, but no live claim holds the message;
 * - `NOT_CLAIMED_BY`: another live claim holds it;
 * - `NO_CLAIM`: the given claim is malformed, unknown or expired.
 */
export type DeleteOutcome = 'DELETE' | 'DELETED' | 'GONE' | 'IS_CLAIMED' | 'NOT_CLAIMED' | 'NOT_CLAIMED_BY' | 'NO_CLAIM';

/**
 * The decision for one existing message, in the reference's order. `heldBy`
 * is the id of the live claim holding the message (null: none), `claimId`
 * the one the client gave (normalised as the store writes ids).
 * `givenClaimIsLive` is asked only when another claim holds the message;
 * the decision is asynchronous only when it answers with a promise.
 */
export function decideDelete(heldBy: string | null, claimId: string | undefined, claimWellFormed: boolean, givenClaimIsLive: () => boolean): DeleteOutcome;
export function decideDelete(
  heldBy: string | null,
  claimId: string | undefined,
  claimWellFormed: boolean,
  givenClaimIsLive: () => Promise<boolean>,
): DeleteOutcome | Promise<DeleteOutcome>;
export function decideDelete(
  heldBy: string | null,
  claimId: string | undefined,
  claimWellFormed: boolean,
  givenClaimIsLive: () => boolean | Promise<boolean>,
): DeleteOutcome | Promise<DeleteOutcome> {
  if (claimId === undefined) return heldBy !== null ? 'IS_CLAIMED' : 'DELETE';
  if (!claimWellFormed) return 'NO_CLAIM';
  // An expired claim is no claim, whatever id the message still carries.
  if (heldBy === null) return 'NOT_CLAIMED';
  if (heldBy === claimId) return 'DELETE';
  const outcome = (live: boolean): DeleteOutcome => (live ? 'NOT_CLAIMED_BY' : 'NO_CLAIM');
  const live = givenClaimIsLive();
  return typeof live === 'boolean' ? outcome(live) : live.then(outcome);
}

/** Throws the storage error of a refused delete (Zaqar's errors and texts); returns for DELETE, DELETED and GONE. */
export function throwIfRefused(outcome: string, messageId: string, claimId: string | undefined, queue: string, project: Project): void {
  switch (outcome) {
    case 'DELETE':
    case 'DELETED':
    case 'GONE':
      return;
    case 'IS_CLAIMED':
      throw new MessageIsClaimed(messageId);
    case 'NOT_CLAIMED':
      throw new MessageNotClaimed(messageId);
    case 'NOT_CLAIMED_BY':
      throw new MessageNotClaimedBy(messageId, claimId ?? '');
    case 'NO_CLAIM':
      throw new ClaimDoesNotExist(claimId ?? '', queue, project);
    default:
      throw new TypeError(`unknown delete outcome: ${outcome}`);
  }
}

/**
 * Bulk delete with claim ids (Zaqar's Redis and Swift rule, which every
 * store here follows): every listed message that exists must be held by a
 * live claim among `claimIds`; the first that is not refuses the whole
 * delete, before anything is deleted.
 *
 * - `OK`: delete them all;
 * - `NOT_CLAIMED` (`subject` = the message id): a listed message is not claimed;
 * - `NO_MATCH` (`subject` = the claim holding it): a listed message is held by a claim not listed.
 */
export type BulkDeleteOutcome = { outcome: 'OK' } | { outcome: 'NOT_CLAIMED' | 'NO_MATCH'; subject: string };

/** `messages` in the order the client listed them (missing ones left out), each with its live claim or null. */
export function decideBulkDelete(messages: Iterable<{ id: string; heldBy: string | null }>, claimIds: Iterable<string>): BulkDeleteOutcome {
  const allowed = new Set(claimIds);
  for (const { id, heldBy } of messages) {
    if (heldBy === null) return { outcome: 'NOT_CLAIMED', subject: id };
    if (!allowed.has(heldBy)) return { outcome: 'NO_MATCH', subject: heldBy };
  }
  return { outcome: 'OK' };
}

/** Throws the storage error of a refused bulk delete; returns for OK. */
export function throwIfBulkRefused(outcome: string, subject: string, queue: string, project: Project): void {
  switch (outcome) {
    case 'OK':
      return;
    case 'NOT_CLAIMED':
      throw new MessageNotClaimed(subject);
    case 'NO_MATCH':
      throw new ClaimDoesNotMatch(subject, queue, project);
    default:
      throw new TypeError(`unknown bulk delete outcome: ${outcome}`);
  }
}
