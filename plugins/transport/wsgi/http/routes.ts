/**
 * The route table: for each path of each mounted version, the methods it
 * answers, the policy rule each is guarded by, the presenter method that
 * serves it and the sentence of its 503. The JSON-home documents describe
 * the same table (tests/unit/transport/wsgi/routes.spec.ts checks that they agree).
 */
import type { Operations, OperationSet } from '../../../../zaqar/api/operations';
import type { ApiLimits } from '../../../../zaqar/api/settings';
import { ClaimsPresenter } from '../presenters/claims';
import { FlavorsPresenter } from '../presenters/flavors';
import { MessagesPresenter } from '../presenters/messages';
import { PoolsPresenter } from '../presenters/pools';
import { QueuesPresenter, TOPIC_ROUTES } from '../presenters/queues';
import { SharePresenter } from '../presenters/share';
import { SubscriptionsPresenter } from '../presenters/subscriptions';
import { SystemPresenter, versions } from '../presenters/system';
import type { HttpHandler, HttpRequest } from './model';
import { V1_1, V2, type HttpVersion } from './versions';

export interface HttpOperation {
  /** Policy rule checked before the handler; undefined = no policy check. */
  rule?: string;
  handler: HttpHandler;
  /** The first sentence of the 503 when the store fails (Zaqar's per-responder texts). */
  unavailable?: string | ((req: HttpRequest) => string);
}

export interface Route {
  /** Router syntax: `/v2/queues/:queue_name`. */
  path: string;
  operations: Partial<Record<string, HttpOperation>>;
  /** No authentication, Client-ID or project (the versions document). */
  public?: boolean;
}

export interface RouteSettings {
  /** `[DEFAULT] admin_mode`: mount /health (and the admin half of the home documents). */
  adminMode: boolean;
  /** `[DEFAULT] pooling`: with admin_mode, mount /pools (and, v2, /flavors). */
  pooling: boolean;
  /** `[DEFAULT] enable_deprecated_api_versions`. */
  deprecatedVersions: readonly string[];
  limits: ApiLimits;
  /** An auth strategy other than noauth authenticates requests: the policy guards every version (see HttpVersion.policy). */
  authenticated?: boolean;
}

/** The routes of one API version (v1.1 is a profile of v2: fewer routes, and the same rule names). */
function versionRoutes(operations: Operations, version: HttpVersion, settings: RouteSettings): Route[] {
  const ops = operations.for(version.profile);
  const system = new SystemPresenter(ops, version, settings.adminMode);
  const queues = new QueuesPresenter(ops.queues, version);
  const messages = new MessagesPresenter(ops.messages, version, settings.limits);
  const claims = new ClaimsPresenter(ops, version.longPoll);
  const share = new SharePresenter(ops);
  const v = version.prefix;
  const q = `${v}/queues/:queue_name`;
  const guarded = version.policy === 'always' || settings.authenticated === true;
  const op: OperationOf = (rule, handler, unavailable) => ({
    rule: guarded ? rule : undefined,
    handler,
    unavailable,
  });

  const routes: Route[] = [
    { path: `${v}/`, operations: { GET: { handler: system.home } } },
    { path: `${v}/ping`, operations: { GET: op('ping:get', system.ping), HEAD: op('ping:get', system.pingHead) } },
    { path: `${v}/queues`, operations: { GET: op('queues:get_all', queues.list, 'Queues could not be listed.') } },
    {
      path: q,
      operations: {
        GET: op('queues:get', queues.get, 'Queue metadata could not be retrieved.'),
        PUT: op('queues:create', queues.create, 'Queue could not be created.'),
        ...(version.queueExtras ? { PATCH: op('queues:update', queues.update, 'Queue could not be updated.') } : {}),
        DELETE: op('queues:delete', queues.delete, 'Queue could not be deleted.'),
      },
    },
    { path: `${q}/stats`, operations: { GET: op('queues:stats', queues.stats, 'Queue stats could not be read.') } },
    ...messageRoutes(messages, q, op),
    { path: `${q}/claims`, operations: { POST: op('claims:create', claims.create, 'Claim could not be created.') } },
    {
      path: `${q}/claims/:claim_id`,
      operations: {
        GET: op('claims:get', claims.get, 'Claim could not be queried.'),
        PATCH: op('claims:update', claims.update, 'Claim could not be updated.'),
        DELETE: op('claims:delete', claims.release, 'Claim could not be deleted.'),
      },
    },
  ];
  if (version.queueExtras) {
    routes.push(
      { path: `${q}/purge`, operations: { POST: op('queues:purge', queues.purge, 'Queue could not be purged.') } },
      { path: `${q}/share`, operations: { POST: op('queues:share', share.create) } },
      ...subscriptionRoutes(new SubscriptionsPresenter(ops.subscriptions), q, op),
      ...topicRoutes(ops, version, settings, op),
    );
  }
  if (settings.adminMode) {
    routes.push({ path: `${v}/health`, operations: { GET: op('health:get', system.health, 'Health status could not be read.') } });
  }
  if (settings.adminMode && settings.pooling) routes.push(...poolingRoutes(ops, version, op));
  return routes;
}

type OperationOf = (rule: string, handler: HttpHandler, unavailable?: HttpOperation['unavailable']) => HttpOperation;

/** The messages below a queue or topic path (`base`). */
function messageRoutes(messages: MessagesPresenter, base: string, op: OperationOf): Route[] {
  return [
    {
      path: `${base}/messages`,
      operations: {
        GET: op('messages:get_all', messages.list, (req) =>
          req.query.has('ids') ? 'Message could not be retrieved.' : 'Messages could not be listed.',
        ),
        POST: op('messages:create', messages.post, 'Messages could not be enqueued.'),
        DELETE: op('messages:delete_all', messages.deleteMany, (req) =>
          req.query.has('ids') ? 'Messages could not be deleted.' : 'Messages could not be popped.',
        ),
      },
    },
    {
      path: `${base}/messages/:message_id`,
      operations: {
        GET: op('messages:get', messages.getOne, 'Message could not be retrieved.'),
        DELETE: op('messages:delete', messages.deleteOne, 'Message could not be deleted.'),
      },
    },
  ];
}

/** The subscriptions below a queue or topic path (`base`). */
function subscriptionRoutes(subscriptions: SubscriptionsPresenter, base: string, op: OperationOf): Route[] {
  return [
    {
      path: `${base}/subscriptions`,
      operations: {
        GET: op('subscription:get_all', subscriptions.list, 'Subscriptions could not be listed.'),
        POST: op('subscription:create', subscriptions.create, 'Subscription could not be created.'),
      },
    },
    {
      path: `${base}/subscriptions/:subscription_id`,
      operations: {
        GET: op('subscription:get', subscriptions.get, 'Subscription could not be retrieved.'),
        PATCH: op('subscription:update', subscriptions.update, 'Subscription could not be updated.'),
        DELETE: op('subscription:delete', subscriptions.delete, 'Subscription could not be deleted.'),
      },
    },
    {
      path: `${base}/subscriptions/:subscription_id/confirm`,
      operations: { PUT: op('subscription:confirm', subscriptions.confirm, 'Subscription could not be confirmed.') },
    },
  ];
}

/**
 * Topics (v2): Zaqar's topic resources, and below them the messages and
 * subscriptions Zaqar routes but fails on with 500 in 15.0; here they work
 * as their queue equivalents.
 */
function topicRoutes(ops: OperationSet, version: HttpVersion, settings: RouteSettings, op: OperationOf): Route[] {
  const topics = new QueuesPresenter(ops.topics, version, TOPIC_ROUTES);
  const messages = new MessagesPresenter(ops.topicMessages, version, settings.limits, TOPIC_ROUTES);
  const t = `${version.prefix}/topics/:topic_name`;
  return [
    { path: `${version.prefix}/topics`, operations: { GET: op('topics:get_all', topics.list, 'Topics could not be listed.') } },
    {
      path: t,
      operations: {
        GET: op('topics:get', topics.get, 'Topic metadata could not be retrieved.'),
        PUT: op('topics:create', topics.create, 'Topic could not be created.'),
        PATCH: op('topics:update', topics.update, 'Topic could not be updated.'),
        DELETE: op('topics:delete', topics.delete, 'Topic could not be deleted.'),
      },
    },
    { path: `${t}/stats`, operations: { GET: op('topics:stats', topics.stats, 'Topic stats could not be read.') } },
    { path: `${t}/purge`, operations: { POST: op('topics:purge', topics.purge, 'Topic could not be purged.') } },
    ...messageRoutes(messages, t, op),
    ...subscriptionRoutes(new SubscriptionsPresenter(ops.topicSubscriptions, TOPIC_ROUTES), t, op),
  ];
}

/** The admin resources of pooling: pools (v2, v1.1) and flavors (v2; v1.1's legacy pool-group flavors are not served). */
function poolingRoutes(ops: OperationSet, version: HttpVersion, op: OperationOf): Route[] {
  const v = version.prefix;
  const pools = new PoolsPresenter(ops, version);
  const routes: Route[] = [
    { path: `${v}/pools`, operations: { GET: op('pools:get_all', pools.list, 'Pools could not be listed.') } },
    {
      path: `${v}/pools/:pool_name`,
      operations: {
        GET: op('pools:get', pools.get, 'Pool could not be read.'),
        PUT: op('pools:create', pools.create, 'Pool could not be created.'),
        PATCH: op('pools:update', pools.update, 'Pool could not be updated.'),
        DELETE: op('pools:delete', pools.delete, 'Pool could not be deleted.'),
      },
    },
  ];
  if (version.id === '2') {
    const flavors = new FlavorsPresenter(ops);
    routes.push(
      { path: `${v}/flavors`, operations: { GET: op('flavors:get_all', flavors.list, 'Flavors could not be listed.') } },
      {
        path: `${v}/flavors/:flavor_name`,
        operations: {
          GET: op('flavors:get', flavors.get, 'Flavor could not be read.'),
          PUT: op('flavors:create', flavors.create, 'Flavor could not be created.'),
          PATCH: op('flavors:update', flavors.update, 'Flavor could not be updated.'),
          DELETE: op('flavors:delete', flavors.delete, 'Flavor could not be deleted.'),
        },
      },
    );
  }
  return routes;
}

/** Every mounted route: `/`, v2, and the deprecated versions the operator enabled. */
export function buildRoutes(operations: Operations, settings: RouteSettings): Route[] {
  const routes: Route[] = [{ path: '/', public: true, operations: { GET: { handler: versions } } }];
  routes.push(...versionRoutes(operations, V2, settings));
  if (settings.deprecatedVersions.includes('1.1')) routes.push(...versionRoutes(operations, V1_1, settings));
  return routes;
}

/** Methods a route implements, sorted (for `Allow`). */
export function allowedMethods(route: Route): string[] {
  return Object.keys(route.operations).sort();
}
