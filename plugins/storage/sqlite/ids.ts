/**
 * Message and claim ids: random UUID4 strings (as the Redis reference uses).
 * Ids are opaque to clients; storage-semantics §1.1 only needs us to tell a
 * malformed claim id apart (→ ClaimDoesNotExist on message delete).
 */
import { randomUUID } from 'node:crypto';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newId(): string {
  return randomUUID();
}

/** True when `id` could have been issued by `newId`. */
export function isWellFormedId(id: string): boolean {
  return UUID_SHAPE.test(id);
}
