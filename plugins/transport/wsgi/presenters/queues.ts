/**
 * Queues (and topics) over HTTP: paths, links, status codes and query
 * parameters of Zaqar's `zaqar.transport.wsgi.v2_0.queues`, `stats`,
 * `purge` and their topic copies; the work is the core's queue operations
 * for the namespace.
 */
import { DomainError, invalidBody } from '../../../../zaqar/api/errors';
import type { QueueOperations } from '../../../../zaqar/api/operations';
import { jsonBody, readJsonDocument } from '../http/body';
import type { HttpHandler, HttpRequest } from '../http/model';
import { nextLinks, readPaging, type QueryEcho } from '../http/paging';
import type { HttpVersion } from '../http/versions';
import { formatStats, queuePathOf } from './format';

export const PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch';
const LISTING_PARAMS = ['marker', 'limit', 'detailed', 'name'];

/**
 * Metadata filters from the query: every unrecognised parameter (topic
 * listings do not know `with_count`, so it filters there, as in Zaqar);
 * integer-looking values compare as integers.
 */
function metadataFilters(req: HttpRequest, withCount: boolean): Record<string, unknown> | undefined {
  const filters: Record<string, unknown> = {};
  for (const name of req.query.names()) {
    if (LISTING_PARAMS.includes(name) || (withCount && name === 'with_count')) continue;
    const raw = req.query.raw(name);
    // The reference 500s on list values (a comma in the value); compare the text instead.
    const text = Array.isArray(raw) ? raw.join(',') : (raw as string);
    filters[name] = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : text;
  }
  return Object.keys(filters).length ? filters : undefined;
}

/** A JSON-patch document: the patch media type, a non-empty body, then JSON. */
function readPatchDocument(req: HttpRequest): unknown {
  if (req.header('content-type') !== PATCH_MEDIA_TYPE) {
    throw new DomainError('unsupported_media_type', `Accepted media type for PATCH: {'Accept-Patch': '${PATCH_MEDIA_TYPE}'}.`);
  }
  if (!req.contentLength) throw invalidBody('PATCH body could not be empty for update.');
  return readJsonDocument({ ...req, contentLength: req.contentLength });
}

/** How a namespace appears over HTTP. */
export interface NamespaceRoutes {
  /** The route parameter naming the queue or topic. */
  param: 'queue_name' | 'topic_name';
  /** The listing's collection key. */
  collection: 'queues' | 'topics';
  /** Listings take `with_count` (queues only). */
  withCount: boolean;
  /** Stats carry `claimed` and `free` (queues; a topic shows them only when it does not exist). */
  claimCounts: boolean;
}

export const QUEUE_ROUTES: NamespaceRoutes = { param: 'queue_name', collection: 'queues', withCount: true, claimCounts: true };
export const TOPIC_ROUTES: NamespaceRoutes = { param: 'topic_name', collection: 'topics', withCount: false, claimCounts: false };

/** A presenter of what lives in a namespace (a queue or a topic): the namespace is the one its route names. */
export abstract class NamespacePresenter {
  constructor(protected readonly routes: NamespaceRoutes) {}

  /** The queue or topic the request's path names. */
  protected name(req: HttpRequest): string {
    return req.params[this.routes.param];
  }
}

export class QueuesPresenter extends NamespacePresenter {
  constructor(
    private readonly ops: QueueOperations,
    private readonly version: HttpVersion,
    routes: NamespaceRoutes = QUEUE_ROUTES,
  ) {
    super(routes);
  }

  // GET /v2/queues
  list: HttpHandler = async (req, ctx) => {
    const params: QueryEcho = {};
    const { marker, limit } = readPaging(req, params);
    const detailed = req.query.getBool('detailed');
    if (detailed !== undefined) params.detailed = detailed;
    // v1.1 reads marker, limit and detailed only.
    const filtering = this.version.listingFilters;
    const name = filtering ? req.query.getString('name') : undefined;
    if (name !== undefined) params.name = name;
    const withCount = filtering && this.routes.withCount ? req.query.getBool('with_count') : undefined;
    if (withCount !== undefined) params.with_count = withCount;
    const filters = filtering ? metadataFilters(req, this.routes.withCount) : undefined;

    const result = await this.ops.list(ctx, { marker, limit, detailed, name, filters, withCount });
    const items = result.queues.map((q) => ({ ...q, href: `${req.path}/${q.name}` }));
    const body: Record<string, unknown> = {
      [this.routes.collection]: items,
      links: nextLinks(req.path, params, result.next ?? marker ?? '', items.length),
    };
    if (result.count) body.count = result.count;
    return { status: 200, body };
  };

  // GET /v2/queues/{q}
  get: HttpHandler = async (req, ctx) => ({ status: 200, body: await this.ops.get(ctx, this.name(req)) });

  // PUT /v2/queues/{q}
  create: HttpHandler = async (req, ctx) => {
    const created = await this.ops.create(ctx, this.name(req), jsonBody(req));
    return { status: created ? 201 : 204, headers: { Location: req.path } };
  };

  // PATCH /v2/queues/{q}
  update: HttpHandler = async (req, ctx) => {
    const metadata = await this.ops.update(ctx, this.name(req), jsonBody(req, readPatchDocument));
    return { status: 200, body: metadata };
  };

  // DELETE /v2/queues/{q}
  delete: HttpHandler = async (req, ctx) => {
    await this.ops.delete(ctx, this.name(req));
    return { status: 204 };
  };

  // GET /v2/queues/{q}/stats
  stats: HttpHandler = async (req, ctx) => {
    const { stats, exists } = await this.ops.stats(ctx, this.name(req));
    const body = formatStats(stats, queuePathOf(req.path, 1));
    if (exists && !this.routes.claimCounts) {
      const messages = body.messages as Record<string, unknown>;
      delete messages.claimed;
      delete messages.free;
    }
    return { status: 200, body };
  };

  // POST /v2/queues/{q}/purge
  purge: HttpHandler = async (req, ctx) => {
    await this.ops.purge(ctx, this.name(req), jsonBody(req));
    return { status: 204 };
  };
}
