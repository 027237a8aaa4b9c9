/**
 * Message scripts. Each is one round trip and atomic. See common.ts for the
 * conventions (ARGV[1] = now in ms, membership and expiry checks, key TTLs).
 */
import { lua } from '../lua';
import { COMMON_LUA } from './common';

/** Ids a walking script examines per call at most, so no call blocks Redis for long; callers continue from `last`. */
export const SCAN_BUDGET = 1000;

/**
 * Posts a batch: every hash with its TTL, ranks in input order from the
 * queue's counter, the expiry index, and the queue in msgset_index — all in
 * one atomic step, so readers see the whole batch or none of it.
 *
 * KEYS: message set, rank counter, expiry index, msgset_index
 * ARGV: now, client id, count, then per message: id, ttl, delay, body
 *       (MessagePack), exact body JSON or '', checksum or ''; then the
 *       post-signal channel or '' and the poster's origin (ours: PUBLISHes
 *       the message set's key and `@origin` there, which long-polling API
 *       nodes subscribe to, keys.ts parsePostSignal; no extra round trip)
 */
export const POST = lua(
  'post_messages',
  `${COMMON_LUA}
local set, counter, expiries = KEYS[1], KEYS[2], KEYS[3]
local client = ARGV[2]
local count = tonumber(ARGV[3])
local rank = tonumber(redis.call('GET', counter)) or 1
for i = 0, count - 1 do
  local a = 4 + i * 6
  local id = ARGV[a]
  local expires = now + tonumber(ARGV[a + 1])
  redis.call('HMSET', id, 'id', id, 't', ARGV[a + 1], 'cr', now, 'e', expires, 'u', client,
    'c', '', 'c.e', now, 'c.c', 0, 'd', now + tonumber(ARGV[a + 2]), 'b', ARGV[a + 3])
  if ARGV[a + 4] ~= '' then redis.call('HSET', id, 'b.j', ARGV[a + 4]) end
  if ARGV[a + 5] ~= '' then redis.call('HSET', id, 'cs', ARGV[a + 5]) end
  keep_until(id, expires)
  redis.call('ZADD', set, rank + i, id)
  redis.call('ZADD', expiries, expires, id)
end
redis.call('SET', counter, rank + count)
redis.call('ZADD', KEYS[4], 1, set)
local channel = ARGV[4 + count * 6]
if channel and channel ~= '' then redis.call('PUBLISH', channel, set .. '@' .. ARGV[5 + count * 6]) end
return count
`,
);

/**
 * One page of a listing, filters applied inside the walk so pages are
 * full when enough messages exist. Walks ranks after `after` (exclusive)
 * until `limit` messages matched, the set ended or `budget` ids were seen.
 *
 * A listing of claimable messages only (neither claimed nor delayed ones
 * included) starts after the held prefix (common.ts), which holds none.
 *
 * KEYS: message set, held prefix
 * ARGV: now, after ('-inf' or a rank), limit, include claimed 1/0,
 *       include delayed 1/0, exclude client 1/0, client id, budget,
 *       marker id ('' or a message id whose rank replaces `after`:
 *       the reference's markers)
 * Returns: {last rank seen or '', done 1/0, rank, id, fields..., ...}
 */
export const LIST = lua(
  'list_messages',
  `${COMMON_LUA}
local set = KEYS[1]
local after, limit = ARGV[2], tonumber(ARGV[3])
local include_claimed, include_delayed = ARGV[4] == '1', ARGV[5] == '1'
local exclude, client, budget = ARGV[6] == '1', ARGV[7], tonumber(ARGV[8])
if ARGV[9] ~= '' then
  -- A marker naming a message that is gone yields an empty page, never a restart from the head.
  local score = redis.call('ZSCORE', set, ARGV[9])
  if not score then return {'', 1} end
  after = score
end
if not include_claimed and not include_delayed then after = start_after_held(KEYS[2], after) end
local out, found = {}, 0
local last, done = walk_set(set, after, budget, function() return found < limit end, function(id, rank)
  local f = redis.call('HMGET', id, 'e', 'c', 'c.e', 'd', 'u')
  if alive(f[1]) and (include_claimed or not holder(f[2], f[3]))
      and (include_delayed or not delayed(f[4])) and not (exclude and f[5] == client) then
    found = found + 1
    out[#out + 1] = rank
    push_message(out, id)
  end
end, limit)
local reply = {last, done}
for _, v in ipairs(out) do reply[#reply + 1] = v end
return reply
`,
);

/**
 * Messages by id (get and bulk get): only members of this queue's set,
 * not expired; claimed and delayed ones included. Unknown ids are skipped.
 *
 * KEYS: message set
 * ARGV: now, ids...
 * Returns: {id, fields..., ...} in request order
 */
export const GET = lua(
  'get_messages',
  `${COMMON_LUA}
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], id) and alive(redis.call('HGET', id, 'e')) then push_message(out, id) end
end
return out
`,
);

/**
 * The oldest (1) or newest (-1) live message, claimed and delayed ones
 * included (Zaqar's `first`); expired or vanished ids at the ends are stepped
 * over (the reference reported such a queue as empty).
 *
 * KEYS: message set
 * ARGV: now, sort (1 / -1)
 * Returns: {id, fields...} or {}
 */
export const FIRST = lua(
  'first_message',
  `${COMMON_LUA}
local command = ARGV[2] == '1' and 'ZRANGE' or 'ZREVRANGE'
local offset = 0
while true do
  local ids = redis.call(command, KEYS[1], offset, offset + 99)
  if #ids == 0 then return {} end
  for _, id in ipairs(ids) do
    if alive(redis.call('HGET', id, 'e')) then
      local out = {}
      push_message(out, id)
      return out
    end
  end
  offset = offset + #ids
end
`,
);

/**
 * Single delete: `decideDelete` of zaqar/storage/delete-rules.ts, in Lua,
 * checks and removal in one step (atomic in Redis).
 *
 * KEYS: message set, expiry index, claims set
 * ARGV: now, message id, claim id ('' = none), claim id malformed 1/0
 * Returns a DeleteOutcome: 'DELETED' | 'GONE' | 'IS_CLAIMED' | 'NOT_CLAIMED' | 'NOT_CLAIMED_BY' | 'NO_CLAIM'
 */
export const DELETE = lua(
  'delete_message',
  `${COMMON_LUA}
local set, expiries, claims = KEYS[1], KEYS[2], KEYS[3]
local id, claim = ARGV[2], ARGV[3]
-- Unknown, another queue's, expired: already gone, nothing to check.
if not redis.call('ZSCORE', set, id) then return 'GONE' end
local f = redis.call('HMGET', id, 'e', 'c', 'c.e')
if not alive(f[1]) then return 'GONE' end
local held_by = holder(f[2], f[3])
if claim == '' then
  if held_by then return 'IS_CLAIMED' end
else
  if ARGV[4] == '1' then return 'NO_CLAIM' end
  if not held_by then return 'NOT_CLAIMED' end
  if held_by ~= claim then
    local expires = redis.call('ZSCORE', claims, claim)
    if not alive(expires) then return 'NO_CLAIM' end
    return 'NOT_CLAIMED_BY'
  end
end
remove_message(set, expiries, id, f[2])
return 'DELETED'
`,
);

/**
 * Bulk delete: `decideBulkDelete` of zaqar/storage/delete-rules.ts, in Lua.
 * With claim checks, every listed live message must be held by one of the
 * given claims; all checks pass before anything goes.
 *
 * KEYS: message set, expiry index
 * ARGV: now, check claims 1/0, id count, ids..., claim ids...
 * Returns: {'OK', removed count} | {'NOT_CLAIMED', message id} | {'NO_MATCH', holding claim id}
 */
export const BULK_DELETE = lua(
  'bulk_delete_messages',
  `${COMMON_LUA}
local set, expiries = KEYS[1], KEYS[2]
local count = tonumber(ARGV[3])
local ids = {}
for i = 1, count do ids[i] = ARGV[3 + i] end
if ARGV[2] == '1' then
  local allowed = {}
  for i = 4 + count, #ARGV do allowed[ARGV[i]] = true end
  for _, id in ipairs(ids) do
    if redis.call('ZSCORE', set, id) then
      local f = redis.call('HMGET', id, 'e', 'c', 'c.e')
      if alive(f[1]) then
        local held_by = holder(f[2], f[3])
        if not held_by then return {'NOT_CLAIMED', id} end
        if not allowed[held_by] then return {'NO_MATCH', held_by} end
      end
    end
  end
end
local removed = 0
for _, id in ipairs(ids) do
  if redis.call('ZSCORE', set, id) then
    remove_message(set, expiries, id)
    removed = removed + 1
  end
end
return {'OK', removed}
`,
);

/**
 * Pop: removes and returns up to `limit` claimable messages, oldest
 * first — each checked on its own (not claimed, not delayed, not expired).
 * Walks at most `budget` ids; the caller continues from `last`.
 *
 * Like a claim, it starts after the held prefix and extends it (common.ts).
 *
 * KEYS: message set, expiry index, held prefix
 * ARGV: now, limit, after ('-inf' or a rank), budget
 * Returns: {last rank seen or '', done 1/0, id, fields..., ...}
 */
export const POP = lua(
  'pop_messages',
  `${COMMON_LUA}
local set, expiries, held_key = KEYS[1], KEYS[2], KEYS[3]
local limit, budget = tonumber(ARGV[2]), tonumber(ARGV[4])
local after, free_at = start_after_held(held_key, ARGV[3])
local at_head = free_at ~= nil
free_at = free_at or math.huge
local out, taken = {}, {}
local last, done = walk_set(set, after, budget, function() return #taken < limit end, function(id)
  local f = redis.call('HMGET', id, 'e', 'c', 'c.e', 'd')
  if not alive(f[1]) then
    -- Gone or expired: never claimable again.
  elseif holder(f[2], f[3]) then
    free_at = math.min(free_at, tonumber(f[3]))
  elseif delayed(f[4]) then
    free_at = math.min(free_at, tonumber(f[4]))
  else
    taken[#taken + 1] = id
    push_message(out, id)
  end
end, limit)
if at_head then extend_held(held_key, last, free_at) end
for _, id in ipairs(taken) do remove_message(set, expiries, id) end
local reply = {last, done}
for _, v in ipairs(out) do reply[#reply + 1] = v end
return reply
`,
);
