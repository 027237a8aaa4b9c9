/**
 * Subscriptions over HTTP (Zaqar's `zaqar.transport.wsgi.v2_0.subscriptions`):
 * `Location` headers, next links, the 409 of a duplicate; the same for a
 * queue's and a topic's subscriptions.
 */
import { DomainError } from '../../../../zaqar/api/errors';
import type { SubscriptionOperations } from '../../../../zaqar/api/operations';
import type { Subscription } from '../../../../zaqar/storage/interfaces';
import { jsonBody } from '../http/body';
import { HttpError } from '../http/errors';
import type { HttpHandler } from '../http/model';
import { nextLinks, readPaging, type QueryEcho } from '../http/paging';
import { NamespacePresenter, QUEUE_ROUTES, type NamespaceRoutes } from './queues';

/** A subscription in Zaqar's key order, whatever order the store built it in. */
function formatSubscription(s: Subscription): Record<string, unknown> {
  return { id: s.id, source: s.source, subscriber: s.subscriber, ttl: s.ttl, age: s.age, options: s.options, confirmed: s.confirmed };
}

export class SubscriptionsPresenter extends NamespacePresenter {
  constructor(
    private readonly ops: SubscriptionOperations,
    routes: NamespaceRoutes = QUEUE_ROUTES,
  ) {
    super(routes);
  }

  // GET /v2/queues/{q}/subscriptions
  list: HttpHandler = async (req, ctx) => {
    const params: QueryEcho = {};
    const { marker, limit } = readPaging(req, params);
    const result = await this.ops.list(ctx, this.name(req), { marker, limit });
    const subscriptions = result.subscriptions.map(formatSubscription);
    return {
      status: 200,
      body: { subscriptions, links: nextLinks(req.path, params, result.next ?? marker ?? '', subscriptions.length) },
    };
  };

  // POST /v2/queues/{q}/subscriptions
  create: HttpHandler = async (req, ctx) => {
    try {
      const { id } = await this.ops.create(ctx, this.name(req), jsonBody(req));
      return { status: 201, headers: { Location: req.path }, body: { subscription_id: id } };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'conflict') {
        throw new HttpError(409, 'Resource conflict', err.message, { Location: req.path });
      }
      throw err;
    }
  };

  // GET /v2/queues/{q}/subscriptions/{s}
  get: HttpHandler = async (req, ctx) => ({
    status: 200,
    body: formatSubscription(await this.ops.get(ctx, this.name(req), req.params.subscription_id)),
  });

  // PATCH /v2/queues/{q}/subscriptions/{s}
  update: HttpHandler = async (req, ctx) => {
    await this.ops.update(ctx, this.name(req), req.params.subscription_id, jsonBody(req));
    return { status: 204, headers: { Location: req.path } };
  };

  // DELETE /v2/queues/{q}/subscriptions/{s}
  delete: HttpHandler = async (req, ctx) => {
    await this.ops.delete(ctx, this.name(req), req.params.subscription_id);
    return { status: 204 };
  };

  // PUT /v2/queues/{q}/subscriptions/{s}/confirm
  confirm: HttpHandler = async (req, ctx) => {
    await this.ops.confirm(ctx, this.name(req), req.params.subscription_id, jsonBody(req));
    return { status: 204, headers: { Location: req.path } };
  };
}
