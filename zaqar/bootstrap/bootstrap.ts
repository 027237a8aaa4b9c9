/**
 * Builds a server from a loaded configuration (Zaqar's
 * `zaqar.bootstrap.Bootstrap`): discovers plugins and registers their
 * option groups, checks every core option and plugin name, then composes
 * the roles in one inversify container —
 *
 *     config → storage → notification → auth → api → transports
 *
 * (roles/*.ts) — and builds the transports, which pulls in everything they
 * need. Nothing listens until `listen()`.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import { Operations } from '../api/operations';
import type { Logger } from '../common/logger';
import {
  DEFAULT_GROUP,
  DRIVERS_GROUP,
  NOTIFICATION_GROUP,
  OSLO_POLICY_GROUP,
  PLUGINS_GROUP,
  POOLING_CATALOG_GROUP,
  SIGNED_URL_GROUP,
  STORAGE_GROUP,
  TRANSPORT_GROUP,
} from '../config/groups';
import type { Config, OptionGroup } from '../config/options';
import { contributions } from '../di/contributions';
import { resolve, resolveAsync } from '../di/token';
import { notifierStageManifest } from '../notification/stage-manifest';
import { PluginLoader } from '../plugins/loader';
import { PluginRegistry } from '../plugins/registry';
import { Storage } from '../storage/storage';
import { Transport, type ListeningAddress } from '../transport/transport';
import { Lifetime } from './lifetime';
import { apiRole } from './roles/api';
import { authRole } from './roles/auth';
import { configRole } from './roles/config';
import { notificationRole } from './roles/notification';
import { storageRole } from './roles/storage';
import { transportsRole } from './roles/transports';
import { selectPlugins } from './selection';

export interface App {
  container: Container;
  storage: Storage;
  operations: Operations;
  transports: Transport[];
  /** Starts every transport; resolves with their addresses, in `[drivers] transport` order. */
  listen(): Promise<ListeningAddress[]>;
  /** Stops the transports (gracefully, up to `graceMs`), then closes everything the roles opened. */
  close(graceMs?: number): Promise<void>;
}

export interface BootstrapOptions {
  config: Config;
  logger: Logger;
  /** Defaults to the built-in plugins, `[plugins] paths` and installed zaqar-plugin-* packages. */
  registry?: PluginRegistry;
  /** False builds everything but the transports (zaqar-manage). */
  transports?: boolean;
}

const CORE_GROUPS_READ: readonly OptionGroup[] = [
  DEFAULT_GROUP,
  DRIVERS_GROUP,
  TRANSPORT_GROUP,
  SIGNED_URL_GROUP,
  OSLO_POLICY_GROUP,
  PLUGINS_GROUP,
  STORAGE_GROUP,
  POOLING_CATALOG_GROUP,
  NOTIFICATION_GROUP,
];

export function discoverPlugins(config: Config, logger: Logger): PluginRegistry {
  const registry = new PluginRegistry(logger);
  registry.add({ manifest: notifierStageManifest }, 'zaqar/notification');
  registry.addBuiltins();
  for (const path of config.get(PLUGINS_GROUP).paths) registry.addFromPath(path);
  registry.addInstalledPackages();
  return registry;
}

export async function bootstrap(options: BootstrapOptions): Promise<App> {
  const { config, logger } = options;
  // Resolving the core groups the server reads up front turns a bad value into a start-up error
  // (groups it never reads are not checked, as with oslo.config).
  for (const group of CORE_GROUPS_READ) config.get(group);
  const registry = options.registry ?? discoverPlugins(config, logger);
  for (const manifest of registry.all()) for (const group of manifest.optionGroups ?? []) config.register(group);

  const container = new Container();
  const plugins = new PluginLoader(container, registry, config);
  const selection = selectPlugins(config, plugins);
  const transportManifests = options.transports === false ? [] : selection.transports;
  container.loadSync(configRole(config, logger, plugins, selection), storageRole, notificationRole, authRole, apiRole, transportsRole(transportManifests));

  const lifetime = resolve(container, Lifetime);
  try {
    const transports = await contributions(container, Transport);
    const storage = await resolveAsync(container, Storage);
    const operations = await resolveAsync(container, Operations);
    return {
      container,
      storage,
      operations,
      transports,
      listen: async () => {
        const addresses: ListeningAddress[] = [];
        for (const transport of transports) addresses.push(await transport.listen());
        return addresses;
      },
      async close(graceMs?: number) {
        await Promise.all(transports.map((transport) => transport.close(graceMs)));
        await lifetime.close();
      },
    };
  } catch (err) {
    await lifetime.close();
    throw err;
  }
}
