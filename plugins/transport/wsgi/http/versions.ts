/**
 * The HTTP API versions this transport mounts. v1.1 is v2 minus a few
 * features, so each version is a profile of the same operations plus the
 * HTTP-only differences: its path prefix, when the policy guards it,
 * which query parameters it reads, which resources it has.
 */
import { V1_1_PROFILE, V2_PROFILE, type ApiProfile } from '../../../../zaqar/api/profile';
import { V1_1_ADMIN_RESOURCES, V1_1_PUBLIC_RESOURCES, V2_ADMIN_RESOURCES, V2_PUBLIC_RESOURCES } from './home-document';

export interface HttpVersion {
  /** `2` or `1.1`, as in `[DEFAULT] enable_deprecated_api_versions`. */
  id: string;
  /** Path prefix: `/v2`, `/v1.1`. */
  prefix: string;
  profile: ApiProfile;
  /**
   * When the policy engine guards its resources (with the same rule names
   * on every version): `always` (v2, as in Zaqar), or `authenticated`: only
   * behind a real auth strategy (v1.1). Zaqar checks no policy on v1.1 at
   * all, which behind Keystone lets any member reach the admin resources
   * there; with noauth, where a client names its own roles anyway, v1.1
   * stays as in Zaqar.
   */
  policy: 'always' | 'authenticated';
  /** Queue listing reads `name`, `with_count` and metadata filters. */
  listingFilters: boolean;
  /** Bulk delete reads `claim_ids` beside `ids` (when `message_delete_with_claim_id` is set). */
  bulkDeleteClaimIds: boolean;
  /** Queue PATCH, purge and share exist. */
  queueExtras: boolean;
  /** Ours: `?wait=N` long polling on claims and message listings (v2 only; v1.1 is left as Zaqar has it). */
  longPoll: boolean;
  homePublic: Record<string, unknown>;
  homeAdmin: Record<string, unknown>;
}

export const V2: HttpVersion = {
  id: '2',
  prefix: '/v2',
  profile: V2_PROFILE,
  policy: 'always',
  listingFilters: true,
  bulkDeleteClaimIds: true,
  queueExtras: true,
  longPoll: true,
  homePublic: V2_PUBLIC_RESOURCES,
  homeAdmin: V2_ADMIN_RESOURCES,
};

export const V1_1: HttpVersion = {
  id: '1.1',
  prefix: '/v1.1',
  profile: V1_1_PROFILE,
  policy: 'authenticated',
  listingFilters: false,
  bulkDeleteClaimIds: false,
  queueExtras: false,
  longPoll: false,
  homePublic: V1_1_PUBLIC_RESOURCES,
  homeAdmin: V1_1_ADMIN_RESOURCES,
};
