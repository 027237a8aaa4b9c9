/**
 * Builds a storage plugin's stores the way the server does: through the
 * store loader, which loads the plugin's DI module, resolves its factory by
 * name and calls it with the plugin's option group, the given options laid
 * over it (as a pool's options will be).
 */
import { Container } from 'inversify';
import { silentLogger } from '../common/logger';
import { OsloConfig } from '../config/config';
import { CORE_OPTION_GROUPS } from '../config/groups';
import type { Config } from '../config/options';
import { PluginLoader } from '../plugins/loader';
import type { PluginManifest } from '../plugins/manifest';
import { PluginRegistry } from '../plugins/registry';
import type { ManagementStore, MessageStore } from '../storage/interfaces';
import { StoreLoader } from '../storage/store-loader';
import type { ManagementStoreFixture, MessageStoreFixture } from './conformance/harness';

/** A configuration without files: every option at its default, the core groups registered. */
export function defaultConfig(): OsloConfig {
  const config = new OsloConfig();
  for (const group of CORE_OPTION_GROUPS) config.register(group);
  return config;
}

/** A store loader that knows only `manifests` (each store gets its own container, as a process would). */
export function storeLoader(manifests: readonly PluginManifest[], config: Config = defaultConfig()): StoreLoader {
  const registry = new PluginRegistry(silentLogger);
  registry.add({ manifest: [...manifests] }, 'tests');
  return new StoreLoader(new PluginLoader(new Container(), registry, config), config, silentLogger);
}

/** A management store from `manifest` with `options` over its option group. */
export async function openManagementStore(
  manifest: PluginManifest,
  options: Record<string, unknown>,
  config?: Config,
): Promise<ManagementStore> {
  return storeLoader([manifest], config).openManagementStore({ plugin: manifest.name, options });
}

/** A message store from `manifest` with `options` over its option group, beside `managementStore`. */
export async function openMessageStore(
  manifest: PluginManifest,
  options: Record<string, unknown>,
  managementStore: ManagementStore,
  config?: Config,
): Promise<MessageStore> {
  return storeLoader([manifest], config).openMessageStore({ plugin: manifest.name, options }, managementStore);
}

/**
 * A conformance fixture from two openers: the management store, then the
 * message store beside it (the management store is closed again if that
 * fails); `cleanup` closes both, then runs `after` (drop the backend's data).
 */
export async function messageStoreFixture(
  openManagement: () => Promise<ManagementStore>,
  openMessage: (managementStore: ManagementStore) => Promise<MessageStore>,
  after: () => Promise<void> | void = () => undefined,
): Promise<MessageStoreFixture> {
  const managementStore = await openManagement();
  const messageStore = await openMessage(managementStore).catch(async (err: unknown) => {
    await managementStore.close();
    throw err;
  });
  return {
    messageStore,
    managementStore,
    async cleanup() {
      await messageStore.close();
      await managementStore.close();
      await after();
    },
  };
}

/** A management-store conformance fixture; `cleanup` closes it, then runs `after`. */
export async function managementStoreFixture(
  openManagement: () => Promise<ManagementStore>,
  after: () => Promise<void> | void = () => undefined,
): Promise<ManagementStoreFixture> {
  const managementStore = await openManagement();
  return {
    managementStore,
    async cleanup() {
      await managementStore.close();
      await after();
    },
  };
}
