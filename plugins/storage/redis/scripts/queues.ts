/**
 * Queue record scripts of the management store.
 * A queue exists iff `P.Q` is a member of `P.queues_set` (score 1, so the
 * set is ordered by name); its hash `P.Q` holds `c` 0, `cl` 0, `m`
 * (MessagePack metadata), `t` (creation time) and, when MessagePack cannot
 * spell the metadata exactly, `m.j` (its JSON text).
 */
import { lua } from '../lua';

/**
 * Creates a queue unless it exists — one atomic step, so exactly one of two
 * concurrent creators gets 1 (the reference checked, then wrote).
 * A `P.Q` key that is not a queue of the set belongs to another record
 * that Zaqar's layout maps to the same name (e.g. pool `P`'s hash for a
 * queue named `pools`); it is left alone.
 *
 * KEYS: queues set, queue hash
 * ARGV: metadata (MessagePack), exact metadata JSON or '', now (UNIX s)
 * Returns: 1 created, 0 existed, -1 key taken by another record
 */
export const CREATE = lua(
  'create_queue',
  `
if redis.call('ZSCORE', KEYS[1], KEYS[2]) then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
redis.call('ZADD', KEYS[1], 1, KEYS[2])
redis.call('HMSET', KEYS[2], 'c', 0, 'cl', 0, 'm', ARGV[1], 't', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], 'm.j', ARGV[2]) end
return 1
`,
);

/**
 * KEYS: queues set, queue hash
 * Returns: {} when the queue does not exist, else {m, m.j}
 */
export const GET = lua(
  'get_queue',
  `
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) then return {} end
return redis.call('HMGET', KEYS[2], 'm', 'm.j')
`,
);

/**
 * Replaces the metadata of an existing queue.
 *
 * KEYS: queues set, queue hash
 * ARGV: metadata (MessagePack), exact metadata JSON or ''
 * Returns: 1, or 0 when the queue does not exist
 */
export const SET_METADATA = lua(
  'set_queue_metadata',
  `
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) then return 0 end
redis.call('HSET', KEYS[2], 'm', ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], 'm.j', ARGV[2]) else redis.call('HDEL', KEYS[2], 'm.j') end
return 1
`,
);

/**
 * Deletes a record that its set lists — a queue, a topic, or a subscription
 * (scripts/subscriptions.ts) — idempotently; a key of the same name that
 * the set does not list (a foreign record) is not touched.
 *
 * KEYS: the set (queues, topics, a queue's subscriptions), the record's hash
 * Returns: 1 when a record was deleted, else 0
 */
export const DELETE = lua(
  'delete_record',
  `
if redis.call('ZREM', KEYS[1], KEYS[2]) == 0 then return 0 end
redis.call('DEL', KEYS[2])
return 1
`,
);

/**
 * Up to `count` queues after `min` in name order, with their metadata when
 * asked. The caller filters (name substring, metadata values) and calls
 * again from the last member until its page is full.
 *
 * KEYS: queues set
 * ARGV: min (ZRANGEBYLEX bound: '-' or '(' .. member), count, with metadata 1/0
 * Returns: {member, [m, m.j], ...}
 */
export const LIST = lua(
  'list_queues',
  `
local members = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))
if ARGV[3] ~= '1' then return members end
local out = {}
for _, member in ipairs(members) do
  local f = redis.call('HMGET', member, 'm', 'm.j')
  out[#out + 1] = member
  out[#out + 1] = f[1]
  out[#out + 1] = f[2]
end
return out
`,
);
