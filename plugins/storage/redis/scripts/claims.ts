/**
 * Claim scripts. See common.ts for the conventions.
 *
 * A claim is the hash `<claim id>` {id, t, e, n}, the list
 * `messages.<claim id>` (keys.ts) and an entry in the queue's claims set (score =
 * claim expiry); its messages carry `c` = claim id and `c.e` = claim
 * expiry. A claim id is only honoured if it is in *this* queue's claims set.
 *
 * Reference defects fixed here: every candidate's claim state and delay is
 * checked (the reference's script claimed everything after the first free
 * message, stealing live claims' and delayed messages); extending a message
 * also extends its key TTL; the claim count survives renewal and release;
 * the dead-letter move happens in the same atomic step as the claim and the
 * moved message arrives unclaimed.
 */
import { lua } from '../lua';
import { COMMON_LUA, MESSAGE_FIELDS } from './common';

/**
 * What a claim reads of each candidate, in one HMGET: its expiry and delay,
 * then the fields it hands back (MESSAGE_FIELDS, in their order), so a
 * claimed message's reply needs no second read.
 */
const CANDIDATE_FIELDS = ['e', 'd', ...MESSAGE_FIELDS] as const;

/** The Lua index of `field` in a candidate's HMGET reply. */
function at(field: (typeof CANDIDATE_FIELDS)[number]): number {
  return CANDIDATE_FIELDS.indexOf(field) + 1;
}

/**
 * Claims up to `limit` messages, oldest first. Walks at most `budget` ids;
 * when the caller must continue (limit not reached, set not exhausted) it
 * calls again with `continuing` = 1, which adds to the same claim.
 *
 * Dead-letter mode (max claim count given): a candidate already claimed
 * max times moves to the dead-letter queue's tail instead — unclaimed, its
 * claim count kept, with the dead-letter ttl (counted from now) if one is
 * set. Moved messages count against `limit`, as in the reference.
 *
 * The walk starts after the queue's held prefix (keys.ts) and, when it began
 * at the head, extends it over everything it saw: each id it walked is now
 * held, delayed, expired, gone or moved.
 *
 * KEYS: message set, expiry index, claims set, claim hash, claim list,
 *       DLQ message set, DLQ rank counter, DLQ expiry index, msgset_index,
 *       held prefix
 * ARGV: now, limit, claim id, claim ttl, grace, after ('-inf' or a rank),
 *       budget, max claim count ('' = no dead-lettering), DLQ ttl ('' = keep),
 *       continuing 1/0
 * Returns: {last rank seen or '', done 1/0, taken (claimed + moved), id, fields..., ...}
 */
export const CREATE = lua(
  'claim_messages',
  `${COMMON_LUA}
local set, expiries, claims, claim_key, claim_list = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local dlq_set, dlq_counter, dlq_expiries = KEYS[6], KEYS[7], KEYS[8]
local limit, claim_id = tonumber(ARGV[2]), ARGV[3]
local ttl, grace = tonumber(ARGV[4]), tonumber(ARGV[5])
local after, budget = ARGV[6], tonumber(ARGV[7])
local max_claims = tonumber(ARGV[8])
local dlq_ttl = tonumber(ARGV[9])
local continuing = ARGV[10] == '1'
local claim_expires = now + ttl

local held_key = KEYS[10]
-- When the prefix and the walked ids can next be claimed: the earliest claim expiry or delay.
local free_at
after, free_at = start_after_held(held_key, after)
local at_head = free_at ~= nil
free_at = free_at or math.huge

-- claimed_fields[i]: claimed[i]'s HMGET reply with this claim's writes applied; its MESSAGE_FIELDS part is the reply.
local claimed, claimed_fields, moved, is_moved, vanished, out = {}, {}, {}, {}, {}, {}
local taken = 0
local last, done = walk_set(set, after, budget, function() return taken < limit end, function(id)
  local f = redis.call('HMGET', id, ${CANDIDATE_FIELDS.map((f) => `'${f}'`).join(', ')})
  if not f[${at('e')}] then
    vanished[#vanished + 1] = id
  elseif not alive(f[${at('e')}]) or is_moved[id] then
    -- Never claimable again.
  elseif holder(f[${at('c')}], f[${at('c.e')}]) then
    free_at = math.min(free_at, tonumber(f[${at('c.e')}]))
  elseif delayed(f[${at('d')}]) then
    free_at = math.min(free_at, tonumber(f[${at('d')}]))
  else
    taken = taken + 1
    local count = tonumber(f[${at('c.c')}]) or 0
    if max_claims and count >= max_claims then
      is_moved[id] = true
      moved[#moved + 1] = id
    else
      -- One HMSET of what changes; f then holds what the hash holds (as strings, like HMGET's).
      local update = {'c', claim_id, 'c.e', claim_expires}
      f[${at('c')}], f[${at('c.e')}] = claim_id, tostring(claim_expires)
      if max_claims then
        update[#update + 1], update[#update + 2] = 'c.c', count + 1
        f[${at('c.c')}] = tostring(count + 1)
      end
      local expires = tonumber(f[${at('e')}])
      if expires < claim_expires then
        -- The message must outlive its claim: claim expiry + grace, and so must its key.
        -- Otherwise the key's TTL, set at post time to outlast the expiry, still does.
        expires = claim_expires + grace
        update[#update + 1], update[#update + 2] = 't', ttl + grace
        update[#update + 1], update[#update + 2] = 'e', expires
        f[${at('t')}] = tostring(ttl + grace)
        redis.call('ZADD', expiries, expires, id)
        keep_until(id, expires)
      end
      redis.call('HMSET', id, unpack(update))
      claimed[#claimed + 1] = id
      claimed_fields[#claimed] = f
      free_at = math.min(free_at, claim_expires)
    end
  end
end, limit)
if at_head then extend_held(held_key, last, free_at) end

for _, id in ipairs(vanished) do
  -- Redis expired the hash (or another writer deleted it): forget the id.
  redis.call('ZREM', set, id)
  redis.call('ZREM', expiries, id)
end

if #moved > 0 then
  local rank = tonumber(redis.call('GET', dlq_counter)) or 1
  for _, id in ipairs(moved) do
    redis.call('ZREM', set, id)
    redis.call('ZREM', expiries, id)
    redis.call('HMSET', id, 'c', '', 'c.e', now)
    local expires = tonumber(redis.call('HGET', id, 'e'))
    if dlq_ttl then
      expires = now + dlq_ttl
      redis.call('HMSET', id, 't', dlq_ttl, 'e', expires)
    end
    keep_until(id, expires)
    redis.call('ZADD', dlq_set, rank, id)
    redis.call('ZADD', dlq_expiries, expires, id)
    rank = rank + 1
  end
  redis.call('SET', dlq_counter, rank)
  redis.call('ZADD', KEYS[9], 1, dlq_set)
end

if #claimed > 0 then
  local key_ttl = claim_expires * 1000 - now_ms + KEY_TTL_SLACK_MS
  if continuing then
    redis.call('HINCRBY', claim_key, 'n', #claimed)
  else
    redis.call('HMSET', claim_key, 'id', claim_id, 't', ttl, 'e', claim_expires, 'n', #claimed)
    redis.call('ZADD', claims, claim_expires, claim_id)
  end
  redis.call('RPUSH', claim_list, unpack(claimed))
  redis.call('PEXPIRE', claim_key, key_ttl)
  redis.call('PEXPIRE', claim_list, key_ttl)
  for i, id in ipairs(claimed) do
    out[#out + 1] = id
    for k = ${at(MESSAGE_FIELDS[0])}, ${at(MESSAGE_FIELDS[MESSAGE_FIELDS.length - 1])} do out[#out + 1] = claimed_fields[i][k] end
  end
end

local reply = {last, done, taken}
for _, v in ipairs(out) do reply[#reply + 1] = v end
return reply
`,
);

/**
 * Reads a live claim of this queue and the messages still carrying it.
 *
 * KEYS: message set, claims set
 * ARGV: now, claim id
 * Returns: {} when there is no such live claim, else {ttl, expires, id, fields..., ...}
 */
export const GET = lua(
  'get_claim',
  `${COMMON_LUA}
local set, claims, claim_id = KEYS[1], KEYS[2], ARGV[2]
if not redis.call('ZSCORE', claims, claim_id) then return {} end
local info = redis.call('HMGET', claim_id, 't', 'e')
if not alive(info[2]) then return {} end
local out = {info[1], info[2]}
for _, id in ipairs(redis.call('LRANGE', 'messages.' .. claim_id, 0, -1)) do
  if redis.call('ZSCORE', set, id) then
    local f = redis.call('HMGET', id, 'e', 'c', 'c.e')
    if alive(f[1]) and holder(f[2], f[3]) == claim_id then push_message(out, id) end
  end
end
return out
`,
);

/**
 * Renews a live claim: new expiry and ttl; each of its messages that
 * would expire before the new claim expiry lives until it + grace, key TTL
 * included. Claim counts are not touched.
 *
 * A renewal may also shorten the claim: the queue's held prefix then ends
 * no later than the new expiry.
 *
 * KEYS: message set, expiry index, claims set, held prefix
 * ARGV: now, claim id, ttl, grace
 * Returns: 1, or 0 when there is no such live claim
 */
export const UPDATE = lua(
  'renew_claim',
  `${COMMON_LUA}
local set, expiries, claims, claim_id = KEYS[1], KEYS[2], KEYS[3], ARGV[2]
local ttl, grace = tonumber(ARGV[3]), tonumber(ARGV[4])
if not redis.call('ZSCORE', claims, claim_id) then return 0 end
if not alive(redis.call('HGET', claim_id, 'e')) then return 0 end
local claim_expires = now + ttl
local held_until = tonumber(redis.call('HGET', KEYS[4], 't'))
if held_until and held_until > claim_expires then redis.call('HSET', KEYS[4], 't', claim_expires) end
local list = 'messages.' .. claim_id
for _, id in ipairs(redis.call('LRANGE', list, 0, -1)) do
  if redis.call('ZSCORE', set, id) then
    local f = redis.call('HMGET', id, 'e', 'c', 'c.e')
    if alive(f[1]) and holder(f[2], f[3]) == claim_id then
      local expires = tonumber(f[1])
      redis.call('HSET', id, 'c.e', claim_expires)
      if expires < claim_expires then
        expires = claim_expires + grace
        redis.call('HMSET', id, 't', ttl + grace, 'e', expires)
        redis.call('ZADD', expiries, expires, id)
      end
      keep_until(id, expires)
    end
  end
end
local key_ttl = claim_expires * 1000 - now_ms + KEY_TTL_SLACK_MS
redis.call('HMSET', claim_id, 't', ttl, 'e', claim_expires)
redis.call('PEXPIRE', claim_id, key_ttl)
redis.call('PEXPIRE', list, key_ttl)
redis.call('ZADD', claims, claim_expires, claim_id)
return 1
`,
);

/**
 * Releases a claim of this queue: its messages become claimable at
 * once (claim id cleared, claim expiry now); ttl extensions and claim
 * counts stay. Unknown ids and other queues' claims: nothing happens.
 *
 * Its messages may sit in the queue's held prefix, which is dropped.
 *
 * KEYS: message set, claims set, held prefix
 * ARGV: now, claim id
 * Returns: 1 when a claim was released, else 0
 */
export const RELEASE = lua(
  'release_claim',
  `${COMMON_LUA}
local set, claims, claim_id = KEYS[1], KEYS[2], ARGV[2]
if redis.call('ZREM', claims, claim_id) == 0 then return 0 end
redis.call('DEL', KEYS[3])
local list = 'messages.' .. claim_id
for _, id in ipairs(redis.call('LRANGE', list, 0, -1)) do
  if redis.call('ZSCORE', set, id) and redis.call('HGET', id, 'c') == claim_id then
    redis.call('HMSET', id, 'c', '', 'c.e', now)
  end
end
redis.call('DEL', claim_id, list)
return 1
`,
);
