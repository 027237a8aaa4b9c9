/**
 * The notifier plugins of this process by subscriber URI scheme: every
 * plugin of kind `notifier` that is registered (built-in or third-party),
 * opened when first needed and closed at shutdown. A scheme whose
 * manifest needs what this process lacks (`schemeRequirements`: Keystone
 * trusts for trust+http(s) under noauth) is not served, here and at
 * subscription creation alike.
 */
import type { Logger } from '../common/logger';
import type { Config } from '../config/options';
import type { PluginLoader } from '../plugins/loader';
import type { PluginManifest } from '../plugins/manifest';
import { NotifierFactory, type Notifier, type NotifierContext, type NotifierRequirement } from './notifier';

/** What the process offers notifiers beyond config and logger. */
export type NotifierServices = Pick<NotifierContext, NotifierRequirement>;

export class Notifiers {
  private readonly bySchemeManifest = new Map<string, PluginManifest>();
  private readonly opened = new Map<PluginManifest, Promise<Notifier>>();

  constructor(
    private readonly plugins: PluginLoader,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly services: NotifierServices = {},
  ) {
    for (const manifest of plugins.registry.all()) {
      if (manifest.kind !== 'notifier') continue;
      for (const scheme of manifest.uriSchemes ?? []) {
        if (this.bySchemeManifest.has(scheme)) continue;
        const missing = (manifest.schemeRequirements?.[scheme] ?? []).filter((need) => this.services[need] === undefined);
        if (missing.length > 0) {
          logger.info({ scheme, notifier: manifest.name, missing }, `${scheme} subscribers are not served: ${missing.map(describe).join(', ')}`);
          continue;
        }
        this.bySchemeManifest.set(scheme, manifest);
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
      const context: NotifierContext = {
        config: this.config,
        logger: this.logger.child({ component: `notifier:${manifest.name}` }),
        ...this.services,
      };
      notifier = this.plugins.factory(manifest, NotifierFactory).then((factory) => factory(context));
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

function describe(need: NotifierRequirement): string {
  switch (need) {
    case 'trusts':
      return 'no Keystone trusts (auth_strategy = keystone with [trustee] configured)';
  }
}
