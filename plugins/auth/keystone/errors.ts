/**
 * The two ways a validation fails (keystonemiddleware's `InvalidToken` and
 * `ServiceError`): the token is not good (the request is answered 401), or
 * Keystone could not say (503; never a pass).
 */

/** The token is unknown, expired, revoked, malformed, or refused by a rule (bind, access rules, service roles). */
export class InvalidToken extends Error {
  constructor(message = 'Token authorization failed') {
    super(message);
    this.name = 'InvalidToken';
  }
}

/** Keystone cannot be reached or does not answer as it should; `cause` says what happened (logged, never sent). */
export class KeystoneUnavailable extends Error {
  constructor(message: string, public override readonly cause?: unknown) {
    super(message);
    this.name = 'KeystoneUnavailable';
  }
}
