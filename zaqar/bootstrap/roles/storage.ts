/**
 * The storage role: the management and message stores zaqar.conf names
 * (opened through the store loader), the pipeline stages of `[storage]
 * *_pipeline`, and the storage facade the operations use.
 */
import { ContainerModule, type ResolutionContext } from 'inversify';
import { Logger } from '../../common/logger';
import { DEFAULT_GROUP, POOLING_CATALOG_GROUP } from '../../config/groups';
import { Config } from '../../config/options';
import { PoolingAdmin } from '../../pooling/admin';
import { Catalog, type CatalogSettings } from '../../pooling/catalog';
import { QueueMover } from '../../pooling/mover';
import { PooledMessageStore } from '../../pooling/pooled-store';
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

/** How long an API node trusts a queue's placement and a pool's record (Zaqar's catalog cache: 10 s). */
const CATALOG_CACHE_TTL_MS = 10_000;

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
      const managementStore = await resolveAsync(ctx, ManagementStore);
      if (resolve(ctx, Config).get(DEFAULT_GROUP).pooling) {
        const pooled = new PooledMessageStore(await resolveAsync(ctx, Catalog), managementStore, resolve(ctx, Logger).child({ component: 'pooling' }));
        return closedAtExit(ctx, 'pools', pooled);
      }
      const plugin = resolve(ctx, PluginSelection).messageStore.name;
      return closedAtExit(ctx, 'message store', await resolve(ctx, StoreLoader).openMessageStore({ plugin }, managementStore));
    })
    .inSingletonScope();
  // Pooling (`[DEFAULT] pooling`): the catalog, and what the pool and flavor operations use.
  bind(Catalog)
    .toDynamicValue(async (ctx) => {
      const config = resolve(ctx, Config);
      const loader = resolve(ctx, StoreLoader);
      const managementStore = await resolveAsync(ctx, ManagementStore);
      const virtualPlugin = resolve(ctx, PluginSelection).messageStore.name;
      const settings: CatalogSettings = {
        ttlMs: CATALOG_CACHE_TTL_MS,
        openVirtualPool: config.get(POOLING_CATALOG_GROUP).enable_virtual_pool
          ? () => loader.openMessageStore({ plugin: virtualPlugin, label: 'virtual pool' }, managementStore)
          : undefined,
      };
      return new Catalog(managementStore, loader, settings, resolve(ctx, Logger).child({ component: 'catalog' }));
    })
    .inSingletonScope();
  bind(QueueMover)
    .toDynamicValue(async (ctx) =>
      new QueueMover(await resolveAsync(ctx, Catalog), await resolveAsync(ctx, ManagementStore), { ttlMs: CATALOG_CACHE_TTL_MS }, resolve(ctx, Logger).child({ component: 'mover' })),
    )
    .inSingletonScope();
  bind(PoolingAdmin)
    .toDynamicValue(async (ctx) =>
      new PoolingAdmin(
        await resolveAsync(ctx, ManagementStore),
        resolve(ctx, StoreLoader),
        resolve(ctx, PluginLoader).registry,
        resolve(ctx, Logger).child({ component: 'pooling' }),
      ),
    )
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
