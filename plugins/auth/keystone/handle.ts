/**
 * What a Keystone-authenticated request carries for later plugins in
 * `identity.handle` (auth_token's `keystone.token_auth` environ key, a
 * `UserAuthPlugin`): the user's token and what Keystone said of it, the
 * service token's when one came along, and the service user's session,
 * for plugins that call Keystone on the user's behalf or as the service.
 * (Trusts do not need it: the core hands the caller's token to
 * `AuthStrategy.trusts`, trusts.ts.)
 */
import type { ServiceSessionHandle } from './service-session';
import type { TokenInfo } from './token-info';

export interface KeystoneHandle {
  readonly kind: 'keystone';
  /** `Confirmed`, or `Invalid` when delay_auth_decision let an unauthenticated request through (X-Identity-Status). */
  readonly status: 'Confirmed' | 'Invalid';
  /** The user's token (X-Auth-Token), when valid. */
  readonly userToken?: string;
  readonly user?: TokenInfo;
  /** The X-Service-Token and what Keystone said of it, when it was valid. */
  readonly serviceToken?: string;
  readonly service?: TokenInfo;
  /** X-Service-Identity-Status, when a service token was sent. */
  readonly serviceStatus?: 'Confirmed' | 'Invalid';
  readonly session: ServiceSessionHandle;
}

/** The Keystone handle of an identity's `handle`, if it is one. */
export function keystoneHandle(handle: unknown): KeystoneHandle | undefined {
  return typeof handle === 'object' && handle !== null && (handle as { kind?: unknown }).kind === 'keystone' ? (handle as KeystoneHandle) : undefined;
}
