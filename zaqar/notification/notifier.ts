/**
 * The notifier contract: a plugin of kind `notifier` delivers one document
 * to one subscriber over the channel its URI scheme names (Zaqar's
 * `zaqar.notification.tasks`: webhook for `http`/`https`, mailto, trust for
 * `trust+http`/`trust+https`). The manifest lists the schemes in
 * `uriSchemes`; a subscriber whose scheme no loaded notifier serves gets
 * nothing (and `[notification] subscriber_types` refuses it at creation).
 *
 * A notifier sends once and says how it went. Retries, back-off, the
 * per-subscriber concurrency and the durable outbox are the core's
 * (zaqar/notification), the same for every channel.
 */
import type { Trusts } from '../auth/trusts';
import type { Config } from '../config/options';
import type { Logger } from '../common/logger';
import { dumpJsonAscii } from '../common/json';
import { token } from '../di/token';
import type { Project, Subscription } from '../storage/interfaces';

/**
 * What is being sent:
 * - `notification`: a posted message (`{ttl, body, [delay], Message_Type: "Notification", queue_name}`);
 * - `subscription_confirmation`: the signed link to confirm a new subscription;
 * - `unsubscribe_confirmation`: the notice sent when a subscription is set to unconfirmed.
 */
export type DeliveryKind = 'notification' | 'subscription_confirmation' | 'unsubscribe_confirmation';

export interface Delivery {
  kind: DeliveryKind;
  /** The subscription as stored (`options` carries `post_headers`, `post_data`, `from`, `subject`, `trust_id`). */
  subscription: Subscription;
  project: Project;
  /**
   * The document Zaqar sends, key order as Zaqar's. For confirmations it
   * holds `Message_Type`, `Message`, `URL-Signature`, `URL-Methods`,
   * `URL-Paths`, `X-Project-ID`, `URL-Expires`, `SubscribeBody`,
   * `UnsubscribeBody`, `queue_name` (and `WSGISubscribeURL` first when the
   * public endpoint is known). Serialise it with `notificationJson`.
   */
  document: Record<string, unknown>;
}

/**
 * How one attempt went:
 * - `delivered`: the subscriber has it (webhook: status 200–499);
 * - `retry`: a transient failure (connection error, timeout, 5xx, SMTP 4xx): the core retries by the policy;
 * - `failed`: it can never work (malformed URI, SMTP 5xx on the recipient): the core gives up and logs `reason`.
 */
export type DeliveryOutcome = { status: 'delivered' } | { status: 'retry'; reason: string } | { status: 'failed'; reason: string };

/** Who asks for a subscription (for `register`, e.g. to create a Keystone trust on the caller's behalf). */
export interface Subscriber {
  project: Project;
  userId?: string;
  roles: readonly string[];
  authToken?: string;
}

export interface Notifier {
  /**
   * Sends one document once. Must settle: a notifier sets its own timeout
   * on every network call and also stops when `signal` aborts (shutdown).
   * Throwing counts as `retry`.
   */
  deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome>;
  /**
   * Optional: called before a new subscription with this notifier's scheme
   * is stored; returns the options to store (trust: adds `trust_id`).
   * Throwing refuses the subscription (TrustNotOwned: 400, else 503). Also
   * called before a PATCH of the subscriber or options is applied when the
   * resulting options name a `trust_id` (its result is not stored then).
   */
  register?(subscriber: string, options: Record<string, unknown>, ttl: number, who: Subscriber): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface NotifierContext {
  config: Config;
  logger: Logger;
  /**
   * Keystone trusts (the auth strategy's), when the process has them: for
   * the schemes a manifest lists in `schemeRequirements` as needing
   * `trusts`, which are served only then.
   */
  trusts?: Trusts;
}

/** What a notifier scheme may need of the process beyond config and logger (keys of NotifierContext). */
export type NotifierRequirement = 'trusts';

/** Bound by a `notifier` plugin, named by the plugin's name. */
export type NotifierFactory = (context: NotifierContext) => Notifier | Promise<Notifier>;
export const NotifierFactory = token<NotifierFactory>('NotifierFactory');

/** A document as Zaqar puts it on the wire: Python's `json.dumps` (ASCII-escaped, `", "` and `": "` separators). */
export function notificationJson(document: unknown): string {
  return dumpJsonAscii(document);
}
