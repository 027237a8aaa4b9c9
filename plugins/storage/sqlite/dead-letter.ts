/**
 * Moving messages to a dead-letter queue (queue metadata `_max_claim_count`
 * and `_dead_letter_queue`).
 *
 * A moved message keeps its id, body, client id, checksum, creation time and
 * claim count, and arrives in the DLQ (same project, same store) as a fresh
 * arrival: it gets a new marker at the tail of the DLQ and no claim, so it
 * is in FIFO position and consumable there at once. (The reference keeps the
 * marker of the source queue and the claim it was just given, so in the DLQ
 * the message sits out of order and looks claimed until that claim expires.)
 *
 * With a dead-letter ttl the message lives `ttl` seconds from the move and
 * reports that ttl, the same "expires = time of setting + ttl" rule claims
 * use when they extend a message (the reference changes the reported ttl
 * but not the actual expiry). Without one, ttl and expiry are unchanged.
 */
import type Database from 'better-sqlite3';
import type { ClaimOptions, DeadLetterOptions, Project } from '../../../zaqar/storage/interfaces';

/**
 * The dead-letter settings of a claim, or undefined when dead-lettering is
 * off. A null limit (possible in stored metadata) means off — the reference
 * crashes on it; a JsonNumber limit (a huge integer) is read as a number.
 */
export function activeDeadLetter(options: ClaimOptions): DeadLetterOptions | undefined {
  const deadLetter = options.deadLetter;
  const limit: unknown = deadLetter?.maxClaimCount;
  if (deadLetter === undefined || limit === null || limit === undefined) return undefined;
  return { ...deadLetter, maxClaimCount: Number(limit) };
}

interface MoveParams {
  markers: string;
  project: Project;
  deadLetterQueue: string;
  deadLetterTtl: number | null;
  now: number;
}

export class DeadLetterMover {
  private readonly copyToDeadLetterQueue: Database.Statement<MoveParams>;
  private readonly deleteOriginals: Database.Statement<{ markers: string }>;

  constructor(db: Database.Database) {
    // INSERT ... SELECT ... ORDER BY marker: the new AUTOINCREMENT markers
    // keep the moved messages in their original relative order.
    this.copyToDeadLetterQueue = db.prepare(`
      INSERT INTO messages
        (id, project, queue, client_id, ttl, created, expires, delay_expires,
         claim_id, claim_expires, claim_count, body, checksum)
      SELECT id, @project, @deadLetterQueue, client_id,
             COALESCE(@deadLetterTtl, ttl), created,
             CASE WHEN @deadLetterTtl IS NULL THEN expires ELSE @now + @deadLetterTtl * 1000 END,
             delay_expires, NULL, 0, claim_count, body, checksum
      FROM messages
      WHERE marker IN (SELECT value FROM json_each(@markers))
      ORDER BY marker`);
    this.deleteOriginals = db.prepare('DELETE FROM messages WHERE marker IN (SELECT value FROM json_each(@markers))');
  }

  /** Moves the messages with these markers; call inside the claim's transaction. */
  move(markers: number[], project: Project, deadLetter: DeadLetterOptions, now: number): void {
    if (markers.length === 0) return;
    const list = JSON.stringify(markers);
    // Copy first, then delete by the *old* markers: the copies have new ones.
    this.copyToDeadLetterQueue.run({
      markers: list,
      project,
      deadLetterQueue: deadLetter.queue,
      deadLetterTtl: deadLetter.ttl ?? null,
      now,
    });
    this.deleteOriginals.run({ markers: list });
  }
}
