/** [signed_url] (`zaqar.conf.signed_url`): the key of pre-signed URLs. */
import { defineGroup } from './define';

export interface SignedUrlOptions {
  /** No signed URLs (and no confirmation links) when null. */
  secret_key: string | null;
}

export const SIGNED_URL_GROUP = defineGroup<SignedUrlOptions>('signed_url', 'Pre-signed URLs.', {
  secret_key: { type: 'string', secret: true, help: 'Secret key used to sign pre-signed URLs (HMAC-SHA256).' },
});
