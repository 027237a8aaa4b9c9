/**
 * Finding the claimable head of a queue — shared by claim creation and pop.
 *
 * Claimable = not expired, not delayed, and not under a live claim; each
 * message is checked on its own (the Redis reference stops checking after
 * the first hit and so steals claimed or delayed messages). Callers run both
 * steps inside one IMMEDIATE transaction, which makes selection and tagging
 * atomic across processes sharing the file.
 */
import type Database from 'better-sqlite3';
import type { QueueScope } from './message-rows';

/**
 * `columns` of up to @limit claimable messages, oldest first. The `claim_id
 * IS NULL` term lets SQLite walk the `messages_claimable` partial index; it
 * is exact once `clearExpiredClaims` ran in the same transaction. Each
 * candidate's row is read anyway (for expires and delay_expires), so more
 * columns cost no extra lookup.
 */
const claimableHeadSql = (columns: string) => `
  SELECT ${columns} FROM messages
  WHERE project IS @project AND queue = @queue AND claim_id IS NULL
    AND expires > @now AND delay_expires <= @now
  ORDER BY marker
  LIMIT @limit`;

/** Markers of the claimable head (pop deletes by them). */
export const CLAIMABLE_HEAD_SQL = claimableHeadSql('marker');

export interface ClaimCandidate {
  marker: number;
  claim_count: number;
  /** Message expiry, ms: a claim outliving it extends the message's lifetime. */
  expires: number;
}

export class ClaimableHead {
  private readonly clearExpired: Database.Statement<QueueScope & { now: number }>;
  private readonly candidates: Database.Statement<QueueScope & { now: number; limit: number }, ClaimCandidate>;

  constructor(db: Database.Database) {
    this.clearExpired = db.prepare(`
      UPDATE messages SET claim_id = NULL
      WHERE project IS @project AND queue = @queue
        AND claim_id IS NOT NULL AND claim_expires <= @now`);
    this.candidates = db.prepare(claimableHeadSql('marker, claim_count, expires'));
  }

  /**
   * Normalises messages whose claim expired to "no claim id", so that the
   * claimable partial index covers them. Call first, inside the transaction.
   */
  clearExpiredClaims(scope: QueueScope, now: number): void {
    this.clearExpired.run({ ...scope, now });
  }

  /** Up to `limit` claimable messages, oldest first (after clearExpiredClaims). */
  take(scope: QueueScope, now: number, limit: number): ClaimCandidate[] {
    return this.candidates.all({ ...scope, now, limit });
  }
}
