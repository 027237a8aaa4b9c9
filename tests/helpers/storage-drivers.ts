/**
 * Builds a storage plugin's drivers the way the server does: import the
 * manifest, load its DI module into a container, resolve the factory by
 * plugin name, call it with the store's option group.
 */
import { Container } from 'inversify';
import { TYPES } from '../../zaqar/bootstrap/tokens';
import { silentLogger } from '../../zaqar/common/logger';
import { type Config, ConfigError } from '../../zaqar/config/options';
import type { ManagementStoreFactory, MessageStoreFactory } from '../../zaqar/storage/factories';
import type { ManagementStore, MessageStore } from '../../zaqar/storage/interfaces';
import type { PluginManifest } from '../../zaqar/plugins/manifest';

/**
 * The drivers get their option group as `options`; reading other groups
 * would be a bug. Errors about options are located like the real Config
 * does, minus the file.
 */
export const ownGroupOnlyConfig: Config = {
  files: [],
  register: () => undefined,
  group: () => {
    throw new Error('storage drivers must not read config groups other than their own');
  },
  withOverrides() {
    return this;
  },
  sections: () => [],
  optionError: (group, option, reason) => new ConfigError(reason, { group, option }),
};

async function resolveFactory<T>(manifest: PluginManifest, token: symbol): Promise<T> {
  const container = new Container();
  container.loadSync(await manifest.load());
  return container.get<T>(token, { name: manifest.name });
}

/** A management store from `manifest` with option group `options`. */
export async function openManagementStore(
  manifest: PluginManifest,
  options: Record<string, unknown>,
  config: Config = ownGroupOnlyConfig,
): Promise<ManagementStore> {
  const factory = await resolveFactory<ManagementStoreFactory>(manifest, TYPES.ManagementStoreFactory);
  return factory({ options, config, logger: silentLogger });
}

/** A message store from `manifest` with option group `options`, beside `control`. */
export async function openMessageStore(
  manifest: PluginManifest,
  options: Record<string, unknown>,
  control: ManagementStore,
  config: Config = ownGroupOnlyConfig,
): Promise<MessageStore> {
  const factory = await resolveFactory<MessageStoreFactory>(manifest, TYPES.MessageStoreFactory);
  return factory({ options, config, logger: silentLogger, control });
}
