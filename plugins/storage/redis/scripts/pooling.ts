/**
 * Pools, flavors and catalogue scripts of the management store.
 *
 * Kept from Zaqar's layout: the `pools` set of `<pool>.pools` hashes
 * {pl, u, w, o, f}, the `flavors` set of `<flavor>.flavors` hashes
 * {f, p, c}, and per project `catalogue.P` (members `P.Q`) with
 * `catalogue.P.Q` hashes {p, p_q, p_p} (keys.ts).
 *
 * Not kept, because in Zaqar's layout they share names with other records:
 * `<flavor>.pools` (the pool set of a flavor — the same key as the hash of a
 * pool with the flavor's name) and `P.flavors` (a project's flavor set — the
 * hash of a flavor named P). Membership is read from the pool's `f` and the
 * flavor's `p` fields instead; there are few pools and flavors.
 * Absent values (no flavor, the global project) are absent fields (the
 * reference tried to store None).
 */
import { lua } from '../lua';

/** Every pool: {name, uri, weight, flavor, options, exact options JSON, ...}. */
export const LIST_POOLS = lua(
  'list_pools',
  `
local out = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local f = redis.call('HMGET', key, 'pl', 'u', 'w', 'f', 'o', 'o.j')
  if f[1] then
    for i = 1, 6 do out[#out + 1] = f[i] end
  end
end
return out
`,
);

/**
 * Creates or replaces a pool; refuses a URI another pool has.
 *
 * KEYS: pools set, pool hash
 * ARGV: name, uri, weight, flavor ('' = none), options (MessagePack), exact options JSON or ''
 * Returns: 'OK' | 'URI_TAKEN' | 'KEY_TAKEN'
 */
export const PUT_POOL = lua(
  'put_pool',
  `
local name, uri = ARGV[1], ARGV[2]
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) and redis.call('EXISTS', KEYS[2]) == 1 then return 'KEY_TAKEN' end
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local f = redis.call('HMGET', key, 'pl', 'u')
  if f[1] and f[1] ~= name and f[2] == uri then return 'URI_TAKEN' end
end
redis.call('ZADD', KEYS[1], 1, KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('HMSET', KEYS[2], 'pl', name, 'u', uri, 'w', ARGV[3], 'o', ARGV[5])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'f', ARGV[4]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[2], 'o.j', ARGV[6]) end
return 'OK'
`,
);

/**
 * Updates some fields of an existing pool.
 *
 * KEYS: pools set, pool hash
 * ARGV: name, then field/value pairs among: uri, weight, flavor ('' = none),
 *       options (needs 'options_json' right after it)
 * Returns: 'OK' | 'NO_POOL' | 'URI_TAKEN'
 */
export const UPDATE_POOL = lua(
  'update_pool',
  `
local name = ARGV[1]
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) or not redis.call('HGET', KEYS[2], 'pl') then return 'NO_POOL' end
for i = 2, #ARGV, 2 do
  local field, value = ARGV[i], ARGV[i + 1]
  if field == 'uri' then
    for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
      local f = redis.call('HMGET', key, 'pl', 'u')
      if f[1] and f[1] ~= name and f[2] == value then return 'URI_TAKEN' end
    end
  end
end
for i = 2, #ARGV, 2 do
  local field, value = ARGV[i], ARGV[i + 1]
  if field == 'uri' then redis.call('HSET', KEYS[2], 'u', value)
  elseif field == 'weight' then redis.call('HSET', KEYS[2], 'w', value)
  elseif field == 'flavor' then
    if value == '' then redis.call('HDEL', KEYS[2], 'f') else redis.call('HSET', KEYS[2], 'f', value) end
  elseif field == 'options' then redis.call('HSET', KEYS[2], 'o', value)
  elseif field == 'options_json' then
    if value == '' then redis.call('HDEL', KEYS[2], 'o.j') else redis.call('HSET', KEYS[2], 'o.j', value) end
  end
end
return 'OK'
`,
);

/**
 * Deletes a pool unless it is the last pool of an existing flavor.
 *
 * KEYS: pools set, pool hash
 * ARGV: flavor hash key prefix is implied: '<flavor>.flavors'
 * Returns: 'OK' | {'IN_USE', flavor}
 */
export const DELETE_POOL = lua(
  'delete_pool',
  `
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) then return 'OK' end
local flavor = redis.call('HGET', KEYS[2], 'f')
if flavor and redis.call('HGET', flavor .. '.flavors', 'f') then
  local members = 0
  for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if redis.call('HGET', key, 'f') == flavor then members = members + 1 end
  end
  if members == 1 then return {'IN_USE', flavor} end
end
redis.call('ZREM', KEYS[1], KEYS[2])
redis.call('DEL', KEYS[2])
return 'OK'
`,
);

/** Deletes every record listed in a set (KEYS[1]) and the set itself. */
export const DROP_SET = lua(
  'drop_set',
  `
local keys = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, key in ipairs(keys) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return #keys
`,
);

/** Every flavor: {name, project or nil, capabilities, exact capabilities JSON, ...}. */
export const LIST_FLAVORS = lua(
  'list_flavors',
  `
local out = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local f = redis.call('HMGET', key, 'f', 'p', 'c', 'c.j')
  if f[1] then
    for i = 1, 4 do out[#out + 1] = f[i] end
  end
end
return out
`,
);

/**
 * Creates a flavor, or replaces the capabilities of the project's own
 * flavor. Flavor names are unique across projects (one hash per name).
 *
 * KEYS: flavors set, flavor hash
 * ARGV: name, project ('' = global), has project 1/0, capabilities (MessagePack or ''), exact JSON or ''
 * Returns: 'OK' | 'OTHER_PROJECT' | 'KEY_TAKEN'
 */
export const PUT_FLAVOR = lua(
  'put_flavor',
  `
local member = redis.call('ZSCORE', KEYS[1], KEYS[2])
if not member and redis.call('EXISTS', KEYS[2]) == 1 then return 'KEY_TAKEN' end
if member then
  local owner = redis.call('HGET', KEYS[2], 'p')
  if (ARGV[3] == '1' and owner ~= ARGV[2]) or (ARGV[3] ~= '1' and owner) then return 'OTHER_PROJECT' end
end
redis.call('ZADD', KEYS[1], 1, KEYS[2])
redis.call('HSET', KEYS[2], 'f', ARGV[1])
if ARGV[3] == '1' then redis.call('HSET', KEYS[2], 'p', ARGV[2]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'c', ARGV[4]) else redis.call('HDEL', KEYS[2], 'c') end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], 'c.j', ARGV[5]) else redis.call('HDEL', KEYS[2], 'c.j') end
return 'OK'
`,
);

/**
 * Changes the capabilities of the project's flavor.
 *
 * KEYS: flavors set, flavor hash
 * ARGV: project ('' = global), has project 1/0, capabilities (MessagePack), exact JSON or ''
 * Returns: 1, or 0 when the project has no such flavor
 */
export const UPDATE_FLAVOR = lua(
  'update_flavor',
  `
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) then return 0 end
local owner = redis.call('HGET', KEYS[2], 'p')
if (ARGV[2] == '1' and owner ~= ARGV[1]) or (ARGV[2] ~= '1' and owner) then return 0 end
redis.call('HSET', KEYS[2], 'c', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'c.j', ARGV[4]) else redis.call('HDEL', KEYS[2], 'c.j') end
return 1
`,
);

/**
 * Deletes the project's flavor (idempotent).
 *
 * KEYS: flavors set, flavor hash
 * ARGV: project ('' = global), has project 1/0
 */
export const DELETE_FLAVOR = lua(
  'delete_flavor',
  `
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) then return 0 end
local owner = redis.call('HGET', KEYS[2], 'p')
if (ARGV[2] == '1' and owner ~= ARGV[1]) or (ARGV[2] ~= '1' and owner) then return 0 end
redis.call('ZREM', KEYS[1], KEYS[2])
redis.call('DEL', KEYS[2])
return 1
`,
);

/**
 * Maps a queue to a pool (insert = upsert; update = only when mapped).
 *
 * KEYS: catalogue set, catalogue entry hash, pools set, pool hash
 * ARGV: member (P.Q), queue, project ('' = global), has project 1/0, pool, mode ('insert' | 'update')
 * Returns: 'OK' | 'NO_POOL' | 'NOT_MAPPED' | 'KEY_TAKEN'
 */
export const MAP_QUEUE = lua(
  'map_queue',
  `
if not redis.call('ZSCORE', KEYS[3], KEYS[4]) then return 'NO_POOL' end
local mapped = redis.call('ZSCORE', KEYS[1], ARGV[1])
if ARGV[6] == 'update' and not mapped then return 'NOT_MAPPED' end
if not mapped and redis.call('EXISTS', KEYS[2]) == 1 then return 'KEY_TAKEN' end
redis.call('ZADD', KEYS[1], 1, ARGV[1])
redis.call('HMSET', KEYS[2], 'p_q', ARGV[2], 'p_p', ARGV[5])
if ARGV[4] == '1' then redis.call('HSET', KEYS[2], 'p', ARGV[3]) end
if ARGV[7] ~= nil and ARGV[7] ~= '' then
  redis.call('HSET', KEYS[2], 'p_prev', ARGV[7])
else
  redis.call('HDEL', KEYS[2], 'p_prev')
end
return 'OK'
`,
);

/**
 * A project's mappings, or one of them.
 *
 * KEYS: catalogue set
 * ARGV: member (P.Q) or '' for all
 * Returns: {queue, pool, previous pool or '', ...}
 */
export const READ_CATALOGUE = lua(
  'read_catalogue',
  `
local members
if ARGV[1] ~= '' then
  members = redis.call('ZSCORE', KEYS[1], ARGV[1]) and {ARGV[1]} or {}
else
  members = redis.call('ZRANGE', KEYS[1], 0, -1)
end
local out = {}
for _, member in ipairs(members) do
  local f = redis.call('HMGET', 'catalogue.' .. member, 'p_q', 'p_p', 'p_prev')
  if f[1] and f[2] then
    out[#out + 1] = f[1]
    out[#out + 1] = f[2]
    out[#out + 1] = f[3] or ''
  end
end
return out
`,
);

/**
 * Removes a mapping (idempotent).
 *
 * KEYS: catalogue set, catalogue entry hash
 * ARGV: member (P.Q)
 */
export const UNMAP_QUEUE = lua(
  'unmap_queue',
  `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('DEL', KEYS[2]) end
return 1
`,
);

/**
 * Drops one project's catalogue set and the entries it lists (dropAll finds
 * the sets with SCAN: Zaqar's layout has no index of projects). A key that
 * is not a sorted set (an entry, or another record under a `catalogue.`
 * name), or a member whose entry does not look like a catalogue entry, is
 * left alone.
 *
 * KEYS: a `catalogue.*` key
 */
export const DROP_CATALOGUE_SET = lua(
  'drop_catalogue_set',
  `
if redis.call('TYPE', KEYS[1]).ok ~= 'zset' then return 0 end
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local entry = 'catalogue.' .. member
  if redis.call('HEXISTS', entry, 'p_p') == 1 then redis.call('DEL', entry) end
end
redis.call('DEL', KEYS[1])
return 1
`,
);
