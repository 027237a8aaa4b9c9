/**
 * What the pool and flavor operations need beyond the management store:
 * whether a URI can be opened, what a store guarantees, and which queues a
 * pool serves (Zaqar's `zaqar.storage.utils.can_connect` and
 * `PoolsBase._check_capabilities`).
 */
import type { Logger } from '../common/logger';
import type { PluginRegistry } from '../plugins/registry';
import { PoolCapabilitiesMismatch } from '../storage/errors';
import type { Capability, CatalogueEntry, ManagementStore } from '../storage/interfaces';
import { type StoreLoader, uriScheme } from '../storage/store-loader';

const PROBE_TIMEOUT_MS = 10_000;

export class PoolingAdmin {
  constructor(
    private readonly management: ManagementStore,
    private readonly loader: StoreLoader,
    private readonly registry: PluginRegistry,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens a message store at `uri` (with `options`), asks whether it
   * answers, closes it; gives up after `timeoutMs`.
   */
  async canConnect(uri: string, options: Record<string, unknown> = {}, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
    const request = { uri, options, label: `pool URI ${uri}`, failFast: true };
    const opening = this.loader.openMessageStore(request, this.management);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([opening.then((store) => store.isAlive()), timeout]);
    } catch (err) {
      this.logger.info({ err, uri }, 'cannot connect to a pool URI');
      return false;
    } finally {
      clearTimeout(timer);
      opening.then((store) => store.close()).catch(() => undefined);
    }
  }

  /** The capabilities of the store a URI names (none for an unknown scheme). */
  capabilitiesOf(uri: string): readonly Capability[] {
    const scheme = uriScheme(uri);
    if (scheme === undefined) return [];
    try {
      return this.registry.getByScheme('message_store', scheme).capabilities ?? [];
    } catch {
      return [];
    }
  }

  /** The capabilities of pool `name`'s store, or none when there is no such pool. */
  async capabilitiesOfPool(name: string): Promise<readonly Capability[]> {
    const pools = this.management.poolsController;
    if (!(await pools.exists(name))) return [];
    return this.capabilitiesOf((await pools.get(name)).uri);
  }

  /** The capabilities of a flavor: those of its first pool's store (none without pools). */
  async capabilitiesOfFlavor(flavor: string): Promise<readonly Capability[]> {
    const [first] = await this.management.poolsController.getPoolsByFlavor(flavor);
    return first === undefined ? [] : this.capabilitiesOf(first.uri);
  }

  /**
   * A pool joining `flavor` (or the unflavored pools) must offer what the
   * pools already there offer: compared with the first of them.
   */
  async checkCapabilities(uri: string, flavor: string | null, except?: string): Promise<void> {
    const peers = (await this.management.poolsController.getPoolsByFlavor(flavor)).filter((pool) => pool.name !== except);
    if (peers.length === 0) return;
    const wanted = [...this.capabilitiesOf(peers[0].uri)].sort();
    const offered = [...this.capabilitiesOf(uri)].sort();
    if (wanted.length !== offered.length || wanted.some((c, i) => c !== offered[i])) throw new PoolCapabilitiesMismatch();
  }

  /** The queues placed on `pool`. */
  queuesOn(pool: string): Promise<CatalogueEntry[]> {
    return this.management.catalogueController.listByPool(pool);
  }
}
