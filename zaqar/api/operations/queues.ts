/**
 * Queue (and topic) operations: list, create, get, update (JSON patch),
 * delete, stats, purge (Zaqar's `zaqar.transport.wsgi.v2_0.queues`,
 * `stats`, `purge` and their topic copies, without their HTTP). Built once
 * per namespace (namespace.ts).
 */
import { isJsonObject } from '../../common/json';
import { DoesNotExist, FlavorDoesNotExist, QueueIsEmpty, TopicIsEmpty } from '../../storage/errors';
import type { QueueListing, QueueMetadata, QueueStats, SubscriptionController } from '../../storage/interfaces';
import type { QueueApi } from '../../storage/queue-api';
import type { RequestBody } from '../body';
import type { RequestContext } from '../context';
import { conflict, documentTypeNotSupported, invalidRequest, notFound } from '../errors';
import { requireObject } from '../rules/fields';
import { withReservedDefaults } from '../rules/queue-settings';
import type { PatchChange } from '../validation';
import { guarded, valid, type OperationDeps } from './deps';
import { QUEUES, type Namespace } from './namespace';

export interface QueueListInput {
  marker?: string;
  limit?: number;
  detailed?: boolean;
  /** Substring filter on names. */
  name?: string;
  /** Exact-match filters on metadata keys. */
  filters?: Record<string, unknown>;
  withCount?: boolean;
}

export interface QueueListResult {
  /** `metadata` only when listed `detailed`, as clients see it (reserved defaults on v2). */
  queues: QueueListing[];
  /** The marker of the next page (absent on an empty page). */
  next?: string;
  /** Queues in the project, when asked for `withCount`. */
  count?: number;
}

export interface QueueStatsResult {
  stats: QueueStats;
  /** False when the queue does not exist (the stats are then all zero). */
  exists: boolean;
}

const EMPTY_STATS: QueueStats = { messages: { claimed: 0, free: 0, total: 0 } };

export class QueueOperations {
  private readonly reserved: [string, unknown][];

  constructor(
    private readonly deps: OperationDeps,
    private readonly namespace: Namespace = QUEUES,
  ) {
    this.reserved = namespace.reservedDefaults(deps.settings.limits);
  }

  private get names(): QueueApi {
    return this.namespace.names(this.deps.storage);
  }

  /** After this process changed the queue: posts and claims read its metadata afresh (settings-cache.ts). */
  private forget(queue: string, project: string | null): void {
    this.deps.settingsCache?.forget(this.namespace.kind, queue, project);
  }

  /** What a client reads as queue metadata: with reserved defaults (v2), or as stored (v1.1). */
  private presented(metadata: QueueMetadata): QueueMetadata {
    return this.deps.profile.reservedDefaults ? withReservedDefaults({ ...metadata }, this.reserved) : metadata;
  }

  list(ctx: RequestContext, input: QueueListInput): Promise<QueueListResult> {
    const { validator } = this.deps;
    const project = ctx.projectId;
    return guarded(async () => {
      valid(() => validator.queueListing(input.limit));
      const page = await this.names.list(project, {
        marker: input.marker,
        limit: input.limit,
        detailed: input.detailed ?? false,
        name: input.name,
        filters: input.filters,
      });
      const queues = page.items.map((q) => (input.detailed ? { name: q.name, metadata: this.presented(q.metadata ?? {}) } : { name: q.name }));
      const result: QueueListResult = { queues, next: page.next };
      if (input.withCount) result.count = await this.names.count(project);
      return result;
    });
  }

  /** The queue's metadata as clients see it; `{}` for a queue that does not exist. */
  get(ctx: RequestContext, queue: string): Promise<QueueMetadata> {
    return guarded(async () => this.presented(await this.names.get(queue, ctx.projectId)));
  }

  /** Creates the queue; false when it existed already (its metadata is then left alone). */
  create(ctx: RequestContext, queue: string, body: RequestBody): Promise<boolean> {
    const { validator } = this.deps;
    valid(() => validator.queueMetadataLength(body.size));
    const metadata: QueueMetadata | undefined = body.size ? requireObject(body.document()) : undefined;
    valid(() => validator.queueMetadataPutting(metadata));
    return guarded(async () => {
      try {
        return await this.names.create(queue, metadata ?? {}, ctx.projectId);
      } catch (err) {
        if (err instanceof FlavorDoesNotExist) throw invalidRequest(err.message);
        throw err;
      } finally {
        this.forget(queue, ctx.projectId);
      }
    });
  }

  /** Applies a JSON patch to the metadata; returns the new metadata as clients see it (with reserved defaults). */
  update(ctx: RequestContext, queue: string, body: RequestBody): Promise<QueueMetadata> {
    const { validator } = this.deps;
    const project = ctx.projectId;
    valid(() => validator.queueMetadataLength(body.size), 'invalid_body');
    const document = body.document();
    // The reference answers 503 "Request body could not be read." for an object.
    if (!Array.isArray(document)) throw documentTypeNotSupported();
    const changes = valid(() => validator.queuePatching(document), 'invalid_body');
    return guarded(async () => {
      const current = await notFoundIfMissing(() => this.names.getMetadata(queue, project));
      for (const change of changes) this.applyChange(current, change);
      valid(() => validator.queueMetadataPutting(current), 'invalid_body');
      try {
        await notFoundIfMissing(() => this.names.setMetadata(queue, current, project));
      } finally {
        this.forget(queue, project);
      }
      return withReservedDefaults(current, this.reserved);
    });
  }

  private applyChange(metadata: QueueMetadata, change: PatchChange): void {
    const key = change.path[1];
    const reserved = this.reserved.some(([name]) => name === key);
    const present = Object.prototype.hasOwnProperty.call(metadata, key);
    switch (change.op) {
      case 'add':
        metadata[key] = change.value;
        return;
      case 'replace':
        if (!present && !reserved) throw conflict(`Can't replace non-existent object ${key}.`);
        metadata[key] = change.value;
        return;
      case 'remove':
        if (present) delete metadata[key];
        else if (!reserved) throw conflict(`Can't remove non-existent object ${key}.`);
        return;
    }
  }

  /** Deletes the queue with its messages and claims; idempotent. */
  delete(ctx: RequestContext, queue: string): Promise<void> {
    return guarded(() => this.names.delete(queue, ctx.projectId).finally(() => this.forget(queue, ctx.projectId)));
  }

  stats(ctx: RequestContext, queue: string): Promise<QueueStatsResult> {
    return guarded(async () => {
      try {
        return { stats: await this.names.stats(queue, ctx.projectId), exists: true };
      } catch (err) {
        if (this.namespace.isMissing(err) || err instanceof QueueIsEmpty || err instanceof TopicIsEmpty) {
          return { stats: EMPTY_STATS, exists: false };
        }
        if (err instanceof DoesNotExist) throw notFound(err.message);
        throw err;
      }
    });
  }

  /**
   * Removes the resources named in the document's `resource_types`
   * (default: messages and subscriptions). Purging messages pops them, so
   * messages under a live claim survive, as in the reference; every
   * subscription goes (the reference removes the first page only).
   */
  purge(ctx: RequestContext, queue: string, body: RequestBody): Promise<void> {
    const { storage, validator } = this.deps;
    let resourceTypes = ['messages', 'subscriptions'];
    if (body.size) {
      const document = body.document();
      resourceTypes = valid(() => validator.queuePurging(isJsonObject(document) ? document : {}));
    }
    return guarded(async () => {
      if (resourceTypes.includes('messages')) {
        while ((await storage.messages.pop(queue, 100, ctx.projectId)).length > 0) {
          /* keep popping */
        }
      }
      if (resourceTypes.includes('subscriptions')) await purgeSubscriptions(storage.subscriptions, queue, ctx.projectId);
    });
  }
}

/** Deletes every subscription of the queue, page by page. */
async function purgeSubscriptions(subscriptions: SubscriptionController, queue: string, project: string | null): Promise<void> {
  for (;;) {
    const page = await subscriptions.list(queue, project, { limit: 100 });
    if (page.items.length === 0) return;
    await Promise.all(page.items.map((s) => subscriptions.delete(queue, s.id, project)));
  }
}

/** Runs a storage call whose DoesNotExist is the client's `not_found`. */
export async function notFoundIfMissing<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DoesNotExist) throw notFound(err.message);
    throw err;
  }
}
