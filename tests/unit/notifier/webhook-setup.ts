/**
 * What the webhook notifier's unit suites share: the plugin loaded the way
 * the server loads it (manifest → DI module → NotifierFactory named
 * `webhook`), a delivery of one notification, and a signal that never aborts.
 */
import { Container } from 'inversify';
import { manifest } from '../../../plugins/notifier/webhook';
import { WEBHOOK_GROUP } from '../../../plugins/notifier/webhook/options';
import type { Trusts } from '../../../zaqar/auth/trusts';
import { silentLogger } from '../../../zaqar/common/logger';
import { type Delivery, type Notifier, NotifierFactory } from '../../../zaqar/notification/notifier';
import { PluginLoader } from '../../../zaqar/plugins/loader';
import { PluginRegistry } from '../../../zaqar/plugins/registry';
import { defaultConfig } from '../../../zaqar/testing';

/** A registry holding only the webhook plugin. */
export function webhookRegistry(): PluginRegistry {
  const registry = new PluginRegistry(silentLogger);
  registry.add({ manifest }, 'test');
  return registry;
}

/** The webhook notifier with `[drivers:notifier:webhook]` `options`, and Keystone `trusts` if given. */
export async function openWebhookNotifier(options: Record<string, unknown> = {}, trusts?: Trusts): Promise<Notifier> {
  const base = defaultConfig();
  base.register(WEBHOOK_GROUP);
  const config = base.withOverrides(WEBHOOK_GROUP.name, options, 'test');
  const factory = await new PluginLoader(new Container(), webhookRegistry(), config).factory(manifest, NotifierFactory);
  return factory({ config, logger: silentLogger, trusts });
}

/** The delivery of `document` (a notification of queue `document.queue_name`) to `subscriber`. */
export function webhookDelivery(document: { queue_name: string } & Record<string, unknown>, subscriber: string, options: Record<string, unknown> = {}): Delivery {
  return {
    kind: 'notification',
    project: 'p',
    document,
    subscription: { id: 's1', source: document.queue_name, subscriber, ttl: 3600, age: 0, options, confirmed: true },
  };
}

export const never = (): AbortSignal => new AbortController().signal;
