/**
 * Domain errors: what an operation or a request stage reports when it
 * refuses a request, as a stable code and Zaqar's text, with no notion of
 * a wire format. Each transport's presenter turns a code into its own
 * answer: the HTTP transport into a status and Zaqar's
 * `{"title", "description"}` body; a WebSocket transport (not built yet)
 * would use its envelope with `{"exception", "error"}`.
 */

export type DomainErrorCode =
  // Request stages (zaqar/api/request).
  /** A pre-signed request whose signature, expiry, method or path does not verify. */
  | 'signature_invalid'
  /** No valid credentials (the auth strategy refused them). */
  | 'unauthenticated'
  /** The policy denies the action. */
  | 'forbidden'
  | 'client_id_missing'
  /** The Client-ID does not pass `client_id_uuid_safe`. */
  | 'client_id_invalid'
  | 'project_missing'
  | 'project_empty'
  | 'queue_name_invalid'
  | 'topic_name_invalid'
  | 'extra_spec_unknown'
  // Operations (zaqar/api/operations).
  /** A parameter or a semantic rule was violated (Zaqar's validation texts). */
  | 'invalid_request'
  /** The document's structure or types are wrong (JSON, missing fields, types). */
  | 'invalid_body'
  /** The document's media type is not one the operation accepts. */
  | 'unsupported_media_type'
  | 'not_found'
  | 'conflict'
  /** Delete without the claim that holds the message. */
  | 'message_claimed'
  /** Delete with a claim id, but the message is not claimed. */
  | 'message_not_claimed'
  /** Delete with a claim id that does not exist, has expired or does not hold the message(s). */
  | 'claim_invalid'
  /** The store gave up writing because of concurrent writers (Zaqar's MessageConflict). */
  | 'message_conflict'
  /** A subscription update that names nothing to change (Zaqar's "Unable to update subscription"). */
  | 'subscription_not_updated'
  /** The store failed or cannot be reached; `cause` says why (logged, never sent). */
  | 'unavailable'
  // Pools and flavors (admin).
  /** A pool whose store does not offer what the other pools of its flavor offer. */
  | 'pool_incompatible'
  /** Deleting a pool that still serves queues. */
  | 'pool_has_queues'
  /** Deleting the last pool of a flavor (Zaqar's MongoDB and Redis rule). */
  | 'pool_in_use_by_flavor'
  /** A flavor that cannot be created (no pools, or a pool that does not exist). */
  | 'flavor_refused'
  /** A flavor update naming a pool that does not exist. */
  | 'flavor_update_refused';

export class DomainError extends Error {
  constructor(
    public readonly code: DomainErrorCode,
    message = '',
    /** What failed underneath (a storage error); logged with the request id, never sent to clients. */
    public override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidRequest = (message: string): DomainError => new DomainError('invalid_request', message);
export const invalidBody = (message: string): DomainError => new DomainError('invalid_body', message);
export const documentTypeNotSupported = (): DomainError => invalidBody('Document type not supported.');
export const notFound = (message: string): DomainError => new DomainError('not_found', message);
export const conflict = (message: string): DomainError => new DomainError('conflict', message);
export const unavailable = (cause: unknown): DomainError => new DomainError('unavailable', '', cause);

/** `err` as a DomainError: domain errors pass, anything else is the store failing (`unavailable`). */
export function asDomainError(err: unknown): DomainError {
  return err instanceof DomainError ? err : unavailable(err);
}
