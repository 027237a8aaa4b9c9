/**
 * Per-queue settings held in reserved metadata keys (Zaqar's
 * `zaqar.transport.wsgi.v2_0.queues` and `claims`): their defaults as shown
 * to clients (namespace.ts lists them), dead-lettering and encryption.
 */
import { isPyInt, pyIntValue } from '../../common/json';
import { isTruthy } from '../../common/python';
import type { DeadLetterOptions, QueueMetadata } from '../../storage/interfaces';

/** Fills in reserved keys whose stored value is missing or falsy (in place; returns the object). */
export function withReservedDefaults(metadata: QueueMetadata, defaults: [string, unknown][]): QueueMetadata {
  for (const [key, value] of defaults) {
    if (!isTruthy(metadata[key])) metadata[key] = value;
  }
  return metadata;
}

/**
 * Dead-lettering is on when the queue metadata has both `_max_claim_count`
 * and `_dead_letter_queue` (key presence counts); a null count means
 * "disabled" (the reference crashes on it).
 */
export function deadLetterOptions(metadata: QueueMetadata): DeadLetterOptions | undefined {
  if (!('_max_claim_count' in metadata) || !('_dead_letter_queue' in metadata)) return undefined;
  const max = metadata._max_claim_count;
  const queue = metadata._dead_letter_queue;
  if (!isPyInt(max) || typeof queue !== 'string' || queue === '') return undefined;
  const ttl = metadata._dead_letter_queue_messages_ttl;
  return { maxClaimCount: pyIntValue(max), queue, ttl: isTruthy(ttl) && isPyInt(ttl) ? pyIntValue(ttl) : undefined };
}

/** `_enable_encrypt_messages` is truthy. */
export function isEncrypted(metadata: QueueMetadata | undefined): boolean {
  return isTruthy(metadata?._enable_encrypt_messages);
}
