/**
 * Lua shared by the message-store scripts, prepended to each of them.
 *
 * Conventions of every data script:
 * - ARGV[1] is "now" in milliseconds from the API server's `Date.now()`:
 *   Redis's clock is never used, so every server agrees with itself and
 *   tests can move time with a fake Date. Times stored in hashes are whole
 *   UNIX seconds, as Zaqar writes them (`cr`, `e`, `c.e`, `d`, claim `e`),
 *   so records of either implementation read right in the other.
 * - A message is visible only while its id is a member of its queue's
 *   message set (`KEYS[1]`), its hash exists and `e * 1000 > now`. The
 *   scripts check the membership themselves: hashes are keyed by bare ids,
 *   and the reference trusted any id it was given (another tenant's too).
 * - It is claimed while `c` is non-empty and `c.e * 1000 > now`; an expired
 *   claim is no claim, whatever id `c` still holds.
 * - The key TTL of a message always outlasts its logical expiry (by
 *   KEY_TTL_SLACK_MS), also after a claim extended it, so Redis never drops
 *   a message that is still alive or held by a claim.
 */
export const KEY_TTL_SLACK_MS = 1000;

/**
 * The longest a held prefix (keys.ts) is trusted. A writer that does not
 * know the prefix (a Zaqar 15 node, or ours before it existed, sharing the
 * store) may release a claim without dropping it; its messages then wait at
 * most this long before our nodes claim them again.
 */
export const HELD_PREFIX_MAX_S = 60;

/** Fields returned for every message a script hands back (after its id). */
export const MESSAGE_FIELDS = ['t', 'cr', 'c', 'c.e', 'c.c', 'b', 'b.j', 'cs'] as const;

export const COMMON_LUA = `
local now_ms = tonumber(ARGV[1])
local now = math.floor(now_ms / 1000)
local KEY_TTL_SLACK_MS = ${KEY_TTL_SLACK_MS}

local function alive(expires)
  return expires and tonumber(expires) * 1000 > now_ms
end

-- The id of the live claim in fields c / c.e, or nil.
local function holder(claim, claim_expires)
  if claim and claim ~= '' and claim_expires and tonumber(claim_expires) * 1000 > now_ms then
    return claim
  end
  return nil
end

local function delayed(delay_expires)
  return delay_expires and tonumber(delay_expires) * 1000 > now_ms
end

-- Keeps the key of message id alive until its logical expiry (UNIX s) plus slack.
local function keep_until(id, expires)
  redis.call('PEXPIRE', id, math.max(1, math.floor(expires * 1000 - now_ms + KEY_TTL_SLACK_MS)))
end

-- Appends id and its returned fields to out.
local function push_message(out, id)
  local f = redis.call('HMGET', id, ${MESSAGE_FIELDS.map((f) => `'${f}'`).join(', ')})
  out[#out + 1] = id
  for i = 1, ${MESSAGE_FIELDS.length} do out[#out + 1] = f[i] end
end

-- Walks the message set past the rank in after ('-inf': from the head) over no more than budget
-- ids, calling visit(id, rank) for each while wanted() holds. Returns the last rank seen ('' when
-- none) and 1 when the set has no more ids after it, else 0. Pages start at expected ids (what
-- the caller wants: a page of 10 then costs ZRANGEBYSCORE 10 entries, not 100) and double up to 100.
local function walk_set(set, after, budget, wanted, visit, expected)
  local scanned, done = 0, 0
  local size = math.max(1, math.min(100, expected))
  while wanted() and scanned < budget do
    local batch = math.min(size, budget - scanned)
    size = math.min(100, size * 2)
    local min = after == '-inf' and '-inf' or '(' .. after
    local page = redis.call('ZRANGEBYSCORE', set, min, '+inf', 'WITHSCORES', 'LIMIT', 0, batch)
    local i = 1
    while i < #page and wanted() do
      local id, rank = page[i], page[i + 1]
      scanned, after, i = scanned + 1, rank, i + 2
      visit(id, rank)
    end
    if #page < 2 * batch and i >= #page then done = 1 break end
  end
  if after == '-inf' then after = '' end
  return after, done
end

-- The held prefix (keys.ts): the hash {r = rank, t = UNIX s} says no message ranked up to r can be
-- claimed before t, so claim and pop walks start after r instead of stepping over every message
-- other consumers hold. Returns where such a walk starts and, when that is the head of the
-- claimable messages (after nothing, or inside the prefix) so its walk may extend the prefix,
-- the time the prefix so far frees up (math.huge when there is none); else nil.
local function start_after_held(key, after)
  local h = redis.call('HMGET', key, 'r', 't')
  local valid = h[1] and alive(h[2])
  if valid and (after == '-inf' or tonumber(after) <= tonumber(h[1])) then return h[1], tonumber(h[2]) end
  if after == '-inf' then return after, math.huge end
  return after, nil
end

-- Records that no message ranked up to rank can be claimed before free_at (UNIX s; capped).
local function extend_held(key, rank, free_at)
  if rank == '' then return end
  local t = math.min(free_at, now + ${HELD_PREFIX_MAX_S})
  if t * 1000 <= now_ms then return end
  redis.call('HMSET', key, 'r', rank, 't', t)
  redis.call('PEXPIRE', key, math.floor(t * 1000 - now_ms) + KEY_TTL_SLACK_MS)
end

-- Removes a message and its index entries; drops it from a claim that still lists it. claim is
-- the message's \`c\` field when the caller has read it already (false when absent), else nil.
local function remove_message(set, expiries, id, claim)
  if claim == nil then claim = redis.call('HGET', id, 'c') end
  redis.call('DEL', id)
  redis.call('ZREM', set, id)
  redis.call('ZREM', expiries, id)
  if claim and claim ~= '' then
    redis.call('LREM', 'messages.' .. claim, 1, id)
    -- HINCRBY would create a bare hash without TTL if the claim is gone.
    if redis.call('EXISTS', claim) == 1 then redis.call('HINCRBY', claim, 'n', -1) end
  end
end
`;
