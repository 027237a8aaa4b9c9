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
  private readonly loaded = new Set<PluginManifest>();

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
    if (!this.loaded.has(manifest)) {
      this.container.loadSync(await manifest.load());
      this.loaded.add(manifest);
    }
    return resolve(this.container, id, manifest.name);
  }

  private optionError(group: string, option: string, reason: string): ConfigError {
    return this.config.optionError(group, option, reason);
  }
}
