/**
 * The storage role: the management and message stores zaqar.conf names
 * (opened through the store loader), the pipeline stages of `[storage]
 * *_pipeline`, and the storage facade the operations use.
 */
import { ContainerModule, type ResolutionContext } from 'inversify';
import { Logger } from '../../common/logger';
import { Config } from '../../config/options';
import { resolve, resolveAsync } from '../../di/token';
import { PluginLoader } from '../../plugins/loader';
import { ManagementStore, MessageStore } from '../../storage/interfaces';
import {
  PIPELINE_RESOURCES,
  PipelineStageFactory,
  PipelineStages,
  type PipelineStage,
  type StagesByResource,
} from '../../storage/pipeline/stage';
import { createStorage, Storage } from '../../storage/storage';
import { StoreLoader } from '../../storage/store-loader';
import { Lifetime } from '../lifetime';
import { PluginSelection } from '../selection';

/** Registers `store` with the lifetime so that it is closed at shutdown (or when start-up fails later on). */
function closedAtExit<T extends { close(): Promise<void> }>(ctx: ResolutionContext, what: string, store: T): T {
  resolve(ctx, Lifetime).onClose(what, () => store.close());
  return store;
}

async function buildStages(ctx: ResolutionContext): Promise<StagesByResource> {
  const selection = resolve(ctx, PluginSelection);
  const plugins = resolve(ctx, PluginLoader);
  const context = {
    config: resolve(ctx, Config),
    logger: resolve(ctx, Logger),
    messageStore: await resolveAsync(ctx, MessageStore),
    managementStore: await resolveAsync(ctx, ManagementStore),
  };
  // A stage listed in several pipelines is built once.
  const built = new Map<string, PipelineStage>();
  const stages: StagesByResource = {};
  for (const resource of PIPELINE_RESOURCES) {
    const list: PipelineStage[] = [];
    for (const manifest of selection.stages[resource]) {
      let stage = built.get(manifest.name);
      if (stage === undefined) {
        const factory = await plugins.factory(manifest, PipelineStageFactory);
        stage = await factory({ ...context, logger: context.logger.child({ component: `stage:${manifest.name}` }) });
        built.set(manifest.name, stage);
      }
      list.push(stage);
    }
    stages[resource] = list;
  }
  return stages;
}

export const storageRole = new ContainerModule(({ bind }) => {
  bind(StoreLoader)
    .toDynamicValue((ctx) => new StoreLoader(resolve(ctx, PluginLoader), resolve(ctx, Config), resolve(ctx, Logger)))
    .inSingletonScope();
  bind(ManagementStore)
    .toDynamicValue(async (ctx) => {
      const plugin = resolve(ctx, PluginSelection).managementStore.name;
      return closedAtExit(ctx, 'management store', await resolve(ctx, StoreLoader).openManagementStore({ plugin }));
    })
    .inSingletonScope();
  bind(MessageStore)
    .toDynamicValue(async (ctx) => {
      const plugin = resolve(ctx, PluginSelection).messageStore.name;
      const managementStore = await resolveAsync(ctx, ManagementStore);
      return closedAtExit(ctx, 'message store', await resolve(ctx, StoreLoader).openMessageStore({ plugin }, managementStore));
    })
    .inSingletonScope();
  bind(PipelineStages).toDynamicValue(buildStages).inSingletonScope();
  bind(Storage)
    .toDynamicValue(async (ctx) =>
      createStorage(
        await resolveAsync(ctx, ManagementStore),
        await resolveAsync(ctx, MessageStore),
        await resolveAsync(ctx, PipelineStages),
        resolve(ctx, Logger).child({ component: 'storage' }),
      ),
    )
    .inSingletonScope();
});
