/**
 * Flavors over HTTP (Zaqar's `zaqar.transport.wsgi.v2_0.flavors`): `links`
 * before `flavors`; an empty `pool_list` is refused with a `Location`.
 */
import { DomainError } from '../../../../zaqar/api/errors';
import type { OperationSet } from '../../../../zaqar/api/operations';
import { jsonBody, readLoadedDocument } from '../http/body';
import { HttpError } from '../http/errors';
import type { HttpHandler, HttpRequest } from '../http/model';
import { readPaging, type QueryEcho } from '../http/paging';
import { toQueryString } from '../http/query';

/** Zaqar answers an empty pool list with 400 and the flavor's Location. */
function withLocationOnEmptyList(req: HttpRequest, err: unknown): unknown {
  if (err instanceof DomainError && err.code === 'flavor_refused' && err.message === 'Bad Request') {
    return new HttpError(400, 'Unable to create', 'Bad Request', { Location: req.path });
  }
  return err;
}

export class FlavorsPresenter {
  constructor(private readonly ops: OperationSet) {}

  // GET /v2/flavors
  list: HttpHandler = async (req, ctx) => {
    const params: QueryEcho = {};
    const { marker, limit } = readPaging(req, params);
    const detailed = req.query.getBool('detailed');
    const result = await this.ops.flavors.list(ctx, { marker, limit, detailed });
    const flavors = result.flavors.map(({ name, ...rest }) => ({ name, href: `${req.path}/${name}`, ...rest }));
    // Zaqar's order: marker and limit as sent, the new marker, then `detailed`.
    const echo: QueryEcho = flavors.length > 0 ? { ...params, marker: result.next } : { ...params };
    if (detailed !== undefined) echo.detailed = detailed;
    const links = flavors.length > 0 ? [{ rel: 'next', href: req.path + toQueryString(echo) }] : [];
    return { status: 200, body: { links, flavors } };
  };

  // GET /v2/flavors/{f}
  get: HttpHandler = async (req, ctx) => {
    const flavor = await this.ops.flavors.get(ctx, req.params.flavor_name);
    return { status: 200, body: { ...flavor, href: req.path } };
  };

  // PUT /v2/flavors/{f}
  create: HttpHandler = async (req, ctx) => {
    try {
      await this.ops.flavors.create(ctx, req.params.flavor_name, jsonBody(req, readLoadedDocument));
    } catch (err) {
      throw withLocationOnEmptyList(req, err);
    }
    return { status: 201, headers: { Location: req.path } };
  };

  // PATCH /v2/flavors/{f}
  update: HttpHandler = async (req, ctx) => {
    try {
      const flavor = await this.ops.flavors.update(ctx, req.params.flavor_name, jsonBody(req, readLoadedDocument));
      return { status: 200, body: { name: flavor.name, capabilities: flavor.capabilities, pool_list: flavor.pool_list, href: req.path } };
    } catch (err) {
      throw withLocationOnEmptyList(req, err);
    }
  };

  // DELETE /v2/flavors/{f}
  delete: HttpHandler = async (req, ctx) => {
    await this.ops.flavors.delete(ctx, req.params.flavor_name);
    return { status: 204 };
  };
}
