/**
 * Loads a selected plugin's DI module into the container (once) and
 * resolves what it bound under a factory token, named by the plugin. Every
 * role that uses plugins goes through here: stores, stages, auth,
 * transports.
 */
import type { Container } from 'inversify';
import type { ConfigError, Config } from '../config/options';
import { resolve, type Token } from '../di/token';
import type { PluginKind, PluginManifest } from './manifest';
import { type PluginRegistry, UnknownPluginError } from './registry';

export class PluginLoader {
  /** Each plugin's module, loaded or being loaded: concurrent first uses (two pools of one plugin opening) load it once. */
  private readonly loaded = new Map<PluginManifest, Promise<void>>();

  constructor(
    private readonly container: Container,
    readonly registry: PluginRegistry,
    private readonly config: Config,
  ) {}

  /** The plugin of `kind` named `name`, or a ConfigError on `[group] option` listing the available ones. */
  select(kind: PluginKind, name: string, group: string, option: string): PluginManifest {
    try {
      return this.registry.get(kind, name);
    } catch (err) {
      if (err instanceof UnknownPluginError) throw this.optionError(group, option, err.message);
      throw err;
    }
  }

  /** What `manifest`'s module bound under `id` (its factory), loading the module first if need be. */
  async factory<F>(manifest: PluginManifest, id: Token<F>): Promise<F> {
    let loading = this.loaded.get(manifest);
    if (loading === undefined) {
      const started = Promise.resolve(manifest.load()).then((module) => this.container.loadSync(module));
      this.loaded.set(manifest, started);
      // A module that failed to load is tried again on the next use.
      started.catch(() => this.loaded.delete(manifest));
      loading = started;
    }
    await loading;
    return resolve(this.container, id, manifest.name);
  }

  private optionError(group: string, option: string, reason: string): ConfigError {
    return this.config.optionError(group, option, reason);
  }
}
