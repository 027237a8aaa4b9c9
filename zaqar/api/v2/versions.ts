/**
 * API versions served by the v2 resources. v1.1 is v2 minus a few features
 * (api-v1_1-delta.md §1), so it is a profile of the same handlers rather
 * than a second copy of them.
 */
import { V1_1_ADMIN_RESOURCES, V1_1_PUBLIC_RESOURCES, V2_ADMIN_RESOURCES, V2_PUBLIC_RESOURCES } from './home-document';

export interface ApiVersion {
  /** `2` or `1.1`, as in `[DEFAULT] enable_deprecated_api_versions`. */
  id: string;
  /** Path prefix: `/v2`, `/v1.1`. */
  prefix: string;
  /** The policy engine guards every resource (v2); v1.1 checks no policy at all. */
  policy: boolean;
  /** Queue reads fill in reserved-key defaults (§5.2). */
  reservedDefaults: boolean;
  /** Queue listing reads `name`, `with_count` and metadata filters. */
  listingFilters: boolean;
  /**
   * Per-queue settings apply to messages: `_default_message_ttl`,
   * `_max_messages_post_size`, delays, encryption, `include_delayed`.
   */
  queueSettings: boolean;
  /** `claim_ids` with `ids` on bulk delete when `message_delete_with_claim_id` is set. */
  bulkDeleteClaimIds: boolean;
  /** Queue PATCH, purge, share exist. */
  queueExtras: boolean;
  homePublic: Record<string, unknown>;
  homeAdmin: Record<string, unknown>;
}

export const V2: ApiVersion = {
  id: '2',
  prefix: '/v2',
  policy: true,
  reservedDefaults: true,
  listingFilters: true,
  queueSettings: true,
  bulkDeleteClaimIds: true,
  queueExtras: true,
  homePublic: V2_PUBLIC_RESOURCES,
  homeAdmin: V2_ADMIN_RESOURCES,
};

export const V1_1: ApiVersion = {
  id: '1.1',
  prefix: '/v1.1',
  policy: false,
  reservedDefaults: false,
  listingFilters: false,
  queueSettings: false,
  bulkDeleteClaimIds: false,
  queueExtras: false,
  homePublic: V1_1_PUBLIC_RESOURCES,
  homeAdmin: V1_1_ADMIN_RESOURCES,
};
