/**
 * Who is asking (Zaqar's `RequestContext`, zaqar/context.py): built by the
 * request stages from the transport's request and the auth strategy's
 * identity, then handed to every operation and to the policy check.
 */
import type { Identity, Principal } from '../auth/strategy';

export interface RequestContext extends Principal {
  /** The tenant every storage key is scoped by; null only for un-scoped requests (the versions document). */
  projectId: string | null;
  clientId: string | undefined;
  /** This request's id (`req-<uuid>`), returned as `X-Openstack-Request-Id`. */
  requestId: string;
  /** The caller's `X-Openstack-Request-ID`, when it sent a well-formed one. */
  globalRequestId?: string;
  /** What the auth strategy established (Keystone: the token's expiry and handle, for trusts). */
  identity?: Identity;
}

/** A context for calls made by the server itself (health checks, tools): no client behind it. */
export function internalContext(projectId: string | null, requestId: string, clientId?: string): RequestContext {
  return { projectId, clientId, roles: [], requestId };
}
