/**
 * The documents subscribers receive, key for key as Zaqar sends them
 * (`zaqar.notification.notifier` and its tasks):
 *
 *     {"ttl": 300, "body": {...}, ["delay": 10,] "Message_Type": "Notification", "queue_name": "q"}
 *
 * and the confirmation notices with a pre-signed link to
 * `PUT …/subscriptions/<id>/confirm`.
 */
import { createSignedUrl } from '../auth/signed-url';
import type { Project } from '../storage/interfaces';
import type { SubscriptionSource } from './service';

/** A posted message as the notification carries it: as accepted by the API, no id, no href. */
export interface PostedMessage {
  ttl: number;
  body: unknown;
  /** Seconds; present on the wire only when the message is delayed. */
  delay?: number;
}

export function notificationDocument(message: PostedMessage, source: string): Record<string, unknown> {
  const document: Record<string, unknown> = { ttl: message.ttl, body: message.body };
  if (message.delay) document.delay = message.delay;
  document.Message_Type = 'Notification';
  document.queue_name = source;
  return document;
}

/** The path a subscriber confirms at; also what the confirmation link signs. */
export function confirmationPath(source: SubscriptionSource, subscriptionId: string): string {
  return `/v2/${source.collection}/${source.name}/subscriptions/${subscriptionId}/confirm`;
}

export interface ConfirmationSettings {
  /** `[signed_url] secret_key`. */
  secretKey: string;
  /** Where the public API is (joined with the confirm path as `WSGISubscribeURL`), when known. */
  publicEndpoint?: string;
}

/**
 * The (un)subscribe confirmation notice (Zaqar's `send_confirm_notification`):
 * a link signed for PUT on the confirm path, for the subscription's project,
 * until `expiresAt`.
 */
export function confirmationDocument(
  settings: ConfirmationSettings,
  source: SubscriptionSource,
  subscriptionId: string,
  project: Project,
  expiresAt: Date,
  unsubscribed: boolean,
): Record<string, unknown> {
  const path = confirmationPath(source, subscriptionId);
  const signed = createSignedUrl(settings.secretKey, [path], { project, methods: ['PUT'], expires: expiresAt.toISOString() });
  const document: Record<string, unknown> = {};
  if (settings.publicEndpoint) document.WSGISubscribeURL = new URL(path, settings.publicEndpoint).toString();
  document.Message_Type = unsubscribed ? 'UnsubscribeConfirmation' : 'SubscriptionConfirmation';
  document.Message = unsubscribed
    ? `You have unsubscribed successfully to the queue: ${source.name}, you can resubscribe it by using confirmed=True.`
    : `You have chosen to subscribe to the queue: ${source.name}`;
  document['URL-Signature'] = signed.signature;
  document['URL-Methods'] = signed.methods[0];
  document['URL-Paths'] = signed.paths[0];
  document['X-Project-ID'] = signed.project;
  document['URL-Expires'] = signed.expires;
  document.SubscribeBody = { confirmed: true };
  document.UnsubscribeBody = { confirmed: false };
  document.queue_name = source.name;
  return document;
}
