/**
 * The notifier stage as a `pipeline_stage` plugin of the core, so that
 * `[storage] message_pipeline = zaqar.notification.notifier` selects it by
 * Zaqar's name like any other stage. Its factory hands out the process's
 * Notifications (bound by the notification role).
 */
import { ContainerModule } from 'inversify';
import { resolveAsync } from '../di/token';
import type { PluginManifest } from '../plugins/manifest';
import { PipelineStageFactory } from '../storage/pipeline/stage';
import { Notifications } from './notifications';

export const NOTIFIER_STAGE = 'zaqar.notification.notifier';

export const notifierStageManifest: PluginManifest = {
  kind: 'pipeline_stage',
  name: NOTIFIER_STAGE,
  description: 'notifies the subscriptions of a queue of every message posted to it (durably, out of band)',
  load: () =>
    new ContainerModule(({ bind }) => {
      bind(PipelineStageFactory)
        .toDynamicValue((ctx) => async () => (await resolveAsync(ctx, Notifications)).stage)
        .whenNamed(NOTIFIER_STAGE);
    }),
};
