/**
 * Opens message and management stores by plugin name or by URI scheme, each
 * with its own option overrides. Bootstrap opens the stores zaqar.conf
 * names with it; the pooling catalog (zaqar/pooling/catalog.ts) opens one message store per
 * pool with it (a pool is a URI plus `options` overlaid on the plugin's
 * option group, as Zaqar's `zaqar.storage.pooling.Catalog` does).
 *
 *     const store = await loader.openMessageStore({ uri: 'redis://10.0.0.5:6379', options: { dbid: 2 } }, management);
 *
 * A store plugin's option group is `[drivers:<kind>:<name>]`; overrides
 * are validated like file values, and a bad one is a ConfigError naming the
 * instance (`label`), the group and the option.
 */
import type { Logger } from '../common/logger';
import type { Config } from '../config/options';
import type { PluginLoader } from '../plugins/loader';
import type { PluginKind, PluginManifest } from '../plugins/manifest';
import {
  ManagementStoreFactory,
  type ManagementStoreContext,
  MessageStoreFactory,
} from './factories';
import type { ManagementStore, MessageStore } from './interfaces';

/** Which store to open, and how. */
export interface StoreRequest {
  /** The plugin name (`[drivers] message_store`); defaults to the plugin that opens `uri`'s scheme. */
  plugin?: string;
  /** The store's URI: replaces the group's `uri` (and picks the plugin when `plugin` is absent). */
  uri?: string;
  /** More option overrides for this instance (a pool's `options`). */
  options?: Record<string, unknown>;
  /** Names the instance in logs and configuration errors, e.g. `pool "fast"`. */
  label?: string;
  /**
   * Fail at once when the backend does not answer, instead of retrying the
   * first connection: `max_reconnect_attempts = 0` for a store whose option
   * group has that option (Redis, MongoDB). For pools and reachability
   * checks, whose callers retry themselves.
   */
  failFast?: boolean;
}

type StoreKind = Extract<PluginKind, 'message_store' | 'management_store'>;

/** `redis` for `redis://host`, `mysql+pymysql` for `mysql+pymysql://...`; undefined without a scheme. */
export function uriScheme(uri: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  return match ? match[1].toLowerCase() : undefined;
}

export class StoreLoader {
  constructor(
    private readonly plugins: PluginLoader,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** The manifest that serves `request` (by name, else by URI scheme). Throws UnknownPluginError. */
  manifestFor(kind: StoreKind, request: StoreRequest): PluginManifest {
    const { registry } = this.plugins;
    if (request.plugin !== undefined) return registry.get(kind, request.plugin);
    const scheme = request.uri === undefined ? undefined : uriScheme(request.uri);
    if (scheme === undefined) throw new Error(`a ${kind} needs a plugin name or a URI with a scheme`);
    return registry.getByScheme(kind, scheme);
  }

  async openManagementStore(request: StoreRequest): Promise<ManagementStore> {
    const manifest = this.manifestFor('management_store', request);
    const factory = await this.plugins.factory(manifest, ManagementStoreFactory);
    return factory(this.contextFor('management_store', manifest, request));
  }

  async openMessageStore(request: StoreRequest, managementStore: ManagementStore): Promise<MessageStore> {
    const manifest = this.manifestFor('message_store', request);
    const factory = await this.plugins.factory(manifest, MessageStoreFactory);
    return factory({ ...this.contextFor('message_store', manifest, request), managementStore });
  }

  private contextFor(kind: StoreKind, manifest: PluginManifest, request: StoreRequest): ManagementStoreContext {
    const group = `drivers:${kind}:${manifest.name}`;
    for (const declaredGroup of manifest.optionGroups ?? []) this.config.register(declaredGroup);
    const declared = manifest.optionGroups?.some((g) => g.name === group) ?? false;
    const failFast = request.failFast && manifest.optionGroups?.some((g) => g.name === group && g.options.some((o) => o.name === 'max_reconnect_attempts'));
    const overrides = {
      ...(failFast ? { max_reconnect_attempts: 0 } : {}),
      ...request.options,
      ...(request.uri !== undefined ? { uri: request.uri } : {}),
    };
    const config =
      declared && Object.keys(overrides).length > 0
        ? this.config.withOverrides(group, overrides, request.label)
        : this.config;
    const options = declared ? config.group(group) : {};
    const logger = this.logger.child({ component: `${kind}:${manifest.name}`, ...(request.label ? { instance: request.label } : {}) });
    return { options, config, logger };
  }
}
