/**
 * What a plugin declares about itself.
 *
 * A plugin is one folder (plugins/<kind>/<name>/ for built-in ones, any npm
 * package or folder for third-party ones) whose index exports `manifest`.
 * The manifest is cheap to import; the implementation is only required by
 * `load()`, once the operator's zaqar.conf selects the plugin.
 */
import type { ContainerModule } from 'inversify';
import type { OptionGroup } from '../config/options';
import type { NotifierRequirement } from '../notification/notifier';
import type { Capability } from '../storage/interfaces';

export type PluginKind =
  /** `[drivers] message_store` */
  | 'message_store'
  /** `[drivers] management_store` */
  | 'management_store'
  /** `[drivers] transport` */
  | 'transport'
  /** `[DEFAULT] auth_strategy` (noauth is the empty value) */
  | 'auth'
  /** `[storage] message_pipeline`, `queue_pipeline`, ...: a stage in front of the store's controllers */
  | 'pipeline_stage'
  /** subscriber URI scheme */
  | 'notifier';

export interface PluginManifest {
  kind: PluginKind;
  /** The name operators write in zaqar.conf (`sqlite`, `sqlalchemy`, `wsgi`, ...). */
  name: string;
  description: string;
  /** The plugin's own option groups, e.g. `[drivers:message_store:sqlite]`. */
  optionGroups?: readonly OptionGroup[];
  /**
   * Stores only: the URI schemes the store opens (`redis`, `mongodb`,
   * `sqlite`...), so a store can be chosen by its URI (as a pool's `uri` will choose it).
   */
  uriSchemes?: readonly string[];
  /**
   * Notifiers only: schemes of `uriSchemes` served only when the process
   * offers what they need (`trusts`: Keystone trusts, i.e. `auth_strategy =
   * keystone` with `[trustee]`). Without it the scheme is not served: a
   * subscription with it is refused, as for a scheme no notifier knows.
   */
  schemeRequirements?: Readonly<Record<string, readonly NotifierRequirement[]>>;
  /**
   * Message stores only: what the store guarantees (Zaqar's
   * `BASE_CAPABILITIES`), compared when a pool joins a flavor and shown on
   * flavors. Known without opening the store.
   */
  capabilities?: readonly Capability[];
  /** Requires the implementation and returns its DI module (bindings keyed by TYPES and `name`). */
  load(): ContainerModule | Promise<ContainerModule>;
}

/** What a plugin module's index exports. */
export interface PluginModule {
  manifest: PluginManifest | PluginManifest[];
}
