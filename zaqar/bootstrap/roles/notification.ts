/**
 * The notification role (zaqar/notification): bound always, built only
 * when something asks — the notifier stage (`[storage] message_pipeline =
 * zaqar.notification.notifier`) or the subscription operations when
 * `[notification] require_confirmation` is on. It works on a facade of the
 * stores without pipeline stages, starts the dispatcher and stops it at
 * shutdown, before the stores close. Notifiers get the auth strategy's
 * Keystone trusts, when it has them (trust+http(s) subscribers).
 */
import { ContainerModule, type ResolutionContext } from 'inversify';
import { MessageCipher } from '../../api/rules/encryption';
import { AuthStrategy } from '../../auth/strategy';
import { Logger } from '../../common/logger';
import { NOTIFICATION_GROUP, SIGNED_URL_GROUP, TRANSPORT_GROUP } from '../../config/groups';
import { Config } from '../../config/options';
import { resolve, resolveAsync } from '../../di/token';
import { DEFAULT_BASE_COOLDOWN_MS } from '../../notification/breaker';
import { DEFAULT_DISPATCHER_SETTINGS } from '../../notification/dispatcher';
import { Notifications, type NotificationSettings } from '../../notification/notifications';
import { Notifiers } from '../../notification/notifiers';
import { SubscriptionNotices } from '../../notification/service';
import { NOTIFIER_STAGE } from '../../notification/stage-manifest';
import { PluginLoader } from '../../plugins/loader';
import { ManagementStore, MessageStore } from '../../storage/interfaces';
import { createStorage } from '../../storage/storage';
import { Lifetime } from '../lifetime';
import { PluginSelection } from '../selection';

/** Notifications are wanted: the notifier stage is in a pipeline, or confirmation is required. */
export function notificationsWanted(ctx: ResolutionContext): boolean {
  const selection = resolve(ctx, PluginSelection);
  const staged = Object.values(selection.stages).some((stages) => stages.some((m) => m.name === NOTIFIER_STAGE));
  return staged || resolve(ctx, Config).get(NOTIFICATION_GROUP).require_confirmation;
}

export const notificationRole = new ContainerModule(({ bind }) => {
  bind(Notifications)
    .toDynamicValue(async (ctx) => {
      const config = resolve(ctx, Config);
      const logger = resolve(ctx, Logger).child({ component: 'notifications' });
      const notification = config.get(NOTIFICATION_GROUP);
      const secretKey = config.get(SIGNED_URL_GROUP).secret_key ?? undefined;
      if (notification.require_confirmation && secretKey === undefined) {
        logger.error('[notification] require_confirmation is on but [signed_url] secret_key is unset: no confirmation can be sent');
      }
      const settings: NotificationSettings = {
        dispatcher: {
          ...DEFAULT_DISPATCHER_SETTINGS,
          requireConfirmation: notification.require_confirmation && secretKey !== undefined,
          concurrency: notification.max_notifier_workers,
          breaker: {
            failureThreshold: notification.breaker_failure_threshold,
            baseCooldownMs: DEFAULT_BASE_COOLDOWN_MS,
            maxCooldownMs: notification.breaker_max_cooldown * 1000,
          },
        },
        confirmation: notification.require_confirmation && secretKey !== undefined ? { secretKey } : undefined,
      };
      // A facade without stages: the notifier's own work never passes the notifier stage.
      const storage = createStorage(await resolveAsync(ctx, ManagementStore), await resolveAsync(ctx, MessageStore));
      // Resolved before this role registers its closer, so the strategy (and its Keystone connections) closes after the notifiers.
      const { trusts } = await resolveAsync(ctx, AuthStrategy);
      const notifications = new Notifications(
        storage,
        new Notifiers(resolve(ctx, PluginLoader), config, logger, { trusts }),
        new MessageCipher(config.get(TRANSPORT_GROUP).message_encryption_key),
        settings,
        logger,
      );
      resolve(ctx, Lifetime).onClose('notifications', () => notifications.close());
      notifications.start();
      return notifications;
    })
    .inSingletonScope();
  bind(SubscriptionNotices)
    .toDynamicValue(async (ctx) => (notificationsWanted(ctx) ? resolveAsync(ctx, Notifications) : undefined) as unknown as SubscriptionNotices)
    .inSingletonScope();
});
