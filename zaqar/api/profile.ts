/**
 * API profiles: which of Zaqar's domain rules an API version applies. v1.1
 * is v2 minus per-queue settings and reserved metadata defaults (Zaqar's
 * v1_1 resources), so it is a profile of the same operations rather than
 * a second copy of them.
 */
export interface ApiProfile {
  /** `2` or `1.1`. */
  id: string;
  /** Queue metadata reads fill in the reserved keys' defaults (`_default_message_ttl`, ...). */
  reservedDefaults: boolean;
  /**
   * Per-queue settings apply to messages: `_default_message_ttl`,
   * `_max_messages_post_size`, delays, encryption, dead-lettering, and the
   * queue is created before a post is validated.
   */
  queueSettings: boolean;
}

export const V2_PROFILE: ApiProfile = { id: '2', reservedDefaults: true, queueSettings: true };
export const V1_1_PROFILE: ApiProfile = { id: '1.1', reservedDefaults: false, queueSettings: false };
