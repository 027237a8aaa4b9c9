/**
 * The WebSocket presenter: every action of Zaqar's v2 WebSocket API
 * (`zaqar.api.v2.endpoints`), as a call of the transport-neutral operations
 * and Zaqar's answer to it — status, body, and for failures the
 * `{"exception", "error"}` body with the endpoint's fixed sentence.
 *
 * Each action also names what it stands for in HTTP terms, so the request
 * stages treat it as the HTTP transport's request: the policy rule, and for
 * the message actions the method and path a pre-signed URL must cover.
 */
import type { RequestBody } from '../../../zaqar/api/body';
import type { RequestContext } from '../../../zaqar/api/context';
import { DomainError, type DomainErrorCode } from '../../../zaqar/api/errors';
import type { OperationSet } from '../../../zaqar/api/operations';
import type { ApiProfile } from '../../../zaqar/api/profile';
import { JsonNumber, RawJson } from '../../../zaqar/common/json';
import { pythonRepr } from '../../../zaqar/common/python';
import type { StoredMessage, Subscription } from '../../../zaqar/storage/interfaces';

/**
 * Queue metadata over WebSocket is the raw stored object (no reserved
 * defaults in `queue_get` or detailed listings), while per-queue settings
 * apply to posts as on HTTP v2.
 */
export const WS_PROFILE: ApiProfile = { id: 'websocket', reservedDefaults: false, queueSettings: true };

export interface Answer {
  status: number;
  body: unknown;
}

/** What an action gets from the connection it arrived on. */
export interface ActionScope {
  ops: OperationSet;
  ctx: RequestContext;
  body: Record<string, unknown>;
  /** This connection's subscriber URI (`http://<notification host>:<port>/<connection id>`). */
  subscriberUri(): string;
  /** `message_delete_with_claim_id`: bulk deletes read `claim_ids`. */
  deleteWithClaimIds: boolean;
}

export interface WsAction {
  /** The policy rule (Zaqar's HTTP rule of the same operation). */
  rule?: string;
  /** Message actions only: the method a pre-signed URL must allow, and the path it must cover. */
  signed?: { method: string; path: (queue: string, body: Record<string, unknown>) => string };
  /** `body.queue_name` is validated by the identification stage (as the queue of an HTTP path). */
  queue?: boolean;
  /** Admin actions: served with `[DEFAULT] admin_mode` and `pooling` only. */
  pooling?: boolean;
  run(scope: ActionScope): Promise<Answer>;
  /** The endpoint's sentence for a failing store (503), and for some codes its fixed `error` text. */
  errors?: (body: Record<string, unknown>) => Partial<Record<DomainErrorCode | 'unavailable', string>>;
}

const text = (body: Record<string, unknown>, key: string): string => String(body[key] ?? '');
const optionalText = (body: Record<string, unknown>, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;
const optionalInt = (body: Record<string, unknown>, key: string): number | undefined =>
  body[key] === undefined || body[key] === null ? undefined : Number(body[key]);
const optionalBool = (body: Record<string, unknown>, key: string): boolean | undefined =>
  typeof body[key] === 'boolean' ? (body[key] as boolean) : undefined;
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);

/** Plain values for Python's `str()` of them (numbers kept exactly by the parser as numbers). */
function plain(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (value instanceof RawJson) return plain(value.value());
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/**
 * A document the frame carried: its size is the length of Python's `str()`
 * of `measured`, which is what Zaqar's WebSocket endpoints check limits
 * against (`len(str(metadata))`, `len(str(messages))`), not the frame size.
 */
function documentOf(value: unknown, measured: unknown = value): RequestBody {
  return { size: pythonRepr(plain(measured)).length, document: () => value };
}

/** A message as the WebSocket API shows it: no href, no checksum, `claim_id` only where a claim is shown. */
function wsMessage(claimId: string | null): (m: StoredMessage) => Record<string, unknown> {
  return (m) => ({ id: m.id, claim_id: claimId, ttl: m.ttl, age: m.age, body: m.body });
}

/** Popped messages keep the store's shape (Zaqar returns them unformatted). */
const popped = (m: StoredMessage): Record<string, unknown> => ({ id: m.id, age: m.age, ttl: m.ttl, body: m.body, claim_id: m.claimId, claim_count: m.claimCount });

const subscriptionView = (s: Subscription): Record<string, unknown> => ({
  id: s.id, source: s.source, subscriber: s.subscriber, ttl: s.ttl, age: s.age, options: s.options, confirmed: s.confirmed,
});

const messagesPath = (queue: string): string => `/v2/queues/${queue}/messages`;
const messagePath = (queue: string, body: Record<string, unknown>): string => `${messagesPath(queue)}/${text(body, 'message_id')}`;

const queueOf = (scope: ActionScope): string => text(scope.body, 'queue_name');

export const ACTIONS: Record<string, WsAction> = {
  // Queues
  queue_list: {
    rule: 'queues:get_all',
    run: async ({ ops, ctx, body }) => {
      const detailed = optionalBool(body, 'detailed');
      const { queues } = await ops.queues.list(ctx, { marker: optionalText(body, 'marker'), limit: optionalInt(body, 'limit'), detailed });
      return { status: 200, body: { queues } };
    },
    errors: () => ({ unavailable: 'Queues could not be listed.' }),
  },
  queue_create: {
    rule: 'queues:create',
    queue: true,
    run: async (scope) => {
      const metadata = scope.body.metadata ?? {};
      const created = await scope.ops.queues.create(scope.ctx, queueOf(scope), documentOf(metadata));
      return { status: created ? 201 : 204, body: `Queue ${queueOf(scope)} created.` };
    },
    errors: (b) => ({ unavailable: `Queue ${text(b, 'queue_name')} could not be created.` }),
  },
  queue_delete: {
    rule: 'queues:delete',
    queue: true,
    run: async (scope) => {
      await scope.ops.queues.delete(scope.ctx, queueOf(scope));
      return { status: 204, body: `Queue ${queueOf(scope)} removed.` };
    },
    errors: (b) => ({ unavailable: `Queue ${text(b, 'queue_name')} could not be deleted.` }),
  },
  queue_get: {
    rule: 'queues:get',
    queue: true,
    run: async (scope) => ({ status: 200, body: await scope.ops.queues.get(scope.ctx, queueOf(scope)) }),
    errors: (b) => ({ unavailable: `Cannot retrieve queue ${text(b, 'queue_name')}.` }),
  },
  queue_get_stats: {
    rule: 'queues:stats',
    queue: true,
    run: async (scope) => {
      const { stats, exists } = await scope.ops.queues.stats(scope.ctx, queueOf(scope));
      const { claimed, free, total, oldest, newest } = stats.messages;
      const messages: Record<string, unknown> = { claimed, free, total };
      if (total !== 0 && oldest && newest) Object.assign(messages, { oldest, newest });
      return { status: exists ? 200 : 404, body: { messages } };
    },
    errors: (b) => ({ unavailable: `Cannot retrieve queue ${text(b, 'queue_name')} stats.` }),
  },
  queue_purge: {
    rule: 'queues:purge',
    queue: true,
    run: async (scope) => {
      // Zaqar reads the list without validating it: names it does not know are ignored.
      const asked = strings(scope.body.resource_types);
      const types = asked?.filter((t) => t === 'messages' || t === 'subscriptions');
      if (types === undefined || types.length > 0) {
        const document = types === undefined ? { size: undefined, document: () => ({}) } : documentOf({ resource_types: types });
        await scope.ops.queues.purge(scope.ctx, queueOf(scope), document);
      }
      return { status: 204, body: {} };
    },
  },

  // Messages
  message_list: {
    rule: 'messages:get_all',
    queue: true,
    signed: { method: 'GET', path: messagesPath },
    run: async ({ ops, ctx, body }) => {
      const page = await ops.messages.list(ctx, text(body, 'queue_name'), {
        marker: optionalText(body, 'marker'),
        limit: optionalInt(body, 'limit'),
        echo: optionalBool(body, 'echo'),
        includeClaimed: optionalBool(body, 'include_claimed'),
        includeDelayed: optionalBool(body, 'include_delayed'),
      });
      // Listed messages never show their claim (Zaqar's format_message without a claim id).
      return { status: 200, body: { messages: page.items.map(wsMessage(null)) } };
    },
  },
  message_get: {
    rule: 'messages:get',
    queue: true,
    signed: { method: 'GET', path: messagePath },
    run: async (scope) => {
      const message = await scope.ops.messages.get(scope.ctx, queueOf(scope), text(scope.body, 'message_id'));
      return { status: 200, body: { messages: wsMessage(null)(message) } };
    },
  },
  message_get_many: {
    rule: 'messages:get_all',
    queue: true,
    signed: { method: 'GET', path: messagesPath },
    run: async (scope) => {
      const messages = await scope.ops.messages.getMany(scope.ctx, queueOf(scope), strings(scope.body.message_ids) ?? []);
      return { status: 200, body: { messages: messages.map(wsMessage(null)) } };
    },
  },
  message_post: {
    rule: 'messages:create',
    queue: true,
    signed: { method: 'POST', path: messagesPath },
    run: async (scope) => {
      const messages = scope.body.messages;
      const ids = await scope.ops.messages.post(scope.ctx, queueOf(scope), documentOf({ messages }, messages));
      return { status: 201, body: { message_ids: ids } };
    },
    errors: () => ({ message_conflict: 'No messages could be enqueued.' }),
  },
  message_delete: {
    rule: 'messages:delete',
    queue: true,
    signed: { method: 'DELETE', path: messagePath },
    run: async (scope) => {
      await scope.ops.messages.delete(scope.ctx, queueOf(scope), text(scope.body, 'message_id'), optionalText(scope.body, 'claim_id'));
      return { status: 204, body: {} };
    },
    errors: () => ({
      message_not_claimed: 'A claim was specified, but the message is not currently claimed.',
      claim_invalid: 'The specified claim does not exist or has expired.',
      message_claimed: 'This message is claimed; it cannot be deleted without a valid claim ID.',
    }),
  },
  message_delete_many: {
    rule: 'messages:delete_all',
    queue: true,
    signed: { method: 'DELETE', path: messagesPath },
    run: async (scope) => {
      const { body } = scope;
      const ids = strings(body.message_ids);
      const pop = optionalInt(body, 'pop');
      const claimIds = scope.deleteWithClaimIds ? strings(body.claim_ids) : undefined;
      const result = await scope.ops.messages.deleteMany(scope.ctx, queueOf(scope), { ids, pop, claimIds });
      if (result === undefined) return { status: 204, body: {} };
      return { status: 200, body: { messages: result.map(popped) } };
    },
  },

  // Claims
  claim_create: {
    rule: 'claims:create',
    queue: true,
    run: async (scope) => {
      const limit = optionalInt(scope.body, 'limit');
      const { claimId, messages } = await scope.ops.claims.create(scope.ctx, queueOf(scope), limit, { size: 1, document: () => scope.body });
      if (messages.length === 0) return { status: 204, body: { claim_id: claimId } };
      return { status: 201, body: { claim_id: claimId, messages: messages.map(wsMessage(claimId)) } };
    },
  },
  claim_get: {
    rule: 'claims:get',
    queue: true,
    run: async (scope) => {
      const claimId = text(scope.body, 'claim_id');
      const claim = await scope.ops.claims.get(scope.ctx, queueOf(scope), claimId);
      return { status: 200, body: { age: claim.age, ttl: claim.ttl, messages: claim.messages.map(wsMessage(claimId)) } };
    },
    errors: (b) => ({ not_found: `Claim ${text(b, 'claim_id')} does not exist.` }),
  },
  claim_update: {
    rule: 'claims:update',
    queue: true,
    run: async (scope) => {
      const claimId = text(scope.body, 'claim_id');
      await scope.ops.claims.update(scope.ctx, queueOf(scope), claimId, { size: 1, document: () => scope.body });
      return { status: 204, body: `Claim ${claimId} updated.` };
    },
    errors: (b) => ({ not_found: `Claim ${text(b, 'claim_id')} does not exist.` }),
  },
  claim_delete: {
    rule: 'claims:delete',
    queue: true,
    run: async (scope) => {
      const claimId = text(scope.body, 'claim_id');
      await scope.ops.claims.release(scope.ctx, queueOf(scope), claimId);
      return { status: 204, body: `Claim ${claimId} deleted.` };
    },
  },

  // Subscriptions
  subscription_list: {
    rule: 'subscription:get_all',
    queue: true,
    run: async (scope) => {
      const { body } = scope;
      const { subscriptions } = await scope.ops.subscriptions.list(scope.ctx, queueOf(scope), {
        marker: optionalText(body, 'marker'),
        limit: optionalInt(body, 'limit'),
      });
      return { status: 200, body: { subscriptions: subscriptions.map(subscriptionView) } };
    },
    errors: () => ({ unavailable: 'Subscriptions could not be listed.' }),
  },
  subscription_create: {
    rule: 'subscription:create',
    queue: true,
    run: async (scope) => {
      const { body } = scope;
      const queue = queueOf(scope);
      // Without a subscriber the subscription targets this connection (Zaqar's handler does the same).
      const subscriber = body.subscriber ? body.subscriber : scope.subscriberUri();
      const document: Record<string, unknown> = { subscriber };
      if ('ttl' in body) document.ttl = body.ttl;
      if ('options' in body) document.options = body.options;
      try {
        const { id } = await scope.ops.subscriptions.create(scope.ctx, queue, documentOf(document));
        return { status: 201, body: { subscription_id: id, message: `Subscription ${queue} created.` } };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'conflict') return { status: 409, body: `Subscription ${queue} not created.` };
        throw err;
      }
    },
    errors: (b) => ({ unavailable: `Subscription ${text(b, 'queue_name')} could not be created.` }),
  },
  subscription_delete: {
    rule: 'subscription:delete',
    queue: true,
    run: async (scope) => {
      const id = text(scope.body, 'subscription_id');
      await scope.ops.subscriptions.delete(scope.ctx, queueOf(scope), id);
      return { status: 204, body: `Subscription ${id} removed.` };
    },
    errors: (b) => ({ unavailable: `Subscription ${text(b, 'subscription_id')} for queue ${text(b, 'queue_name')} could not be deleted.` }),
  },
  subscription_get: {
    rule: 'subscription:get',
    queue: true,
    run: async (scope) => ({
      status: 200,
      body: subscriptionView(await scope.ops.subscriptions.get(scope.ctx, queueOf(scope), text(scope.body, 'subscription_id'))),
    }),
    errors: (b) => ({
      not_found: `Subscription ${text(b, 'subscription_id')} for queue ${text(b, 'queue_name')} does not exist.`,
      unavailable: `Cannot retrieve subscription ${text(b, 'subscription_id')}.`,
    }),
  },

  // Node
  ping_node: {
    rule: 'ping:get',
    run: async ({ ops }) => ((await ops.system.ping()) ? { status: 204, body: {} } : { status: 503, body: { error: 'Service is unavailable.' } }),
  },
  check_node_health: {
    rule: 'health:get',
    run: async ({ ops }) => ({ status: 200, body: await ops.system.health() }),
    errors: () => ({ unavailable: 'Health status could not be read.' }),
  },
  get_home_doc: {
    run: async () => ({ status: 501, body: { error: 'The home document is served by the HTTP API only.' } }),
  },

  // Pools and flavors (admin; Zaqar declares them for WebSocket but implements none)
  pool_list: {
    rule: 'pools:get_all',
    pooling: true,
    run: async ({ ops, body }) => {
      const { pools } = await ops.pools.list({ marker: optionalText(body, 'marker'), limit: optionalInt(body, 'limit'), detailed: optionalBool(body, 'detailed') });
      return { status: 200, body: { pools } };
    },
  },
  pool_create: {
    rule: 'pools:create',
    pooling: true,
    run: async ({ ops, body }) => {
      const name = text(body, 'pool_name');
      await ops.pools.create(name, documentOf(pick(body, ['weight', 'uri', 'flavor', 'options'])));
      return { status: 201, body: `Pool ${name} created.` };
    },
  },
  pool_update: {
    rule: 'pools:update',
    pooling: true,
    run: async ({ ops, body }) => {
      const fields = ['weight', 'uri', 'flavor', 'options'] as const;
      const pool = await ops.pools.update(text(body, 'pool_name'), documentOf(pick(body, fields)), fields, 'One of `uri`, `weight`, `flavor`, or `options` needs to be specified');
      return { status: 200, body: pool };
    },
  },
  pool_get: {
    rule: 'pools:get',
    pooling: true,
    run: async ({ ops, body }) => ({ status: 200, body: await ops.pools.get(text(body, 'pool_name'), optionalBool(body, 'detailed') ?? false) }),
  },
  pool_delete: {
    rule: 'pools:delete',
    pooling: true,
    run: async ({ ops, body }) => {
      await ops.pools.delete(text(body, 'pool_name'));
      return { status: 204, body: `Pool ${text(body, 'pool_name')} removed.` };
    },
  },
  flavor_list: {
    rule: 'flavors:get_all',
    pooling: true,
    run: async ({ ops, ctx, body }) => {
      const { flavors } = await ops.flavors.list(ctx, { marker: optionalText(body, 'marker'), limit: optionalInt(body, 'limit'), detailed: optionalBool(body, 'detailed') });
      return { status: 200, body: { flavors } };
    },
  },
  flavor_create: {
    rule: 'flavors:create',
    pooling: true,
    run: async ({ ops, ctx, body }) => {
      const name = text(body, 'flavor_name');
      await ops.flavors.create(ctx, name, documentOf(flavorDocument(body)));
      return { status: 201, body: `Flavor ${name} created.` };
    },
  },
  flavor_update: {
    rule: 'flavors:update',
    pooling: true,
    run: async ({ ops, ctx, body }) => ({ status: 200, body: await ops.flavors.update(ctx, text(body, 'flavor_name'), documentOf(flavorDocument(body))) }),
  },
  flavor_get: {
    rule: 'flavors:get',
    pooling: true,
    run: async ({ ops, ctx, body }) => ({ status: 200, body: await ops.flavors.get(ctx, text(body, 'flavor_name')) }),
  },
  flavor_delete: {
    rule: 'flavors:delete',
    pooling: true,
    run: async ({ ops, ctx, body }) => {
      await ops.flavors.delete(ctx, text(body, 'flavor_name'));
      return { status: 204, body: `Flavor ${text(body, 'flavor_name')} removed.` };
    },
  },
};

function pick(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in body).map((k) => [k, body[k]]));
}

/** A flavor's pools: `pool_list` when given, else Zaqar's WebSocket schema's single `pool_name`. */
function flavorDocument(body: Record<string, unknown>): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  if (Array.isArray(body.pool_list)) document.pool_list = body.pool_list;
  else if (typeof body.pool_name === 'string') document.pool_list = [body.pool_name];
  if ('capabilities' in body) document.capabilities = body.capabilities;
  return document;
}

/** The message actions a pre-signed request may ask for. */
export const SIGNABLE = new Set(Object.entries(ACTIONS).filter(([, a]) => a.signed).map(([name]) => name));

/** Texts that differ from the operation's own for a given code. */
const FIXED_EXCEPTIONS: Partial<Record<DomainErrorCode, string>> = {
  // Zaqar passes the UUID parser's text through.
  client_id_invalid: 'badly formed hexadecimal UUID string',
};

/** Field errors of a document get Zaqar's `BadRequest` prefix. */
const FIELD_ERROR = /^(Missing "|The value of the ")/;

/** Status of each domain code over WebSocket (Zaqar's endpoints; 503 for `unavailable`). */
const STATUS: Record<DomainErrorCode, number> = {
  signature_invalid: 403,
  unauthenticated: 401,
  forbidden: 403,
  client_id_missing: 400,
  client_id_invalid: 400,
  project_missing: 400,
  project_empty: 400,
  queue_name_invalid: 400,
  topic_name_invalid: 400,
  extra_spec_unknown: 400,
  invalid_request: 400,
  invalid_body: 400,
  unsupported_media_type: 400,
  not_found: 404,
  conflict: 409,
  message_claimed: 403,
  message_not_claimed: 400,
  claim_invalid: 400,
  message_conflict: 500,
  subscription_not_updated: 400,
  unavailable: 503,
  pool_incompatible: 400,
  pool_has_queues: 409,
  pool_in_use_by_flavor: 403,
  flavor_refused: 400,
  flavor_update_refused: 400,
};

/** Refusals of the gate and the policy: Zaqar's protocol-level `{"error": text}` shape. */
const GATE_TEXTS: Partial<Record<DomainErrorCode, string>> = {
  signature_invalid: 'Not authentified.',
  forbidden: 'You are not authorized to complete this action.',
  project_missing: 'The header X-PROJECT-ID was missing',
  project_empty: 'X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.',
};

/**
 * The answer to a failure of `action`: a DomainError by its code, in
 * Zaqar's endpoint shape `{"exception": text, "error": sentence or null}`;
 * anything else is a 500 with Zaqar's `Unexpected error.`.
 */
export function failureAnswer(action: WsAction | undefined, body: Record<string, unknown>, err: unknown): Answer {
  if (!(err instanceof DomainError)) {
    return { status: 500, body: { exception: err instanceof Error ? err.message : String(err), error: 'Unexpected error.' } };
  }
  const gate = GATE_TEXTS[err.code];
  if (gate !== undefined) return { status: STATUS[err.code], body: { error: gate } };
  const sentences = action?.errors?.(body) ?? {};
  const sentence = sentences[err.code];
  if (err.code === 'unavailable') {
    const text = sentence ?? 'Service temporarily unavailable.';
    return { status: 503, body: { exception: err.message || text, error: text } };
  }
  let exception = FIXED_EXCEPTIONS[err.code] ?? err.message;
  if (err.code === 'invalid_body' && FIELD_ERROR.test(exception)) exception = `Bad request. ${exception}`;
  return { status: STATUS[err.code], body: { exception, error: sentence ?? null } };
}
