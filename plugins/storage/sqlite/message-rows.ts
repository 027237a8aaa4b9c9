/**
 * What the controllers share about message rows: the column list they
 * select, the row type, and how a row becomes a StoredMessage.
 */
import { RawJson } from '../../../zaqar/common/json';
import type { Project, StoredMessage } from '../../../zaqar/storage/interfaces';

/** Columns every message read selects (in this order). */
export const MESSAGE_COLUMNS = 'marker, id, ttl, created, claim_id, claim_expires, claim_count, body, checksum';

export interface MessageRow {
  marker: number;
  id: string;
  ttl: number;
  created: number;
  claim_id: string | null;
  claim_expires: number;
  claim_count: number;
  body: string;
  checksum: string | null;
}

/** Named parameters identifying one queue: every statement is scoped by (project, queue). */
export interface QueueScope {
  project: Project;
  queue: string;
}

/** Whole seconds since `since` (never negative, should another process's clock be ahead). */
export function secondsSince(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}

export function toStoredMessage(row: MessageRow, now: number): StoredMessage {
  const message: StoredMessage = {
    id: row.id,
    age: secondsSince(row.created, now),
    ttl: row.ttl,
    // The stored text goes back out verbatim (the HTTP layer splices it).
    body: new RawJson(row.body),
    // An expired claim is no claim (the reference would keep reporting it).
    claimId: row.claim_id !== null && row.claim_expires > now ? row.claim_id : null,
    claimCount: row.claim_count,
    created: row.created,
  };
  if (row.checksum !== null) message.checksum = row.checksum;
  return message;
}

/** Rows in FIFO order (RETURNING clauses give no order guarantee). */
export function byMarker(rows: MessageRow[]): MessageRow[] {
  return rows.sort((a, b) => a.marker - b.marker);
}
