/**
 * Message and claim ids: random UUID4 strings, as the Redis reference uses
 * (storage-semantics §1.1). They double as Redis keys (the message and claim
 * hashes), so they must never contain a `.` (see keys.ts).
 */
import { randomUUID } from 'node:crypto';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newId(): string {
  return randomUUID();
}

/** True when `id` could be one of ours or the reference's (a malformed claim id is ClaimDoesNotExist, §8.1). */
export function isWellFormedId(id: string): boolean {
  return UUID_SHAPE.test(id);
}
