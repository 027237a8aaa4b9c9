/**
 * Subscription scripts. See common.ts for the conventions (ARGV[1] is now
 * in ms).
 *
 * Zaqar 15's layout: the queue's set `P.Q.subscriptions` (subscription id →
 * score 1, so ordered by id) and a hash per subscription under its bare id,
 * `id s u t e o p c` (source, subscriber, ttl, expires in UNIX s, MessagePack
 * options, project, confirmed 0/1; `o.j` is ours, codec.ts), with the key
 * TTL at the expiry. A subscription is visible only while its id is in the
 * queue's set (hashes are keyed by bare ids, and the reference trusted any
 * id it was given) and `e` is in the future — whatever Redis has expired
 * yet. Expiry counts from creation or the last ttl change (`e - t`), as in
 * the reference.
 *
 * Uniqueness by (project, queue, subscriber): create and update look for a
 * live subscription of the subscriber in the set and write in the same
 * script, so of two concurrent creates one wins (the reference checked,
 * then wrote). They drop the ids of expired subscriptions they meet, as the
 * reference's check does.
 */
import { lua } from '../lua';
import { COMMON_LUA } from './common';

/** Fields returned for every subscription (after its id). */
export const SUBSCRIPTION_FIELDS = ['s', 'u', 't', 'e', 'o', 'o.j', 'c'] as const;

const SUBSCRIPTION_LUA = `${COMMON_LUA}
-- Whether subscription id is in set and not expired.
local function live(set, id)
  return redis.call('ZSCORE', set, id) and alive(redis.call('HGET', id, 'e'))
end

-- The id of the live subscription of subscriber in set, or nil; with prune,
-- the ids of expired subscriptions met on the way are dropped.
local function holder_of(set, subscriber, prune)
  for _, id in ipairs(redis.call('ZRANGE', set, 0, -1)) do
    local f = redis.call('HMGET', id, 'u', 'e')
    if not alive(f[2]) then
      if prune then
        redis.call('ZREM', set, id)
        redis.call('DEL', id)
      end
    elseif f[1] == subscriber then
      return id
    end
  end
  return nil
end

local function push_subscription(out, id)
  local f = redis.call('HMGET', id, ${SUBSCRIPTION_FIELDS.map((f) => `'${f}'`).join(', ')})
  out[#out + 1] = id
  for i = 1, ${SUBSCRIPTION_FIELDS.length} do out[#out + 1] = f[i] end
end

local function expire_at(id, ttl)
  local expires = now + tonumber(ttl)
  redis.call('HMSET', id, 't', ttl, 'e', expires)
  keep_until(id, expires)
end
`;

/**
 * KEYS: subscriptions set
 * ARGV: now, id, source, subscriber, ttl, options (MessagePack), exact options JSON or '', project ('' = none)
 * Returns: 1 created, 0 the subscriber has a live subscription already
 */
export const CREATE = lua(
  'create_subscription',
  `${SUBSCRIPTION_LUA}
local id = ARGV[2]
if holder_of(KEYS[1], ARGV[4], true) then return 0 end
redis.call('HMSET', id, 'id', id, 's', ARGV[3], 'u', ARGV[4], 'o', ARGV[6], 'p', ARGV[8], 'c', 0)
if ARGV[7] ~= '' then redis.call('HSET', id, 'o.j', ARGV[7]) end
expire_at(id, ARGV[5])
redis.call('ZADD', KEYS[1], 1, id)
return 1
`,
);

/**
 * KEYS: subscriptions set
 * ARGV: now, id
 * Returns: {} when there is no such live subscription, else {id, fields...}
 */
export const GET = lua(
  'get_subscription',
  `${SUBSCRIPTION_LUA}
local out = {}
if live(KEYS[1], ARGV[2]) then push_subscription(out, ARGV[2]) end
return out
`,
);

/**
 * Up to `limit` live subscriptions after `min`, in id order.
 *
 * KEYS: subscriptions set
 * ARGV: now, min (ZRANGEBYLEX bound: '-' or '(' .. id), limit
 * Returns: {id, fields..., ...}
 */
export const LIST = lua(
  'list_subscriptions',
  `${SUBSCRIPTION_LUA}
local limit = tonumber(ARGV[3])
local min = ARGV[2]
local out, found = {}, 0
while found < limit do
  local ids = redis.call('ZRANGEBYLEX', KEYS[1], min, '+', 'LIMIT', 0, limit - found)
  for _, id in ipairs(ids) do
    min = '(' .. id
    if alive(redis.call('HGET', id, 'e')) then
      push_subscription(out, id)
      found = found + 1
    end
  end
  if #ids == 0 then break end
end
return out
`,
);

/**
 * KEYS: subscriptions set
 * ARGV: now, subscriber
 * Returns: {} or {id, fields...}
 */
export const GET_WITH_SUBSCRIBER = lua(
  'get_subscription_with_subscriber',
  `${SUBSCRIPTION_LUA}
local out = {}
local id = holder_of(KEYS[1], ARGV[2], false)
if id then push_subscription(out, id) end
return out
`,
);

/**
 * Changes the given fields of a live subscription.
 *
 * KEYS: subscriptions set
 * ARGV: now, id, subscriber or '' (unchanged), ttl or '' (unchanged),
 *       options given 1/0, options (MessagePack), exact options JSON or ''
 * Returns: 1 updated, 0 no such subscription, -1 the subscriber has another subscription here
 */
export const UPDATE = lua(
  'update_subscription',
  `${SUBSCRIPTION_LUA}
local id = ARGV[2]
if not live(KEYS[1], id) then return 0 end
if ARGV[3] ~= '' and redis.call('HGET', id, 'u') ~= ARGV[3] then
  if holder_of(KEYS[1], ARGV[3], true) then return -1 end
  redis.call('HSET', id, 'u', ARGV[3])
end
if ARGV[5] == '1' then
  redis.call('HSET', id, 'o', ARGV[6])
  if ARGV[7] ~= '' then redis.call('HSET', id, 'o.j', ARGV[7]) else redis.call('HDEL', id, 'o.j') end
end
if ARGV[4] ~= '' then expire_at(id, ARGV[4]) end
return 1
`,
);

/**
 * KEYS: subscriptions set
 * ARGV: now, id, confirmed 1/0
 * Returns: 1, or 0 when there is no such live subscription
 */
export const CONFIRM = lua(
  'confirm_subscription',
  `${SUBSCRIPTION_LUA}
if not live(KEYS[1], ARGV[2]) then return 0 end
redis.call('HSET', ARGV[2], 'c', ARGV[3])
return 1
`,
);

/** Deletes a subscription of this queue (idempotent). KEYS: subscriptions set, id. */
export { DELETE } from './queues';
