/**
 * Queue-level data scripts: stats, purge and garbage collection. See
 * common.ts for the conventions.
 */
import { lua } from '../lua';
import { COMMON_LUA } from './common';

/**
 * Stats in O(log n + live claims):
 * - total = ids in the message set minus those the expiry index says have
 *   expired (records written by the reference have no index entry and count
 *   until gc removes them, as in the reference);
 * - claimed = sum of `n` over the live claims (expired claim ids whose hash
 *   is gone are skipped — the reference crashed on them);
 * - oldest/newest = the first live message from each end.
 *
 * KEYS: message set, expiry index, claims set
 * ARGV: now
 * Returns: {total, claimed, oldest id, oldest created, newest id, newest created}
 */
export const STATS = lua(
  'queue_stats',
  `${COMMON_LUA}
local set, expiries, claims = KEYS[1], KEYS[2], KEYS[3]
local function edge(command)
  local offset = 0
  while true do
    local ids = redis.call(command, set, offset, offset + 99)
    if #ids == 0 then return false, false end
    for _, id in ipairs(ids) do
      local f = redis.call('HMGET', id, 'e', 'cr')
      if alive(f[1]) then return id, f[2] end
    end
    offset = offset + #ids
  end
end
local oldest, oldest_created = edge('ZRANGE')
if not oldest then return {0, 0, false, false, false, false} end
local newest, newest_created = edge('ZREVRANGE')
local total = redis.call('ZCARD', set) - redis.call('ZCOUNT', expiries, '-inf', now_ms / 1000)
total = math.max(total, oldest == newest and 1 or 2)
local claimed = 0
for _, claim in ipairs(redis.call('ZRANGEBYSCORE', claims, '(' .. (now_ms / 1000), '+inf')) do
  claimed = claimed + math.max(0, tonumber(redis.call('HGET', claim, 'n')) or 0)
end
return {total, math.min(claimed, total), oldest, oldest_created, newest, newest_created}
`,
);

/**
 * Removes up to `budget` messages of a queue; once none are left, its
 * claims, indexes, rank counter and msgset_index entry too, so nothing of
 * the queue is left (Zaqar keeps the rank counter of a deleted queue). The
 * caller repeats until done (1), so a large queue never blocks Redis in one
 * long script.
 *
 * KEYS: message set, expiry index, claims set, msgset_index, rank counter,
 *       held prefix (ranks restart with the counter, so it goes too)
 * ARGV: now, budget
 * Returns: 1 when the queue's data is gone, 0 when more calls are needed
 */
export const PURGE = lua(
  'purge_queue',
  `${COMMON_LUA}
local set, expiries, claims = KEYS[1], KEYS[2], KEYS[3]
local ids = redis.call('ZRANGE', set, 0, tonumber(ARGV[2]) - 1)
if #ids > 0 then
  redis.call('DEL', unpack(ids))
  redis.call('ZREM', set, unpack(ids))
  redis.call('ZREM', expiries, unpack(ids))
  if redis.call('ZCARD', set) > 0 then return 0 end
end
for _, claim in ipairs(redis.call('ZRANGE', claims, 0, -1)) do
  redis.call('DEL', claim, 'messages.' .. claim)
end
redis.call('DEL', set, expiries, claims, KEYS[5], KEYS[6])
redis.call('ZREM', KEYS[4], set)
return 1
`,
);

/**
 * One garbage-collection step for one queue:
 * - drops expired claim ids from the claims set (their hashes expire by TTL);
 * - removes up to `budget` messages the expiry index says have expired
 *   (re-checking `e`, which another writer may have extended);
 * - walks up to `budget` ids after rank `after` and removes those whose hash
 *   is gone or expired: messages written by the reference have no index
 *   entry, and Redis drops hashes by key TTL without touching the sets;
 * - removes the queue from msgset_index once it has no messages and claims.
 *
 * KEYS: message set, expiry index, claims set, msgset_index
 * ARGV: now, budget, after ('-inf' or a rank)
 * Returns: {removed, last rank walked or '' when the walk is done}
 */
export const COLLECT = lua(
  'collect_garbage',
  `${COMMON_LUA}
local set, expiries, claims = KEYS[1], KEYS[2], KEYS[3]
local budget, after = tonumber(ARGV[2]), ARGV[3]
local removed = 0
redis.call('ZREMRANGEBYSCORE', claims, '-inf', now_ms / 1000)
for _, id in ipairs(redis.call('ZRANGEBYSCORE', expiries, '-inf', now_ms / 1000, 'LIMIT', 0, budget)) do
  local expires = redis.call('HGET', id, 'e')
  if alive(expires) then
    redis.call('ZADD', expiries, expires, id)
  else
    remove_message(set, expiries, id)
    removed = removed + 1
  end
end
local min = after == '-inf' and '-inf' or '(' .. after
local page = redis.call('ZRANGEBYSCORE', set, min, '+inf', 'WITHSCORES', 'LIMIT', 0, budget)
local last = ''
for i = 1, #page, 2 do
  local id = page[i]
  last = page[i + 1]
  if not alive(redis.call('HGET', id, 'e')) then
    remove_message(set, expiries, id)
    removed = removed + 1
  end
end
if #page < 2 * budget then last = '' end
if redis.call('ZCARD', set) == 0 and redis.call('ZCARD', claims) == 0 then
  redis.call('DEL', expiries)
  redis.call('ZREM', KEYS[4], set)
end
return {removed, last}
`,
);
