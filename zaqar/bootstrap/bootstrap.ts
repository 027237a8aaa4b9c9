/**
 * Builds a running server from a loaded configuration (Zaqar's
 * `zaqar.bootstrap.Bootstrap`): discovers plugins, registers their option
 * groups, validates every option the process will use, loads the selected
 * plugins' DI modules into one inversify container, constructs the stores,
 * the API and the transport.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import { ApiV2, type PolicyChecker } from '../api/v2/api';
import type { ApiSettings } from '../api/v2/common';
import type { Logger } from '../common/logger';
import type { DefaultOptions, DriversOptions, TransportOptions } from '../config/groups';
import { ConfigError, type Config } from '../config/options';
import type { PluginKind, PluginManifest } from '../plugins/manifest';
import { PluginRegistry, UnknownPluginError } from '../plugins/registry';
import { SingleStoreStorage, type Storage } from '../storage/facade';
import type { ManagementStoreFactory, MessageStoreFactory } from '../storage/factories';
import type { Transport, TransportFactory } from '../transport/transport';
import { TYPES } from './tokens';

export interface App {
  container: Container;
  storage: Storage;
  api: ApiV2;
  transport: Transport;
  /** Stops the transport (graceful), then closes the stores. */
  close(graceMs?: number): Promise<void>;
}

export interface BootstrapOptions {
  config: Config;
  logger: Logger;
  /** Builds the policy engine from the configuration. */
  policy: (config: Config, logger: Logger) => PolicyChecker;
  /** Defaults to the built-in plugins, `[plugins] paths` and installed zaqar-plugin-* packages. */
  registry?: PluginRegistry;
}

/** Every core group the server reads; resolving them up front turns bad values into start-up errors. */
const CORE_GROUPS_READ = ['DEFAULT', 'drivers', 'transport', 'drivers:transport:wsgi', 'signed_url', 'oslo_policy', 'plugins'];

export function discoverPlugins(config: Config, logger: Logger): PluginRegistry {
  const registry = new PluginRegistry(logger);
  registry.addBuiltins();
  const { paths } = config.group<{ paths: string[] }>('plugins');
  for (const p of paths) registry.addFromPath(p);
  registry.addInstalledPackages();
  return registry;
}

function selectPlugin(
  config: Config,
  registry: PluginRegistry,
  kind: PluginKind,
  name: string,
  option: keyof DriversOptions,
): PluginManifest {
  try {
    return registry.get(kind, name);
  } catch (err) {
    if (err instanceof UnknownPluginError) throw config.optionError('drivers', option, err.message);
    throw err;
  }
}

/** The plugin's own option group, e.g. `drivers:message_store:sqlite`, resolved; `{}` when it declares none. */
function pluginOptions(config: Config, manifest: PluginManifest, group: string): Record<string, unknown> {
  const declared = manifest.optionGroups?.some((g) => g.name === group);
  return declared ? config.group<Record<string, unknown>>(group) : {};
}

export async function bootstrap(options: BootstrapOptions): Promise<App> {
  const { config, logger } = options;
  for (const group of CORE_GROUPS_READ) config.group(group);
  const defaults = config.group<DefaultOptions>('DEFAULT');
  const drivers = config.group<DriversOptions>('drivers');
  if (defaults.pooling) {
    throw new ConfigError('pooling is not supported by this release yet', { group: 'DEFAULT', option: 'pooling' });
  }
  if (defaults.auth_strategy) {
    throw new ConfigError(`auth strategy '${defaults.auth_strategy}' is not supported by this release yet`, {
      group: 'DEFAULT',
      option: 'auth_strategy',
    });
  }

  const registry = options.registry ?? discoverPlugins(config, logger);
  for (const manifest of registry.all()) for (const group of manifest.optionGroups ?? []) config.register(group);

  const transportPlugin = selectPlugin(config, registry, 'transport', drivers.transport, 'transport');
  const dataPlugin = selectPlugin(config, registry, 'message_store', drivers.message_store, 'message_store');
  const controlPlugin = selectPlugin(config, registry, 'management_store', drivers.management_store, 'management_store');
  const controlOptions = pluginOptions(config, controlPlugin, `drivers:management_store:${controlPlugin.name}`);
  const dataOptions = pluginOptions(config, dataPlugin, `drivers:message_store:${dataPlugin.name}`);

  const container = new Container();
  container.bind(TYPES.Config).toConstantValue(config);
  container.bind(TYPES.Logger).toConstantValue(logger);
  for (const plugin of [controlPlugin, dataPlugin, transportPlugin]) container.loadSync(await plugin.load());

  const control = await container
    .get<ManagementStoreFactory>(TYPES.ManagementStoreFactory, { name: controlPlugin.name })({
      options: controlOptions,
      config,
      logger: logger.child({ component: `management_store:${controlPlugin.name}` }),
    });
  let storage: Storage;
  try {
    const data = await container.get<MessageStoreFactory>(TYPES.MessageStoreFactory, { name: dataPlugin.name })({
      options: dataOptions,
      config,
      logger: logger.child({ component: `message_store:${dataPlugin.name}` }),
      control,
    });
    storage = new SingleStoreStorage(control, data);
  } catch (err) {
    await control.close().catch(() => undefined);
    throw err;
  }
  container.bind(TYPES.Storage).toConstantValue(storage);

  const limits = config.group<TransportOptions>('transport');
  const settings: ApiSettings = {
    limits,
    adminMode: defaults.admin_mode,
    enableChecksum: defaults.enable_checksum,
    secretKey: config.group<{ secret_key: string | null }>('signed_url').secret_key ?? undefined,
    deprecatedVersions: defaults.enable_deprecated_api_versions,
  };
  if (settings.deprecatedVersions.includes('1')) {
    logger.warn('API v1 is not served by this release; /v1 answers 404 (v1.1 and v2 are served)');
  }
  if (settings.deprecatedVersions.includes('1.1')) logger.warn('API v1.1 is DEPRECATED');
  const api = new ApiV2({
    storage,
    settings,
    policy: options.policy(config, logger),
    logger: logger.child({ component: 'api' }),
    encryptionKey: limits.message_encryption_key,
  });
  container.bind(TYPES.ApiV2).toConstantValue(api);

  const transport = container.get<TransportFactory>(TYPES.Transport, { name: transportPlugin.name })({
    config,
    api,
    logger: logger.child({ component: `transport:${transportPlugin.name}` }),
  });

  return {
    container,
    storage,
    api,
    transport,
    async close(graceMs?: number) {
      await transport.close(graceMs);
      await storage.close();
    },
  };
}
