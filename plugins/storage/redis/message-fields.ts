/**
 * Turning the message entries scripts return (an id followed by
 * MESSAGE_FIELDS, scripts/common.ts) into StoredMessages.
 */
import type { StoredMessage } from '../../../zaqar/storage/interfaces';
import { decodeBody } from './json-fields';
import { asBuffer, asNumber, asRequiredText, asText, type Reply } from './lua';
import { MESSAGE_FIELDS } from './scripts/common';

/** Reply entries per message: the id and its fields. */
export const MESSAGE_ENTRY_SIZE = 1 + MESSAGE_FIELDS.length;

/** Whole seconds from UNIX time `since` (s) to `now` (ms), never negative (another server's clock may be ahead). */
export function ageSeconds(since: number, now: number): number {
  return Math.max(0, Math.floor(now / 1000) - since);
}

/** `YYYY-MM-DDTHH:MM:SSZ` of a UNIX time in seconds, as Zaqar formats `created`. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';
}

/** The message at `values[offset]` ... `values[offset + MESSAGE_ENTRY_SIZE - 1]`. */
export function readMessage(values: Reply[], offset: number, now: number): StoredMessage {
  const [id, ttl, created, claim, claimExpires, claimCount, body, exactBody, checksum] = values.slice(
    offset,
    offset + MESSAGE_ENTRY_SIZE,
  );
  const createdSeconds = asNumber(created);
  const claimId = asText(claim);
  const message: StoredMessage = {
    id: asRequiredText(id),
    age: ageSeconds(createdSeconds, now),
    ttl: asNumber(ttl),
    body: decodeBody(asBuffer(body), asText(exactBody)),
    // An expired claim is no claim, whatever id the hash still holds.
    claimId: claimId && claimExpires !== null && asNumber(claimExpires) * 1000 > now ? claimId : null,
    // Records the reference wrote before claim counts existed have none.
    claimCount: claimCount === null ? 0 : asNumber(claimCount),
    created: createdSeconds * 1000,
  };
  const sum = asText(checksum);
  if (sum) message.checksum = sum;
  return message;
}

/** Every message in `values` from `offset` on. */
export function readMessages(values: Reply[], offset: number, now: number): StoredMessage[] {
  const messages: StoredMessage[] = [];
  for (let i = offset; i + MESSAGE_ENTRY_SIZE <= values.length; i += MESSAGE_ENTRY_SIZE) {
    messages.push(readMessage(values, i, now));
  }
  return messages;
}
