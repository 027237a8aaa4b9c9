/**
 * What the operations read from zaqar.conf: `[transport]` limits and
 * defaults, `[DEFAULT] enable_checksum`, the pre-signed URL key and the
 * message encryption key.
 */
import type { TransportOptions } from '../config/groups/transport';
import type { ValidationLimits } from './validation';

/** `[transport]` defaults the operations apply. */
export type TransportDefaults = Pick<
  TransportOptions,
  'default_message_ttl' | 'default_message_delay' | 'default_claim_ttl' | 'default_claim_grace' | 'default_subscription_ttl'
>;

export type ApiLimits = ValidationLimits & TransportDefaults;

export interface ApiSettings {
  limits: ApiLimits;
  /** `[DEFAULT] enable_checksum` */
  enableChecksum: boolean;
  /** `[signed_url] secret_key`; undefined when unset. */
  secretKey: string | undefined;
  /** `[transport] message_encryption_key` */
  encryptionKey: string;
}
