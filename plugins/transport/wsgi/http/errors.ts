/**
 * Zaqar's HTTP error format, `{"title": ..., "description": ...}`, and how
 * each domain error code is answered over HTTP (Zaqar's
 * `zaqar.transport.wsgi.errors` and the texts of its hooks and responders).
 */
import { DomainError, type DomainErrorCode } from '../../../../zaqar/api/errors';
import { AuthFailure } from '../../../../zaqar/auth/strategy';
import type { HttpResponse } from './model';

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly title: string,
    public readonly description?: string,
    public readonly headers?: Record<string, string>,
    /** The failure behind a 5xx, logged once with the request id (never sent to clients). */
    public override readonly cause?: unknown,
    /** A body of another shape than Zaqar's `{title, description}` (the 401 keystonemiddleware sends). */
    private readonly document?: Record<string, unknown>,
  ) {
    super(description ?? title);
    this.name = 'HttpError';
  }

  toResponse(): HttpResponse {
    if (this.document !== undefined) return { status: this.status, headers: { Vary: 'Accept', ...this.headers }, body: this.document };
    const body: Record<string, string> = { title: this.title };
    if (this.description !== undefined) body.description = this.description;
    return { status: this.status, headers: { Vary: 'Accept', ...this.headers }, body };
  }
}

/** 503 with Zaqar's "<sentence> Please try again in a few seconds."; `cause` is what failed (for the log). */
export const serviceUnavailable = (sentence: string, cause?: unknown): HttpError =>
  new HttpError(503, 'Service temporarily unavailable', `${sentence} Please try again in a few seconds.`, undefined, cause);

/** A plain 404 as for an unknown route (also the answer to a pre-signed request that does not verify). */
export const routeNotFound = (): HttpError => new HttpError(404, '404 Not Found');

/** A query parameter falcon cannot convert. */
export const invalidParameter = (name: string, why: string): HttpError =>
  new HttpError(400, 'Invalid parameter', `The "${name}" parameter is invalid. ${why}`);

type Rendering = (err: DomainError) => HttpError;

const fixed = (status: number, title: string, description?: string): Rendering => () => new HttpError(status, title, description);
const withText = (status: number, title: string): Rendering => (err) => new HttpError(status, title, err.message);

/** The answer to each domain error code (operations may refine it, e.g. single-message delete). */
const RENDERINGS: Record<Exclude<DomainErrorCode, 'unavailable'>, Rendering> = {
  signature_invalid: () => routeNotFound(),
  // keystonemiddleware answers before Zaqar: its body shape and text, with the strategy's challenge in WWW-Authenticate.
  unauthenticated: (err) => {
    const message = err.message || 'The request you have made requires authentication.';
    return new HttpError(
      401,
      'Unauthorized',
      message,
      err instanceof AuthFailure && err.challenge !== undefined ? { 'WWW-Authenticate': err.challenge } : undefined,
      undefined,
      { error: { code: 401, title: 'Unauthorized', message } },
    );
  },
  forbidden: fixed(403, 'Not authorized', 'You are not authorized to complete this action.'),
  client_id_missing: fixed(400, 'Missing header value', 'The "Client-ID" header is required.'),
  client_id_invalid: fixed(400, 'Wrong UUID value', 'Malformed hexadecimal UUID.'),
  project_missing: fixed(400, 'Project-Id Missing', 'The header X-PROJECT-ID was missing'),
  project_empty: fixed(
    400,
    'Empty project header not allowed',
    'X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.',
  ),
  queue_name_invalid: fixed(400, 'Invalid queue identification', 'The format of the submitted queue name or project id is not valid.'),
  topic_name_invalid: fixed(400, 'Invalid topic identification', 'The format of the submitted topic name or project id is not valid.'),
  // The reference fails with 500 on an unknown extra spec; a clear 400 is kinder.
  extra_spec_unknown: withText(400, 'Invalid API request'),
  invalid_request: withText(400, 'Invalid API request'),
  invalid_body: withText(400, 'Invalid request body'),
  unsupported_media_type: (err) => new HttpError(415, err.message),
  not_found: withText(404, 'Not found'),
  conflict: withText(409, 'Resource conflict'),
  message_claimed: withText(403, 'Unable to delete'),
  // The reference answers 503 for claim mismatches on bulk delete; they are the client's error.
  message_not_claimed: withText(400, 'Unable to delete'),
  claim_invalid: withText(400, 'Unable to delete'),
  subscription_not_updated: withText(400, 'Unable to update subscription'),
  message_conflict: (err) => serviceUnavailable('No messages could be enqueued.', err.cause ?? err),
  pool_incompatible: withText(400, 'Unable to create pool'),
  // Beyond Zaqar (which deletes the pool and strands its queues' messages).
  pool_has_queues: withText(409, 'Resource conflict'),
  pool_in_use_by_flavor: withText(403, 'Unable to delete'),
  flavor_refused: withText(400, 'Unable to create'),
  flavor_update_refused: withText(400, 'updatefail'),
};

/**
 * The HTTP answer to a failure: a DomainError by its code (`unavailable`
 * with its own message when it has one — an auth strategy's "The Keystone
 * service is temporarily unavailable." — else the operation's `sentence`),
 * an HttpError as it is; anything else is not ours to explain and becomes
 * undefined (the caller answers 500).
 */
export function toHttpError(err: unknown, sentence: string | undefined): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (!(err instanceof DomainError)) return undefined;
  if (err.code === 'unavailable') return serviceUnavailable(err.message || sentence || 'Service is unavailable.', err.cause ?? err);
  return RENDERINGS[err.code](err);
}
