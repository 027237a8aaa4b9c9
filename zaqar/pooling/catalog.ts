/**
 * The catalog (Zaqar's `zaqar.storage.pooling.Catalog`): which pool serves
 * each queue, placement of new queues by flavor and weight, and one open
 * message store per pool.
 *
 * - A queue's pool is read from the management store's catalogue and
 *   cached in-process for `ttlMs` (Zaqar: 10 s); `deregister` purges it.
 * - A pool's store is opened once, from the pool's `uri` and `options`
 *   (laid over the plugin's option group) by the store loader. Every
 *   `ttlMs` the pool record is read again: a changed `uri` or `options`
 *   opens a new store (on every API node within the TTL; Zaqar keeps the
 *   old one until restart) and the old one is closed after a grace period.
 * - Placement: a queue with `_flavor` goes on one of that flavor's pools, a
 *   queue without on one of the pools without a flavor, chosen by weight.
 *   With no candidate pool, an unflavored queue stays off the catalogue
 *   when the virtual pool serves such queues; otherwise NoPoolFound.
 * - The weighted draw is a hash of the queue's project and name, not a
 *   random number (Zaqar's): API nodes that place the same new queue at
 *   the same moment (two first posts through two nodes) both write the
 *   catalogue, the last write wins, and each node routes by its own choice
 *   for a cache TTL — with random draws they could disagree and strand
 *   what one of them acknowledged; with the hash they choose the same
 *   pool (unless the pools change in that very moment).
 * - A queue keeps its pool for life: a later `_flavor` change does not move
 *   it (Zaqar drops its catalogue entry and strands its messages); moving
 *   is explicit (`zaqar-manage queues move`).
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../common/logger';
import { NoPoolFound, QueueNotMapped } from '../storage/errors';
import type { ManagementStore, MessageStore, PoolRecord, Project } from '../storage/interfaces';
import type { StoreLoader } from '../storage/store-loader';
import { movingStore } from './moving-store';
import { weighted } from './select';

export interface CatalogSettings {
  /** How long a queue's placement and a pool's record are trusted before they are read again. */
  ttlMs: number;
  /** Opens the virtual pool (`[pooling:catalog] enable_virtual_pool`): serves queues that are not catalogued. */
  openVirtualPool?: () => Promise<MessageStore>;
  /** How long a pool store that could not be opened answers with that failure before it is tried again. */
  retryOpenMs?: number;
}

interface PoolHandle {
  record: PoolRecord;
  store: Promise<MessageStore>;
  /** The store once it is open (the request path uses it without awaiting). */
  ready?: MessageStore;
  checkedAt: number;
}

/** Zaqar's cache key, `pooling:<project>/<queue>` with Python's `None` for no project. */
function placementKey(queue: string, project: Project): string {
  return `${project ?? 'None'}/${queue}`;
}

/** The weighted draw for placing `queue`: an integer in [0, n) from a hash of its project and name (see the module comment). */
function drawFor(queue: string, project: Project): (n: number) => number {
  const digest = createHash('sha256').update(placementKey(queue, project)).digest();
  return (n) => Number(digest.readBigUInt64BE(0) % BigInt(n));
}

function sameConnection(a: PoolRecord, b: PoolRecord): boolean {
  return a.uri === b.uri && JSON.stringify(a.options ?? {}) === JSON.stringify(b.options ?? {});
}

export class Catalog {
  private readonly placements = new Map<string, { pool: string; previous?: string; expires: number }>();
  private readonly handles = new Map<string, PoolHandle>();
  private readonly refreshing = new Map<string, Promise<MessageStore>>();
  private readonly retiring = new Map<NodeJS.Timeout, PoolHandle>();
  /** Told of every pool store opened from now on (pooled post signals join it). */
  private readonly openedListeners = new Set<(store: MessageStore) => void>();
  private virtual: Promise<MessageStore> | undefined;
  private closed = false;

  constructor(
    private readonly management: ManagementStore,
    private readonly loader: StoreLoader,
    private readonly settings: CatalogSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get virtualPoolEnabled(): boolean {
    return this.settings.openVirtualPool !== undefined;
  }

  /** The pool the queue is placed on (and, while it moves, the one it leaves), or undefined when it is not catalogued. */
  async placementOf(queue: string, project: Project): Promise<{ pool: string; previous?: string } | undefined> {
    const key = placementKey(queue, project);
    const cached = this.placements.get(key);
    if (cached !== undefined && cached.expires > this.now()) return cached;
    try {
      const entry = await this.management.catalogueController.get(project, queue);
      const placement = { pool: entry.pool, previous: entry.previous, expires: this.now() + this.settings.ttlMs };
      this.placements.set(key, placement);
      return placement;
    } catch (err) {
      if (!(err instanceof QueueNotMapped)) throw err;
      this.placements.delete(key);
      return undefined;
    }
  }

  /** The pool the queue is placed on, or undefined when it is not catalogued. */
  async poolOf(queue: string, project: Project): Promise<string | undefined> {
    return (await this.placementOf(queue, project))?.pool;
  }

  /**
   * The store serving the queue when it is known without asking anything:
   * its placement and its pool's store are cached, fresh and open, and it
   * is not moving. Otherwise undefined — ask `storeFor`. This is nearly
   * every request's path: it awaits nothing and allocates only the key.
   */
  cachedStoreFor(queue: string, project: Project): MessageStore | undefined {
    const placement = this.placements.get(placementKey(queue, project));
    const now = this.now();
    if (placement === undefined || placement.expires <= now || placement.previous !== undefined) return undefined;
    const handle = this.handles.get(placement.pool);
    if (handle === undefined || handle.checkedAt + this.settings.ttlMs <= now) return undefined;
    return handle.ready;
  }

  /**
   * The store serving the queue: its pool's (both pools', while it moves);
   * the virtual pool's when it is not catalogued (and that is on); else
   * undefined.
   */
  async storeFor(queue: string, project: Project): Promise<MessageStore | undefined> {
    const placement = await this.placementOf(queue, project);
    if (placement === undefined) return this.virtualPool();
    if (placement.previous === undefined) return this.storeOf(placement.pool);
    return movingStore(await this.storeOf(placement.previous), await this.storeOf(placement.pool));
  }

  /** The virtual pool's store, opened on first use; undefined when it is off. */
  virtualPool(): Promise<MessageStore> | undefined {
    const open = this.settings.openVirtualPool;
    if (open === undefined) return undefined;
    if (this.virtual === undefined) {
      this.virtual = open().catch((err: unknown) => {
        this.virtual = undefined;
        throw err;
      });
      this.virtual.then((opened) => this.announce(opened)).catch(() => undefined);
    }
    return this.virtual;
  }

  /** The open store of pool `name` (PoolDoesNotExist when there is no such pool). */
  storeOf(name: string): Promise<MessageStore> {
    const handle = this.handles.get(name);
    if (handle !== undefined && handle.checkedAt + this.settings.ttlMs > this.now()) return handle.store;
    let refresh = this.refreshing.get(name);
    if (refresh === undefined) {
      refresh = this.refresh(name).finally(() => this.refreshing.delete(name));
      this.refreshing.set(name, refresh);
    }
    return refresh;
  }

  /** Reads the pool record again; reopens the store when its connection changed. */
  private async refresh(name: string): Promise<MessageStore> {
    const record = await this.management.poolsController.get(name, true);
    const current = this.handles.get(name);
    if (current !== undefined && sameConnection(current.record, record)) {
      current.record = record;
      current.checkedAt = this.now();
      return current.store;
    }
    const store = this.loader.openMessageStore(
      { uri: record.uri, options: record.options, label: `pool "${name}"`, failFast: true },
      this.management,
    );
    const handle: PoolHandle = { record, store, checkedAt: this.now() };
    this.handles.set(name, handle);
    store.then((opened) => {
      handle.ready = opened;
      this.announce(opened);
    }).catch((err: unknown) => {
      this.logger.error({ err, pool: name }, 'pool store could not be opened');
      // Answer with this failure for a moment, then try again.
      handle.checkedAt = this.now() - this.settings.ttlMs + (this.settings.retryOpenMs ?? 1000);
    });
    if (current !== undefined) {
      this.logger.info({ pool: name, uri: record.uri }, 'pool connection changed: store reopened');
      this.retire(current);
    }
    return store;
  }

  /** Closes a replaced store once requests that were using it have had time to finish. */
  private retire(handle: PoolHandle): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      handle.store.then((store) => store.close()).catch(() => undefined);
    }, Math.max(this.settings.ttlMs, 1000));
    timer.unref();
    this.retiring.set(timer, handle);
  }

  /**
   * Places a new queue (idempotent: a catalogued queue keeps its pool).
   * Throws FlavorDoesNotExist for an unknown flavor, NoPoolFound when no
   * pool can take the queue.
   */
  async register(queue: string, project: Project, flavor: string | undefined): Promise<void> {
    const catalogue = this.management.catalogueController;
    if (await catalogue.exists(project, queue)) return;
    let candidates: PoolRecord[];
    if (flavor !== undefined) {
      await this.management.flavorsController.get(flavor, project);
      candidates = await this.management.poolsController.getPoolsByFlavor(flavor);
    } else {
      candidates = await this.management.poolsController.getPoolsByFlavor(null);
    }
    const pool = weighted([...candidates].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), drawFor(queue, project));
    if (pool === undefined) {
      if (flavor === undefined && this.virtualPoolEnabled) return;
      throw new NoPoolFound();
    }
    await catalogue.insert(project, queue, pool.name);
    this.placements.set(placementKey(queue, project), { pool: pool.name, expires: this.now() + this.settings.ttlMs });
  }

  /** Puts the queue on `pool`, whether it was placed before or not (its data must already be there, or none). */
  async place(queue: string, project: Project, pool: string): Promise<void> {
    await this.management.catalogueController.insert(project, queue, pool);
    this.placements.set(placementKey(queue, project), { pool, expires: this.now() + this.settings.ttlMs });
  }

  /** Forgets the queue's placement (its data is already gone). */
  async deregister(queue: string, project: Project): Promise<void> {
    this.placements.delete(placementKey(queue, project));
    await this.management.catalogueController.delete(project, queue);
  }

  /** Forgets a cached placement (after the catalogue entry changed). */
  forget(queue: string, project: Project): void {
    this.placements.delete(placementKey(queue, project));
  }

  /** Calls `listener` with each pool store opened from now on; returns the function that stops it. */
  onStoreOpened(listener: (store: MessageStore) => void): () => void {
    this.openedListeners.add(listener);
    return () => this.openedListeners.delete(listener);
  }

  private announce(store: MessageStore): void {
    for (const listener of this.openedListeners) listener(store);
  }

  /** The stores opened so far, by pool name (the virtual pool as `null`). */
  async openStores(): Promise<Map<string | null, MessageStore>> {
    const stores = new Map<string | null, MessageStore>();
    for (const [name, handle] of this.handles) {
      const store = await handle.store.catch(() => undefined);
      if (store !== undefined) stores.set(name, store);
    }
    const virtual = await this.virtual?.catch(() => undefined);
    if (virtual !== undefined) stores.set(null, virtual);
    return stores;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const retired = [...this.retiring.values()];
    for (const timer of this.retiring.keys()) clearTimeout(timer);
    this.retiring.clear();
    const stores = [...(await this.openStores()).values()];
    for (const handle of retired) {
      const store = await handle.store.catch(() => undefined);
      if (store !== undefined) stores.push(store);
    }
    this.handles.clear();
    this.virtual = undefined;
    await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
  }
}
