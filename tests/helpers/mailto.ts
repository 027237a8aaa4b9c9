/**
 * The mailto notifier built the way the server builds a plugin (manifest →
 * DI module → NotifierFactory named `mailto`) from a zaqar.conf text, and
 * the deliveries the core hands it.
 */
import { Container } from 'inversify';
import { manifest as mailtoManifest } from '../../plugins/notifier/mailto';
import { silentLogger } from '../../zaqar/common/logger';
import { OsloConfig } from '../../zaqar/config/config';
import { CORE_OPTION_GROUPS } from '../../zaqar/config/groups';
import { parseIni } from '../../zaqar/config/ini';
import { type Delivery, type DeliveryKind, type Notifier, NotifierFactory } from '../../zaqar/notification/notifier';
import { PluginLoader } from '../../zaqar/plugins/loader';
import { PluginRegistry } from '../../zaqar/plugins/registry';
import type { SmtpServer } from '../../tools/services/smtp';

export const QUEUE = 'fizbit';
export const PROJECT = 'proj1';
export const SUBSCRIPTION_ID = '874893a8-dc73-40ba-a9b4-11e513fd148c';

/** A mailto notifier from `conf` (a zaqar.conf text), with every plugin option group registered as at start-up. */
export async function openMailtoNotifier(conf: string): Promise<Notifier> {
  const config = new OsloConfig({ files: [parseIni(conf, 'zaqar.conf')] });
  for (const group of CORE_OPTION_GROUPS) config.register(group);
  for (const group of mailtoManifest.optionGroups ?? []) config.register(group);
  const registry = new PluginRegistry(silentLogger);
  registry.add({ manifest: mailtoManifest }, 'tests');
  const loader = new PluginLoader(new Container(), registry, config);
  const factory = await loader.factory(registry.get('notifier', 'mailto'), NotifierFactory);
  return factory({ config, logger: silentLogger });
}

/** zaqar.conf for SMTP delivery to `server` (its login if it wants one, its CA trusted), with more `[notification:mailto]` and `[notification]` values. */
export function smtpConf(server: SmtpServer, mailto: Record<string, string | number | boolean> = {}, notification: Record<string, string> = {}): string {
  const lines = ['[notification]', 'smtp_mode = self_local', `smtp_host = ${server.host}`, `smtp_port = ${server.port}`];
  if (server.user !== undefined) lines.push(`smtp_user_name = ${server.user}`, `smtp_user_password = ${server.password ?? ''}`);
  for (const [k, v] of Object.entries(notification)) lines.push(`${k} = ${v}`);
  lines.push('[notification:mailto]', `smtp_tls_ca_file = ${server.caFile}`);
  for (const [k, v] of Object.entries(mailto)) lines.push(`${k} = ${v}`);
  return lines.join('\n') + '\n';
}

/** A posted message as the core sends it to subscribers (key order as Zaqar's). */
export function notificationDocument(body: unknown, ttl = 300): Record<string, unknown> {
  return { ttl, body, Message_Type: 'Notification', queue_name: QUEUE };
}

export function delivery(kind: DeliveryKind, subscriber: string, document: Record<string, unknown>, options: Record<string, unknown> = {}): Delivery {
  return {
    kind,
    project: PROJECT,
    document,
    subscription: { id: SUBSCRIPTION_ID, source: QUEUE, subscriber, ttl: 3600, age: 0, options, confirmed: true },
  };
}

export function notification(subscriber: string, body: unknown, options: Record<string, unknown> = {}): Delivery {
  return delivery('notification', subscriber, notificationDocument(body), options);
}

/** A confirmation document as Zaqar's `send_confirm_notification` builds it. */
export function confirmationDocument(kind: 'subscription_confirmation' | 'unsubscribe_confirmation', wsgiUrl?: string): Record<string, unknown> {
  const path = `/v2/queues/${QUEUE}/subscriptions/${SUBSCRIPTION_ID}/confirm`;
  return {
    ...(wsgiUrl ? { WSGISubscribeURL: wsgiUrl + path } : {}),
    Message_Type: kind === 'subscription_confirmation' ? 'SubscriptionConfirmation' : 'UnsubscribeConfirmation',
    Message:
      kind === 'subscription_confirmation'
        ? `You have chosen to subscribe to the queue: ${QUEUE}`
        : `You have unsubscribed successfully to the queue: ${QUEUE}, you can resubscribe it by using confirmed=True.`,
    'URL-Signature': '8a1090d50b4a4a7dde1c1b37e0d4a7793a4e4d41e9eff6e3976367453c0aa5c3',
    'URL-Methods': 'PUT',
    'URL-Paths': path,
    'X-Project-ID': PROJECT,
    'URL-Expires': '2026-11-27T01:10:37',
    SubscribeBody: { confirmed: true },
    UnsubscribeBody: { confirmed: false },
    queue_name: QUEUE,
  };
}

/** A signal that never aborts. */
export function never(): AbortSignal {
  return new AbortController().signal;
}
