/**
 * The envelope schema of every action (Zaqar's `zaqar.api.v1.request`,
 * `v1_1.request` and `v2.request` RequestSchema, validated there with
 * jsonschema's Draft 4): which top-level keys the frame must have, which
 * headers and body keys are required, and the JSON type of each known key.
 * Types follow Draft 4 over Python values: `integer` is an int and never a
 * float or a boolean, `boolean` is never 0/1. Unknown keys are allowed.
 */
import { isJsonObject, isPyInt } from '../../../zaqar/common/json';

type JsonType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

export interface ActionSchema {
  /** Top-level keys the frame must carry (besides the matching `action`). */
  required: ('headers' | 'body')[];
  /** Headers that must be present. */
  headers: string[];
  /** Known body keys and their types. */
  body: Record<string, JsonType>;
  /** Body keys that must be present. */
  bodyRequired: string[];
}

/** Headers the schema knows; each must be a string when present (Zaqar's `headers` properties). */
const HEADER_TYPES = ['User-Agent', 'Date', 'Accept', 'Client-ID', 'X-Project-ID', 'X-Auth-Token'];
const IDENTIFIED = ['Client-ID', 'X-Project-ID'];

const full = (body: Record<string, JsonType>, bodyRequired: string[]): ActionSchema => ({
  required: ['headers', 'body'],
  headers: IDENTIFIED,
  body,
  bodyRequired,
});
const headersOnly = (headers: string[] = []): ActionSchema => ({ required: ['headers'], headers, body: {}, bodyRequired: [] });
const queue = (extra: Record<string, JsonType> = {}, required: string[] = []): ActionSchema =>
  full({ queue_name: 'string', ...extra }, ['queue_name', ...required]);

export const SCHEMAS: Record<string, ActionSchema> = {
  get_home_doc: headersOnly(),
  check_node_health: headersOnly(),
  ping_node: headersOnly(),
  authenticate: headersOnly(['X-Project-ID', 'X-Auth-Token']),

  queue_list: { ...full({ marker: 'string', limit: 'integer', detailed: 'boolean' }, []), required: ['headers'] },
  queue_create: queue(),
  queue_delete: queue(),
  queue_get: queue(),
  queue_get_stats: queue(),
  queue_purge: queue({ resource_types: 'array' }),

  message_list: queue({ marker: 'string', limit: 'integer', echo: 'boolean', include_claimed: 'boolean' }),
  message_get: queue({ message_id: 'string' }, ['message_id']),
  message_get_many: queue({ message_ids: 'array' }, ['message_ids']),
  message_post: queue({ messages: 'array' }, ['messages']),
  message_delete: queue({ message_id: 'string', claim_id: 'string' }, ['message_id']),
  message_delete_many: queue({ message_ids: 'array', claim_ids: 'array', pop: 'integer' }),

  claim_create: queue({ limit: 'integer', ttl: 'integer', grace: 'integer' }),
  claim_get: queue({ claim_id: 'string' }, ['claim_id']),
  claim_update: queue({ claim_id: 'string', ttl: 'integer' }, ['claim_id']),
  claim_delete: queue({ claim_id: 'string' }, ['claim_id']),

  subscription_list: queue(),
  subscription_create: queue({ subscriber: 'string', ttl: 'integer', options: 'object' }),
  subscription_delete: queue({ subscription_id: 'string' }, ['subscription_id']),
  subscription_get: queue({ subscription_id: 'string' }, ['subscription_id']),

  // Zaqar's v1.1 schema names the pool (and the flavor) even for listings.
  pool_list: full({ pool_name: 'string', limit: 'integer', marker: 'string' }, ['pool_name']),
  pool_create: full({ pool_name: 'string', weight: 'integer', uri: 'string', options: 'object' }, ['pool_name']),
  pool_update: full({ pool_name: 'string', weight: 'integer', uri: 'string', options: 'object' }, ['pool_name']),
  pool_get: full({ pool_name: 'string', detailed: 'boolean' }, ['pool_name']),
  pool_delete: full({ pool_name: 'string' }, ['pool_name']),
  flavor_list: full({ flavor_name: 'string', limit: 'integer', marker: 'string' }, ['flavor_name']),
  flavor_create: full({ flavor_name: 'string', pool_name: 'string', capabilities: 'object' }, ['flavor_name', 'pool_name']),
  flavor_update: full({ flavor_name: 'string', pool_name: 'string', capabilities: 'object' }, ['flavor_name']),
  flavor_get: full({ flavor_name: 'string', detailed: 'boolean' }, ['flavor_name']),
  flavor_delete: full({ flavor_name: 'string' }, ['flavor_name']),
};

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value !== 'boolean' && isPyInt(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isJsonObject(value);
  }
}

/** Whether the frame (an object) satisfies the action's schema. */
export function conforms(schema: ActionSchema, frame: Record<string, unknown>): boolean {
  for (const key of schema.required) if (!(key in frame)) return false;
  if ('headers' in frame) {
    const headers = frame.headers;
    if (!isJsonObject(headers)) return false;
    for (const name of schema.headers) if (!(name in headers)) return false;
    for (const name of HEADER_TYPES) if (name in headers && typeof headers[name] !== 'string') return false;
  }
  // A schema without body properties (authenticate, ping_node, ...) lets any body through.
  if ('body' in frame && (schema.required.includes('body') || Object.keys(schema.body).length > 0)) {
    const body = frame.body;
    if (!isJsonObject(body)) return false;
    for (const key of schema.bodyRequired) if (!(key in body)) return false;
    for (const [key, type] of Object.entries(schema.body)) if (key in body && !hasType(body[key], type)) return false;
  }
  return true;
}
