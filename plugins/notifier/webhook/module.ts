/**
 * DI wiring of the webhook notifier: binds its NotifierFactory under the
 * plugin name. Required only when a webhook subscriber is notified.
 */
import { ContainerModule } from 'inversify';
import { type NotifierContext, NotifierFactory } from '../../../zaqar/notification/notifier';
import { WebhookNotifier } from './notifier';
import { readWebhookOptions } from './options';

export const PLUGIN_NAME = 'webhook';

export const createWebhookNotifier: NotifierFactory = (context: NotifierContext) =>
  new WebhookNotifier(readWebhookOptions(context.config), context.logger.child({ notifier: PLUGIN_NAME }), context.trusts);

export function createWebhookModule(): ContainerModule {
  return new ContainerModule((options) => {
    options.bind(NotifierFactory).toConstantValue(createWebhookNotifier).whenNamed(PLUGIN_NAME);
  });
}
