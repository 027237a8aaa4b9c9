/**
 * Pools over HTTP (admin; Zaqar's `zaqar.transport.wsgi.v2_0.pools` and
 * `v1_1.pools`): `links` before `pools`, `Content-Location` on listings,
 * `Location` on PUT. v1.1 reads no flavor, validates no listing limit and
 * answers PATCH with an empty body.
 */
import type { OperationSet } from '../../../../zaqar/api/operations';
import type { PoolField } from '../../../../zaqar/api/operations/pools';
import { jsonBody, readLoadedDocument } from '../http/body';
import type { HttpHandler } from '../http/model';
import { nextLinks, readPaging, type QueryEcho } from '../http/paging';
import type { HttpVersion } from '../http/versions';

const V2_FIELDS: PoolField[] = ['weight', 'uri', 'flavor', 'options'];
const V2_NOTHING = 'One of `uri`, `weight`, `flavor`, or `options` needs to be specified';
const V1_1_FIELDS: PoolField[] = ['weight', 'uri', 'options'];
const V1_1_NOTHING = 'One of `uri`, `weight`,or `options` needs to be specified';

export class PoolsPresenter {
  private readonly v2: boolean;

  constructor(
    private readonly ops: OperationSet,
    version: HttpVersion,
  ) {
    this.v2 = version.id === '2';
  }

  // GET /v2/pools
  list: HttpHandler = async (req) => {
    const params: QueryEcho = {};
    const { marker, limit } = readPaging(req, params);
    const detailed = req.query.getBool('detailed');
    if (detailed !== undefined) params.detailed = detailed;
    const result = await this.ops.pools.list({ marker, limit, detailed }, this.v2);
    const pools = result.pools.map((pool) => ({ ...pool, href: `${req.path}/${pool.name}` }));
    return {
      status: 200,
      headers: { 'Content-Location': req.relativeUri },
      body: { links: nextLinks(req.path, params, result.next, pools.length), pools },
    };
  };

  // GET /v2/pools/{p}[?detailed=true]
  get: HttpHandler = async (req) => {
    const pool = await this.ops.pools.get(req.params.pool_name, req.query.getBool('detailed') ?? false);
    return { status: 200, body: { ...pool, href: req.path } };
  };

  // PUT /v2/pools/{p}
  create: HttpHandler = async (req) => {
    await this.ops.pools.create(req.params.pool_name, jsonBody(req, readLoadedDocument), this.v2);
    return { status: 201, headers: { Location: req.path } };
  };

  // PATCH /v2/pools/{p}
  update: HttpHandler = async (req) => {
    const [fields, nothing] = this.v2 ? [V2_FIELDS, V2_NOTHING] : [V1_1_FIELDS, V1_1_NOTHING];
    const pool = await this.ops.pools.update(req.params.pool_name, jsonBody(req, readLoadedDocument), fields, nothing);
    return this.v2 ? { status: 200, body: { ...pool, href: req.path } } : { status: 200 };
  };

  // DELETE /v2/pools/{p}
  delete: HttpHandler = async (req) => {
    await this.ops.pools.delete(req.params.pool_name);
    return { status: 204 };
  };
}
