/**
 * Message and claim ids of the stores that choose their own. Ids are opaque
 * to clients; a store only has to tell a malformed claim id apart (deleting
 * with one is "claim does not exist"). Swift-safe and Redis-key-safe: no `.`.
 *
 * Two kinds, both UUID-shaped:
 * - `newId`: a random UUID4, as Zaqar's Redis driver issues them.
 * - `newOrderedId`: a UUID7 (RFC 9562), for stores that keep ids in a
 *   B-tree index: ids issued one after another sort one after another, so
 *   inserting them appends to the index's last page instead of dirtying a
 *   random page per id.
 */
import { randomFillSync, randomUUID } from 'node:crypto';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newId(): string {
  return randomUUID();
}

/** Random hex digits, 16 per id, from a pooled draw (one getrandom call per 512 ids). */
const POOL = Buffer.alloc(8 * 512);
let poolHex = '';
let poolOffset = 0;

let lastMs = -1;
let sequence = 0;
/** `lastMs` as the id's first two groups, `xxxxxxxx-xxxx-`. */
let timePrefix = '';
/** The variant's two bits (10) over two random ones, as a hex digit. */
const VARIANT_DIGITS = ['8', '9', 'a', 'b'];

/**
 * A UUID7: 48 bits of milliseconds, then a 12-bit sequence that counts ids
 * within one millisecond (RFC 9562 §6.2, method 1; on overflow the
 * timestamp moves on by one), then 62 random bits. Strictly increasing
 * within a process, even if the clock steps back.
 */
export function newOrderedId(): string {
  const ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  if (sequence === 0) {
    const time = lastMs.toString(16).padStart(12, '0');
    timePrefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-`;
  }
  if (poolOffset === poolHex.length) {
    randomFillSync(POOL);
    poolHex = POOL.toString('hex');
    poolOffset = 0;
  }
  const random = poolHex.slice(poolOffset, poolOffset + 16);
  poolOffset += 16;
  const variant = VARIANT_DIGITS[parseInt(random[0], 16) & 0x3];
  return `${timePrefix}7${sequence.toString(16).padStart(3, '0')}-${variant}${random.slice(1, 4)}-${random.slice(4)}`;
}

/** True when `id` could have been issued by `newId`, `newOrderedId` (or by Zaqar's Redis driver). */
export function isWellFormedId(id: string): boolean {
  return UUID_SHAPE.test(id);
}
