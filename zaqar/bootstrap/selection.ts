/**
 * Which plugin serves each role, read from zaqar.conf and checked before
 * anything is opened, so that a misspelt name stops start-up at once with
 * one line naming the option and the plugins that exist:
 *
 *   [drivers] message_store, management_store, transport (comma-separated: several transports in one process)
 *   [DEFAULT] auth_strategy (empty = noauth)
 *   [storage] queue_pipeline, message_pipeline, claim_pipeline, subscription_pipeline, topic_pipeline
 */
import { NOAUTH } from '../auth/strategy';
import { token } from '../di/token';
import { DEFAULT_GROUP, DRIVERS_GROUP, STORAGE_GROUP, type StorageOptions } from '../config/groups';
import type { Config } from '../config/options';
import type { PluginLoader } from '../plugins/loader';
import type { PluginManifest } from '../plugins/manifest';
import { PIPELINE_RESOURCES, type PipelineResource } from '../storage/pipeline/stage';

export interface PluginSelection {
  managementStore: PluginManifest;
  messageStore: PluginManifest;
  auth: PluginManifest;
  transports: PluginManifest[];
  /** Per resource, the stages of `[storage] <resource>_pipeline`, in order. */
  stages: Record<PipelineResource, PluginManifest[]>;
}

/** `wsgi, websocket` → ['wsgi', 'websocket']. */
export function transportNames(value: string): string[] {
  return value.split(',').map((name) => name.trim()).filter(Boolean);
}

export function selectPlugins(config: Config, plugins: PluginLoader): PluginSelection {
  const drivers = config.get(DRIVERS_GROUP);
  const defaults = config.get(DEFAULT_GROUP);
  const storage = config.get(STORAGE_GROUP);
  const stages = {} as Record<PipelineResource, PluginManifest[]>;
  for (const resource of PIPELINE_RESOURCES) {
    const option = `${resource}_pipeline` as `${PipelineResource}_pipeline` & keyof StorageOptions;
    stages[resource] = storage[option].map((name) => plugins.select('pipeline_stage', name, 'storage', option));
  }
  const transports = transportNames(drivers.transport);
  if (transports.length === 0) throw config.optionError('drivers', 'transport', 'names no transport');
  return {
    transports: transports.map((name) => plugins.select('transport', name, 'drivers', 'transport')),
    messageStore: plugins.select('message_store', drivers.message_store, 'drivers', 'message_store'),
    managementStore: plugins.select('management_store', drivers.management_store, 'drivers', 'management_store'),
    auth: plugins.select('auth', defaults.auth_strategy || NOAUTH, 'DEFAULT', 'auth_strategy'),
    stages,
  };
}

export const PluginSelection = token<PluginSelection>('PluginSelection');
