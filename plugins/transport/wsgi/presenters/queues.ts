/**
 * Queues over HTTP: paths, links, status codes and query parameters of
 * Zaqar's `zaqar.transport.wsgi.v2_0.queues`, `stats` and `purge`; the
 * work is the core's queue operations.
 */
import { DomainError, invalidBody } from '../../../../zaqar/api/errors';
import type { OperationSet } from '../../../../zaqar/api/operations';
import { jsonBody, readJsonDocument } from '../http/body';
import type { HttpHandler, HttpRequest } from '../http/model';
import { nextLinks, readPaging, type QueryEcho } from '../http/paging';
import type { HttpVersion } from '../http/versions';
import { formatStats, queuePathOf } from './format';

export const PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch';
const LISTING_PARAMS = new Set(['marker', 'limit', 'detailed', 'name', 'with_count']);

/** Metadata filters from the query: every unrecognised parameter; integer-looking values compare as integers. */
function metadataFilters(req: HttpRequest): Record<string, unknown> | undefined {
  const filters: Record<string, unknown> = {};
  for (const name of req.query.names()) {
    if (LISTING_PARAMS.has(name)) continue;
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

export class QueuesPresenter {
  constructor(
    private readonly ops: OperationSet,
    private readonly version: HttpVersion,
  ) {}

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
    const withCount = filtering ? req.query.getBool('with_count') : undefined;
    if (withCount !== undefined) params.with_count = withCount;
    const filters = filtering ? metadataFilters(req) : undefined;

    const result = await this.ops.queues.list(ctx, { marker, limit, detailed, name, filters, withCount });
    const queues = result.queues.map((q) => ({ ...q, href: `${req.path}/${q.name}` }));
    const body: Record<string, unknown> = {
      queues,
      links: nextLinks(req.path, params, result.next ?? marker ?? '', queues.length),
    };
    if (result.count) body.count = result.count;
    return { status: 200, body };
  };

  // GET /v2/queues/{q}
  get: HttpHandler = async (req, ctx) => ({ status: 200, body: await this.ops.queues.get(ctx, req.params.queue_name) });

  // PUT /v2/queues/{q}
  create: HttpHandler = async (req, ctx) => {
    const created = await this.ops.queues.create(ctx, req.params.queue_name, jsonBody(req));
    return { status: created ? 201 : 204, headers: { Location: req.path } };
  };

  // PATCH /v2/queues/{q}
  update: HttpHandler = async (req, ctx) => {
    const metadata = await this.ops.queues.update(ctx, req.params.queue_name, jsonBody(req, readPatchDocument));
    return { status: 200, body: metadata };
  };

  // DELETE /v2/queues/{q}
  delete: HttpHandler = async (req, ctx) => {
    await this.ops.queues.delete(ctx, req.params.queue_name);
    return { status: 204 };
  };

  // GET /v2/queues/{q}/stats
  stats: HttpHandler = async (req, ctx) => {
    const { stats } = await this.ops.queues.stats(ctx, req.params.queue_name);
    return { status: 200, body: formatStats(stats, queuePathOf(req.path, 1)) };
  };

  // POST /v2/queues/{q}/purge
  purge: HttpHandler = async (req, ctx) => {
    await this.ops.queues.purge(ctx, req.params.queue_name, jsonBody(req));
    return { status: 204 };
  };
}
