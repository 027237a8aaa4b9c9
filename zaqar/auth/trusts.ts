/**
 * Keystone trusts, as trust+http(s) subscribers need them (Zaqar's
 * `zaqar.common.auth.create_trust_id` and `get_trusted_token`): at
 * subscription time the caller delegates its roles on its project to the
 * `[trustee]` user; at delivery time the trustee obtains a token scoped to
 * that trust and the notifier hands it to the subscriber.
 *
 * An auth strategy offers this (`AuthStrategy.trusts`) only when it can:
 * the Keystone strategy with `[trustee]` configured. Without it the trust
 * schemes are not served at all, so such subscriptions are refused at
 * creation with the list of the schemes that are.
 */

/** The user delegating: who asks for the subscription, as Keystone validated them. */
export interface Trustor {
  /** The caller's own token: Keystone lets only the trustor create a trust. */
  token: string;
  userId: string;
  projectId: string;
  /** The roles delegated: the caller's roles on `projectId`. */
  roles: readonly string[];
}

export interface Trusts {
  /**
   * Creates a trust from `trustor` to the trustee (impersonation on),
   * expiring at `expiresAt` (undefined: never); resolves with its id.
   * Throws when Keystone refuses or cannot be reached (the subscription is
   * then not created).
   */
  create(trustor: Trustor, expiresAt: Date | undefined): Promise<string>;
  /**
   * Resolves when `trustId` (a trust_id the client put in a subscription's
   * options) names a trust from `trustor` to the trustee on
   * `trustor.projectId`; throws TrustNotOwned when it does not (unknown,
   * another user's, another project's, another trustee's). Zaqar takes a
   * client's trust_id as it is, so anyone who learns one (it is in the
   * subscription listing of the project) gets tokens of its trustor.
   * Throws anything else when Keystone cannot answer.
   */
  check(trustor: Trustor, trustId: unknown): Promise<void>;
  /**
   * A token scoped to trust `trustId`, obtained as the trustee and kept
   * while it has some life left. Throws TrustUnusable when Keystone refuses
   * the trust itself (deleted, expired, trustor disabled or without the
   * roles any more); any other failure (Keystone unreachable or failing)
   * is transient.
   */
  token(trustId: string): Promise<string>;
  /** Forgets `token` for `trustId` (the subscriber refused it): the next `token` call obtains a new one. */
  invalidate(trustId: string, token: string): void;
}

/** Keystone gives no token for this trust, and asking again will not change that. */
export class TrustUnusable extends Error {
  constructor(
    public readonly trustId: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrustUnusable';
  }
}

/** A trust_id given by a client that is not a trust from that client to the trustee on its project. */
export class TrustNotOwned extends Error {
  constructor(message = "options.trust_id must name a trust from the caller to this service's trustee, on the caller's project.") {
    super(message);
    this.name = 'TrustNotOwned';
  }
}
