/**
 * Queues: list, create, get, update metadata (JSON patch), delete, stats,
 * purge (api-v2.md §5; reference: zaqar.transport.wsgi.v2_0.queues, stats,
 * purge).
 */
import { isJsonObject, JsonParseError, parseJsonBody } from '../../common/json';
import { DoesNotExist, FlavorDoesNotExist, QueueDoesNotExist, QueueIsEmpty } from '../../storage/errors';
import type { QueueMetadata } from '../../storage/interfaces';
import {
  badRequestApi,
  badRequestBody,
  conflict,
  documentTypeNotSupported,
  HttpError,
  notFound,
  serviceUnavailable,
} from '../errors';
import { toQueryString } from '../query';
import type { ApiRequest, ApiResponse } from '../request';
import type { PatchChange } from '../validation';
import {
  orUnavailable,
  readJsonBody,
  requireObject,
  reservedMetadataDefaults,
  validated,
  withReservedDefaults,
  type ResourceContext,
} from './common';
import { formatStats, queuePathOf } from './format';
import type { ApiVersion } from './versions';

export const PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch';
const LISTING_PARAMS = new Set(['marker', 'limit', 'detailed', 'name', 'with_count']);

/** Metadata filters from the query: every unrecognised parameter; integer-looking values compare as integers. */
function metadataFilters(req: ApiRequest): Record<string, unknown> | undefined {
  const filters: Record<string, unknown> = {};
  for (const name of req.query.names()) {
    if (LISTING_PARAMS.has(name)) continue;
    const raw = req.query.raw(name);
    // The reference 500s on list values (comma in the value, §13 item 16); compare the text instead.
    const text = Array.isArray(raw) ? raw.join(',') : (raw as string);
    filters[name] = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : text;
  }
  return Object.keys(filters).length ? filters : undefined;
}

export class QueuesResource {
  private readonly reserved: [string, unknown][];

  constructor(
    private readonly ctx: ResourceContext,
    private readonly version: ApiVersion,
  ) {
    this.reserved = reservedMetadataDefaults(ctx.settings.limits);
  }

  /** What a client reads as queue metadata: with reserved defaults on v2, raw on v1.1. */
  private presented(metadata: QueueMetadata): QueueMetadata {
    return this.version.reservedDefaults ? withReservedDefaults({ ...metadata }, this.reserved) : metadata;
  }

  // GET /v2/queues
  list = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator } = this.ctx;
    const project = req.context.projectId;
    const params: Record<string, string | number | boolean | undefined> = {};
    const marker = req.query.getString('marker');
    if (marker !== undefined) params.marker = marker;
    const limit = req.query.getInt('limit');
    if (limit !== undefined) params.limit = limit;
    const detailed = req.query.getBool('detailed');
    if (detailed !== undefined) params.detailed = detailed;
    // v1.1 reads marker, limit and detailed only (api-v1_1-delta.md §1.3).
    const filtering = this.version.listingFilters;
    const name = filtering ? req.query.getString('name') : undefined;
    if (name !== undefined) params.name = name;
    const withCount = filtering ? req.query.getBool('with_count') : undefined;
    if (withCount !== undefined) params.with_count = withCount;
    const filters = filtering ? metadataFilters(req) : undefined;

    const { page, count } = await orUnavailable('Queues could not be listed.', async () => {
      validated(() => validator.queueListing(limit));
      const result = await storage.queues.list(project, { marker, limit, detailed: detailed ?? false, name, filters });
      return { page: result, count: withCount ? await storage.queues.count(project) : 0 };
    });

    const queues = page.items.map((q) => {
      const entry: Record<string, unknown> = { name: q.name };
      if (detailed) entry.metadata = this.presented(q.metadata ?? {});
      entry.href = `${req.path}/${q.name}`;
      return entry;
    });
    const body: Record<string, unknown> = { queues, links: [] as unknown[] };
    if (queues.length > 0) {
      params.marker = page.next ?? marker ?? '';
      body.links = [{ rel: 'next', href: req.path + toQueryString(params) }];
    }
    if (count) body.count = count;
    return { status: 200, body };
  };

  // GET /v2/queues/{q}
  get = async (req: ApiRequest): Promise<ApiResponse> => {
    const metadata = await orUnavailable('Queue metadata could not be retrieved.', () =>
      this.ctx.storage.queues.get(req.params.queue_name, req.context.projectId),
    );
    return { status: 200, body: this.presented(metadata) };
  };

  // PUT /v2/queues/{q}
  create = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator } = this.ctx;
    validated(() => validator.queueMetadataLength(req.contentLength));
    const metadata: QueueMetadata | undefined = req.contentLength ? requireObject(readJsonBody(req)) : undefined;
    validated(() => validator.queueMetadataPutting(metadata));

    let created: boolean;
    try {
      created = await storage.queues.create(req.params.queue_name, metadata ?? {}, req.context.projectId);
    } catch (err) {
      if (err instanceof FlavorDoesNotExist) throw badRequestApi(err.message);
      throw serviceUnavailable('Queue could not be created.', err);
    }
    return { status: created ? 201 : 204, headers: { Location: req.path } };
  };

  // PATCH /v2/queues/{q}
  update = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    validated(() => validator.queueMetadataLength(req.contentLength), true);
    if (req.header('content-type') !== PATCH_MEDIA_TYPE) {
      throw new HttpError(415, `Accepted media type for PATCH: {'Accept-Patch': '${PATCH_MEDIA_TYPE}'}.`);
    }
    if (!req.contentLength) throw badRequestBody('PATCH body could not be empty for update.');
    let document: unknown;
    try {
      document = parseJsonBody(req.body ?? Buffer.alloc(0));
    } catch (err) {
      if (err instanceof JsonParseError) throw badRequestBody(err.message);
      throw err;
    }
    // The reference answers 503 "Request body could not be read." for an object (§13 item 14).
    if (!Array.isArray(document)) throw documentTypeNotSupported();
    const changes = validated(() => validator.queuePatching(document), true);

    const metadata = await orUnavailable('Queue could not be updated.', async () => {
      let current: QueueMetadata;
      try {
        current = await storage.queues.getMetadata(queue, project);
      } catch (err) {
        if (err instanceof DoesNotExist) throw notFound(err.message);
        throw err;
      }
      for (const change of changes) this.applyChange(current, change);
      validated(() => validator.queueMetadataPutting(current), true);
      try {
        await storage.queues.setMetadata(queue, current, project);
      } catch (err) {
        if (err instanceof DoesNotExist) throw notFound(err.message);
        throw err;
      }
      return current;
    });
    return { status: 200, body: withReservedDefaults(metadata, this.reserved) };
  };

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

  // DELETE /v2/queues/{q}
  delete = async (req: ApiRequest): Promise<ApiResponse> => {
    await orUnavailable('Queue could not be deleted.', () =>
      this.ctx.storage.queues.delete(req.params.queue_name, req.context.projectId),
    );
    return { status: 204 };
  };

  // GET /v2/queues/{q}/stats
  stats = async (req: ApiRequest): Promise<ApiResponse> => {
    const queuePath = queuePathOf(req.path, 1);
    const body = await orUnavailable('Queue stats could not be read.', async () => {
      try {
        return formatStats(await this.ctx.storage.queues.stats(req.params.queue_name, req.context.projectId), queuePath);
      } catch (err) {
        if (err instanceof QueueDoesNotExist || err instanceof QueueIsEmpty) {
          return { messages: { claimed: 0, free: 0, total: 0 } };
        }
        if (err instanceof DoesNotExist) throw notFound(err.message);
        throw err;
      }
    });
    return { status: 200, body };
  };

  // POST /v2/queues/{q}/purge
  purge = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator } = this.ctx;
    let resourceTypes = ['messages', 'subscriptions'];
    if (req.contentLength) {
      const document = readJsonBody(req);
      resourceTypes = validated(() => validator.queuePurging(isJsonObject(document) ? document : {}));
    }
    await orUnavailable('Queue could not be purged.', async () => {
      if (resourceTypes.includes('messages')) {
        // Purge pops: messages under a live claim survive, as in the reference (§5.9).
        while ((await storage.messages.pop(req.params.queue_name, 100, req.context.projectId)).length > 0) {
          /* keep popping */
        }
      }
    });
    return { status: 204 };
  };
}
