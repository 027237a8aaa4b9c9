/**
 * The JSON-home documents of v2 (`GET /v2/`) and v1.1, resource for resource
 * as Zaqar 15 serves it (key order included; tests/unit/transport/wsgi/
 * home-document.spec.ts holds the text fixed). Admin resources are appended
 * when `[DEFAULT] admin_mode` is on.
 */

/** One resource of a home document, in Zaqar's words. */
interface Resource {
  rel: string;
  /** Below the version prefix: an RFC 6570 template (`href-template`), or a plain path when `plain`. */
  path: string;
  plain?: boolean;
  /** Each variable's `param/…` name (Zaqar lists some the template does not use). */
  vars?: Record<string, string>;
  allow: string[];
  /** Hints `accept-post: ["application/json"]`. */
  acceptsJson?: boolean;
}

/** The document for `prefix`: `rel/<rel>` → href-template (or href), href-vars, hints. */
function homeDocument(prefix: string, resources: Resource[]): Record<string, unknown> {
  return Object.fromEntries(
    resources.map((r) => [
      `rel/${r.rel}`,
      {
        [r.plain ? 'href' : 'href-template']: prefix + r.path,
        ...(r.vars && { 'href-vars': Object.fromEntries(Object.entries(r.vars).map(([name, param]) => [name, `param/${param}`])) }),
        hints: {
          allow: [...r.allow],
          formats: { 'application/json': {} },
          ...(r.acceptsJson && { 'accept-post': ['application/json'] }),
        },
      },
    ]),
  );
}

const QUEUE = { queue_name: 'queue_name' };
const MESSAGE = { ...QUEUE, message_id: 'message_id' };
const CLAIM = { ...QUEUE, claim_id: 'claim_id' };
const SUBSCRIPTION = { ...QUEUE, subscriptions_id: 'subscriptions_id' };

/** The public resources; v1.1 has fewer (no share, purge, single message get or subscriptions) and a queue without GET and PATCH. */
function publicResources(v2: boolean): Resource[] {
  return [
    { rel: 'queues', path: '/queues{?marker,limit,detailed}', vars: { marker: 'marker', limit: 'queue_limit', detailed: 'detailed' }, allow: ['GET'] },
    { rel: 'queue', path: '/queues/{queue_name}', vars: QUEUE, allow: v2 ? ['GET', 'PUT', 'DELETE', 'PATCH'] : ['PUT', 'DELETE'] },
    { rel: 'queue_stats', path: '/queues/{queue_name}/stats', vars: QUEUE, allow: ['GET'] },
    ...(v2
      ? [
          { rel: 'queue_share', path: '/queues/{queue_name}/share', vars: QUEUE, allow: ['POST'], acceptsJson: true },
          { rel: 'queue_purge', path: '/queues/{queue_name}/purge', vars: QUEUE, allow: ['POST'], acceptsJson: true },
        ]
      : []),
    {
      rel: 'messages',
      path: '/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}',
      vars: { ...QUEUE, marker: 'marker', limit: 'messages_limit', echo: 'echo', include_claimed: 'include_claimed' },
      allow: ['GET'],
    },
    { rel: 'post_messages', path: '/queues/{queue_name}/messages', vars: QUEUE, allow: ['POST'], acceptsJson: true },
    { rel: 'messages_delete', path: '/queues/{queue_name}/messages{?ids,pop}', vars: { ...QUEUE, ids: 'ids', pop: 'pop' }, allow: ['DELETE'] },
    { rel: 'message_delete', path: '/queues/{queue_name}/messages/{message_id}{?claim}', vars: { ...MESSAGE, claim: 'claim_id' }, allow: ['DELETE'] },
    ...(v2 ? [{ rel: 'message_get', path: '/queues/{queue_name}/messages/{message_id}', vars: MESSAGE, allow: ['GET'] }] : []),
    { rel: 'claim', path: '/queues/{queue_name}/claims/{claim_id}', vars: CLAIM, allow: ['GET'] },
    { rel: 'post_claim', path: '/queues/{queue_name}/claims{?limit}', vars: { ...QUEUE, limit: 'claim_limit' }, allow: ['POST'], acceptsJson: true },
    { rel: 'patch_claim', path: '/queues/{queue_name}/claims/{claim_id}', vars: CLAIM, allow: ['PATCH'], acceptsJson: true },
    { rel: 'delete_claim', path: '/queues/{queue_name}/claims/{claim_id}', vars: CLAIM, allow: ['DELETE'] },
    ...(v2
      ? [
          {
            rel: 'subscriptions_get',
            path: '/queues/{queue_name}/subscriptions{?marker,limit}',
            vars: { ...QUEUE, marker: 'marker', limit: 'subscription_limit' },
            allow: ['GET'],
          },
          { rel: 'subscriptions_post', path: '/queues/{queue_name}/subscriptions', vars: { ...QUEUE, limit: 'subscription_limit' }, allow: ['POST'], acceptsJson: true },
          { rel: 'subscription', path: '/queues/{queue_name}/subscriptions/{subscriptions_id}', vars: SUBSCRIPTION, allow: ['GET', 'DELETE'] },
          { rel: 'subscription_patch', path: '/queues/{queue_name}/subscriptions/{subscriptions_id}', vars: SUBSCRIPTION, allow: ['PATCH'], acceptsJson: true },
        ]
      : []),
    { rel: 'ping', path: '/ping', allow: ['GET'] },
  ];
}

/** The admin resources, alike in both versions. */
const ADMIN_RESOURCES: Resource[] = [
  { rel: 'pools', path: '/pools{?detailed,limit,marker}', vars: { detailed: 'detailed', limit: 'pool_limit', marker: 'marker' }, allow: ['GET'] },
  { rel: 'pool', path: '/pools/{pool_name}', vars: { pool_name: 'pool_name' }, allow: ['GET', 'PUT', 'PATCH', 'DELETE'] },
  { rel: 'flavors', path: '/flavors{?detailed,limit,marker}', vars: { detailed: 'detailed', limit: 'flavor_limit', marker: 'marker' }, allow: ['GET'] },
  { rel: 'flavor', path: '/flavors/{flavor_name}', vars: { flavor_name: 'flavor_name' }, allow: ['GET', 'PUT', 'PATCH', 'DELETE'] },
  { rel: 'health', path: '/health', plain: true, allow: ['GET'] },
];

export const V2_PUBLIC_RESOURCES = homeDocument('/v2', publicResources(true));
export const V2_ADMIN_RESOURCES = homeDocument('/v2', ADMIN_RESOURCES);
export const V1_1_PUBLIC_RESOURCES = homeDocument('/v1.1', publicResources(false));
export const V1_1_ADMIN_RESOURCES = homeDocument('/v1.1', ADMIN_RESOURCES);
