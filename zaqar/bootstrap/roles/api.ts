/**
 * The api role: the transport-neutral operations over the storage facade,
 * with `[transport]` limits and defaults, and the request pipeline every
 * transport runs before an operation (the stages of every role, in order).
 */
import { ContainerModule } from 'inversify';
import { Operations } from '../../api/operations';
import { QueueSettingsCache } from '../../api/operations/settings-cache';
import { RequestPipeline } from '../../api/request/pipeline';
import { RequestStage } from '../../api/request/stage';
import { extraSpecStage } from '../../api/request/stages/extra-spec';
import { identificationStage } from '../../api/request/stages/identification';
import { identityStage } from '../../api/request/stages/identity';
import { LongPollHub } from '../../api/long-poll';
import { MessageCipher } from '../../api/rules/encryption';
import type { ApiSettings } from '../../api/settings';
import { Validator } from '../../api/validation';
import { Logger } from '../../common/logger';
import { DEFAULT_GROUP, SIGNED_URL_GROUP, STORAGE_GROUP, TRANSPORT_GROUP } from '../../config/groups';
import { Config } from '../../config/options';
import { contributions } from '../../di/contributions';
import { resolve, resolveAsync } from '../../di/token';
import { SubscriptionNotices } from '../../notification/service';
import { PoolingAdmin } from '../../pooling/admin';
import { Storage } from '../../storage/storage';
import { Lifetime } from '../lifetime';

export const apiRole = new ContainerModule(({ bind }) => {
  bind(Validator)
    .toDynamicValue((ctx) => new Validator(resolve(ctx, Config).get(TRANSPORT_GROUP)))
    .inSingletonScope();
  bind(Operations)
    .toDynamicValue(async (ctx) => {
      const config = resolve(ctx, Config);
      const limits = config.get(TRANSPORT_GROUP);
      const settings: ApiSettings = {
        limits,
        enableChecksum: config.get(DEFAULT_GROUP).enable_checksum,
        secretKey: config.get(SIGNED_URL_GROUP).secret_key ?? undefined,
        encryptionKey: limits.message_encryption_key,
      };
      const storage = await resolveAsync(ctx, Storage);
      // Transports abort their own waiting requests when they close; this ends any left (other transports).
      const hub = new LongPollHub(limits.max_long_poll_waiters, storage.signals);
      resolve(ctx, Lifetime).onClose('long-poll waiters', async () => hub.close());
      return new Operations({
        storage,
        longPoll: hub,
        validator: resolve(ctx, Validator),
        settings,
        cipher: new MessageCipher(settings.encryptionKey),
        logger: resolve(ctx, Logger).child({ component: 'api' }),
        pooling: config.get(DEFAULT_GROUP).pooling ? await resolveAsync(ctx, PoolingAdmin) : undefined,
        notices: (await resolveAsync(ctx, SubscriptionNotices)) ?? undefined,
        settingsCache: new QueueSettingsCache(config.get(STORAGE_GROUP).queue_settings_cache_seconds * 1000),
      });
    })
    .inSingletonScope();

  bind(RequestStage).toConstantValue(identityStage);
  bind(RequestStage).toDynamicValue((ctx) => identificationStage(resolve(ctx, Validator)));
  bind(RequestStage).toConstantValue(extraSpecStage);
  bind(RequestPipeline)
    .toDynamicValue(async (ctx) => new RequestPipeline(await contributions(ctx, RequestStage)))
    .inSingletonScope();
});
