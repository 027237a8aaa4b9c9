/**
 * Message and claim ids of the stores that choose their own: random UUID4
 * strings, as Zaqar's Redis driver issues them. Ids are opaque to clients;
 * a store only has to tell a malformed claim id apart (deleting with one
 * is "claim does not exist"). Swift-safe and Redis-key-safe: no `.`.
 */
import { randomUUID } from 'node:crypto';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newId(): string {
  return randomUUID();
}

/** True when `id` could have been issued by `newId` (or by Zaqar's Redis driver). */
export function isWellFormedId(id: string): boolean {
  return UUID_SHAPE.test(id);
}
