/**
 * What one webhook POST sends (Zaqar's `WebhookTask.execute`): to the
 * subscriber URI, headers `Content-Type: application/json` updated with the
 * subscription's `post_headers`, and the notification document as JSON — or
 * the subscription's `post_data` with every `"$zaqar_message$"` (quotes
 * included) replaced by it. Pure: notifier.ts sends it.
 *
 * Where Zaqar's task raises before or at every attempt, so that nothing is
 * ever delivered, the request is refused here as `failed` instead of being
 * retried for nothing: a subscriber URI requests rejects (no host, bad
 * port, ...), `post_headers` that is no object, a header value that is no
 * string (requests' InvalidHeader: its values must be str or bytes), a
 * `post_data` that is no string.
 *
 * A trust+http(s) subscriber (Zaqar's `TrustTask`) is posted to without
 * its `trust+` (the first 6 characters), with `X-Auth-Token: <the trust
 * token>` set before `post_headers` are merged (so, as in Zaqar, a
 * `post_headers` X-Auth-Token replaces it).
 */
import { notificationJson, type Delivery } from '../../../zaqar/notification/notifier';

/** The placeholder in `post_data`, quotes included (17 characters). */
export const MESSAGE_PLACEHOLDER = '"$zaqar_message$"';

/** The prefix of trust+http(s) subscribers, stripped before posting. */
const TRUST_PREFIX = 'trust+';

/** A trust+http(s) subscriber (scheme names are case-insensitive). */
export function isTrustSubscriber(subscriber: string): boolean {
  return subscriber.slice(0, TRUST_PREFIX.length).toLowerCase() === TRUST_PREFIX;
}

/**
 * Headers the connection owns (length, framing, keep-alive): taken from
 * `post_headers` they would contradict the request, so they are left out.
 */
const TRANSPORT_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'content-length']);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;

export interface WebhookRequest {
  url: URL;
  /** Name → value, names as given (the last spelling of a name given twice, case aside, wins). */
  headers: Record<string, string>;
  body: string;
}

export type BuiltRequest = { ok: true; request: WebhookRequest } | { ok: false; reason: string };

const refuse = (reason: string): BuiltRequest => ({ ok: false, reason });

/** An absolute http(s) URL with a host, as requests would accept it. */
function subscriberUrl(subscriber: string): URL | undefined {
  // WHATWG parsing forgives `http:/host`; requests does not ("No host supplied").
  if (!/^https?:\/\/[^/?#]/i.test(subscriber)) return undefined;
  try {
    const url = new URL(subscriber);
    return url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}

function headersOf(postHeaders: unknown, present: boolean, authToken: string | undefined): Record<string, string> | string {
  // Case-insensitive, as requests' CaseInsensitiveDict: a later spelling replaces an earlier one.
  const byName = new Map<string, [string, string]>();
  if (authToken !== undefined) byName.set('x-auth-token', ['X-Auth-Token', authToken]);
  byName.set('content-type', ['Content-Type', 'application/json']);
  if (present) {
    if (typeof postHeaders !== 'object' || postHeaders === null || Array.isArray(postHeaders)) {
      return 'post_headers must be an object';
    }
    for (const [name, value] of Object.entries(postHeaders)) {
      if (typeof value !== 'string') return `post_headers: the value of ${JSON.stringify(name)} must be a string`;
      if (!HEADER_NAME.test(name)) return `post_headers: ${JSON.stringify(name)} is not a valid header name`;
      if (BAD_HEADER_VALUE.test(value)) return `post_headers: the value of ${JSON.stringify(name)} contains CR, LF or NUL`;
      if (!TRANSPORT_HEADERS.has(name.toLowerCase())) byName.set(name.toLowerCase(), [name, value]);
    }
  }
  return Object.fromEntries(byName.values());
}

/** The POST for `delivery` (with `authToken`, the trust token of a trust subscriber), or why it can never be sent. */
export function buildWebhookRequest(delivery: Delivery, authToken?: string): BuiltRequest {
  const { subscriber, options } = delivery.subscription;
  const url = subscriberUrl(isTrustSubscriber(subscriber) ? subscriber.slice(TRUST_PREFIX.length) : subscriber);
  if (!url) return refuse(`malformed subscriber URI ${JSON.stringify(subscriber)}`);

  const headers = headersOf(options.post_headers, 'post_headers' in options, authToken);
  if (typeof headers === 'string') return refuse(headers);

  const document = notificationJson(delivery.document);
  let body = document;
  if ('post_data' in options) {
    const template = options.post_data;
    if (typeof template !== 'string') return refuse('post_data must be a string');
    // Python's str.replace: every occurrence, left to right; split/join keeps `$` in the document literal.
    body = template.split(MESSAGE_PLACEHOLDER).join(document);
  }
  return { ok: true, request: { url, headers, body } };
}
