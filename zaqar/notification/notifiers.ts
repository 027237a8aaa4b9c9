/**
 * The notifier plugins of this process by subscriber URI scheme: every
 * plugin of kind `notifier` that is registered (built-in or third-party),
 * opened when first needed and closed at shutdown.
 */
import type { Logger } from '../common/logger';
import type { Config } from '../config/options';
import type { PluginLoader } from '../plugins/loader';
import type { PluginManifest } from '../plugins/manifest';
import { NotifierFactory, type Notifier } from './notifier';

export class Notifiers {
  private readonly bySchemeManifest = new Map<string, PluginManifest>();
  private readonly opened = new Map<PluginManifest, Promise<Notifier>>();

  constructor(
    private readonly plugins: PluginLoader,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    for (const manifest of plugins.registry.all()) {
      if (manifest.kind !== 'notifier') continue;
      for (const scheme of manifest.uriSchemes ?? []) {
        if (!this.bySchemeManifest.has(scheme)) this.bySchemeManifest.set(scheme, manifest);
      }
    }
  }

  serves(scheme: string): boolean {
    return this.bySchemeManifest.has(scheme);
  }

  /** The notifier for `scheme`, or undefined when no plugin serves it. */
  for(scheme: string): Promise<Notifier> | undefined {
    const manifest = this.bySchemeManifest.get(scheme);
    if (manifest === undefined) return undefined;
    let notifier = this.opened.get(manifest);
    if (notifier === undefined) {
      notifier = this.plugins
        .factory(manifest, NotifierFactory)
        .then((factory) => factory({ config: this.config, logger: this.logger.child({ component: `notifier:${manifest.name}` }) }));
      this.opened.set(manifest, notifier);
    }
    return notifier;
  }

  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(all.map(async (n) => (await n.catch(() => undefined))?.close()));
  }
}
