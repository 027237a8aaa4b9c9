/**
 * Queue metadata as posts and claims read it, kept for a short while so
 * the hot path does not pay a storage round trip per request for settings
 * that rarely change (`[storage] queue_settings_cache_seconds`, 0 = read
 * every time, as Zaqar does).
 *
 * Changes made through this process apply at once: the queue operations
 * forget an entry when they create, update or delete the queue. Changes
 * made through another API node apply here within the configured time.
 * Only existing queues are kept (as Zaqar's own existence cache does), so
 * a queue created elsewhere is seen at once. Concurrent misses for one
 * queue share a single read. Entries are never handed out for mutation.
 */
import type { QueueMetadata } from '../../storage/interfaces';
import type { Storage } from '../../storage/storage';
import type { Namespace } from './namespace';

/** A queue's (or topic's) metadata, undefined when it does not exist. */
export async function metadataOrUndefined(namespace: Namespace, storage: Storage, queue: string, project: string | null): Promise<QueueMetadata | undefined> {
  try {
    return await namespace.names(storage).getMetadata(queue, project);
  } catch (err) {
    if (namespace.isMissing(err)) return undefined;
    throw err;
  }
}

/** Metadata as posts and claims read it: through `cache` when there is one, else from the store. */
export function hotPathSettings(
  cache: QueueSettingsCache | undefined,
  namespace: Namespace,
  storage: Storage,
  queue: string,
  project: string | null,
): Promise<QueueMetadata | undefined> {
  const load = () => metadataOrUndefined(namespace, storage, queue, project);
  return cache === undefined ? load() : cache.read(namespace.kind, queue, project, load);
}

interface Entry {
  metadata: QueueMetadata | undefined;
  until: number;
  pending?: Promise<QueueMetadata | undefined>;
}

export class QueueSettingsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(kind: string, queue: string, project: string | null): string {
    return `${kind}\u0000${project ?? ''}\u0000${queue}`;
  }

  /** The queue's metadata (undefined for a missing queue), from `load` when not kept or expired. */
  read(kind: string, queue: string, project: string | null, load: () => Promise<QueueMetadata | undefined>): Promise<QueueMetadata | undefined> {
    if (this.ttlMs <= 0) return load();
    const key = QueueSettingsCache.key(kind, queue, project);
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      if (entry.pending !== undefined) return entry.pending;
      if (entry.until > this.now()) return Promise.resolve(entry.metadata);
      this.entries.delete(key);
    }
    const fresh: Entry = { metadata: undefined, until: 0 };
    const pending = load().then(
      (metadata) => {
        if (this.entries.get(key) !== fresh) return metadata; // forgotten meanwhile: do not keep what may be stale
        fresh.pending = undefined;
        if (metadata === undefined) this.entries.delete(key);
        else {
          fresh.metadata = metadata;
          fresh.until = this.now() + this.ttlMs;
        }
        return metadata;
      },
      (err: unknown) => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
        throw err;
      },
    );
    fresh.pending = pending;
    this.entries.set(key, fresh);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return pending;
  }

  /** Drops what is kept for the queue: its metadata changed, or it was created or deleted, through this process. */
  forget(kind: string, queue: string, project: string | null): void {
    this.entries.delete(QueueSettingsCache.key(kind, queue, project));
  }
}
