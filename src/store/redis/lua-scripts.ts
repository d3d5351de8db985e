import { defineScript } from './redis-script.ts';

/*
 * Every multi-key change runs as one Lua script so that concurrent instances never see (or
 * leave behind) half of it. Some scripts touch keys they read from other keys (index entries,
 * grant members, an account's grants) instead of receiving them in KEYS: fine on a single Redis
 * (or a primary with replicas), NOT on Redis Cluster, whose store has its own layout and
 * steps (cluster/cluster-keys.ts).
 *
 * An oidc-provider entry is a hash: id, payload (JSON), exp (logical expiry, ms since the
 * epoch, absent when it never expires), consumed (seconds since the epoch), and the names of
 * the index keys that point at it (uidKey, userCodeKey, grantKey, accountKey), so they can be
 * cleaned up without knowing the key layout here.
 */

/**
 * Lua functions shared by the adapter's scripts and by the scripts that end an account's
 * sessions (lua-mfa-scripts.ts, the account scripts below):
 *   dropIndexes(entry, keepGrantKey, keepAccountKey)  removes the entry from the indexes that
 *     point at it, except the sets named (the caller is about to add it there again or delete them)
 *   addToIndexSet(set, entry)  adds the entry; the set lives as long as its longest-lived member
 *     (its expiry only ever moves later, in O(1)), and a few random members whose keys Redis has
 *     already expired are pruned on each add, so sets of accounts that sign in often stay near
 *     their live size without each add scanning them all
 *   revokeGrant(grantKey)  deletes the grant's codes and tokens (not the Grant itself)
 *   revokeAccountGrants(accountKey, grantKeyPrefix)  deletes every Grant of the account set and
 *     everything revokeGrant deletes for each; grantKeyPrefix + grant id names a grant's set
 */
export const GRANT_FUNCTIONS = `
local function dropIndexes(entry, keepGrantKey, keepAccountKey)
  local f = redis.call('HMGET', entry, 'id', 'uidKey', 'userCodeKey', 'grantKey', 'accountKey')
  for i = 2, 3 do
    if f[i] and redis.call('GET', f[i]) == f[1] then redis.call('DEL', f[i]) end
  end
  if f[4] and f[4] ~= keepGrantKey then redis.call('SREM', f[4], entry) end
  if f[5] and f[5] ~= keepAccountKey then redis.call('SREM', f[5], entry) end
end

local function addToIndexSet(set, entry)
  local before = redis.call('PTTL', set)
  redis.call('SADD', set, entry)
  local remaining = redis.call('PTTL', entry)
  if before == -1 or remaining == -1 then
    redis.call('PERSIST', set)
  elseif before == -2 or remaining > before then
    redis.call('PEXPIRE', set, remaining)
  end
  -- Pruning a few random members per add keeps the set near its live size at a constant cost;
  -- scanning every member made each sign-in of an account cost as much as all its live grants.
  for _, member in ipairs(redis.call('SRANDMEMBER', set, 3)) do
    if redis.call('EXISTS', member) == 0 then redis.call('SREM', set, member) end
  end
end

-- Skips members that have since been re-upserted under another grant.
local function revokeGrant(grantKey)
  for _, entry in ipairs(redis.call('SMEMBERS', grantKey)) do
    if redis.call('HGET', entry, 'grantKey') == grantKey then
      dropIndexes(entry, grantKey, false)
      redis.call('DEL', entry)
    end
  end
  return redis.call('DEL', grantKey)
end

local function revokeAccountGrants(accountKey, grantKeyPrefix)
  for _, grantEntry in ipairs(redis.call('SMEMBERS', accountKey)) do
    if redis.call('HGET', grantEntry, 'accountKey') == accountKey then
      revokeGrant(grantKeyPrefix .. redis.call('HGET', grantEntry, 'id'))
      dropIndexes(grantEntry, false, accountKey)
      redis.call('DEL', grantEntry)
    end
  end
  redis.call('DEL', accountKey)
end
`;

/**
 * writeEntry(entry, id, payload, optional, ttl): the entry written anew (what it held before is
 * gone): id, payload, each optional field that is not '' (exp and the index keys), and the real
 * PEXPIRE when ttl is a number. Shared with the Cluster store's REPLACE_ENTRY (cluster/cluster-scripts.ts).
 */
export const WRITE_ENTRY = `
local function writeEntry(entry, id, payload, optional, ttl)
  redis.call('DEL', entry)
  local fields = { 'id', id, 'payload', payload }
  for name, value in pairs(optional) do
    if value ~= '' then
      table.insert(fields, name)
      table.insert(fields, value)
    end
  end
  redis.call('HSET', entry, unpack(fields))
  if ttl then redis.call('PEXPIRE', entry, ttl) end
end
`;

/**
 * KEYS: entry, uid index, userCode index, grant set, account set ('' for an index the entry
 * does not have). ARGV: id, payload, exp ('' = never), ttl in ms for the real PEXPIRE ('' = none).
 */
export const UPSERT_ENTRY = defineScript(`${GRANT_FUNCTIONS}${WRITE_ENTRY}
local entry, uidKey, userCodeKey, grantKey, accountKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, payload, exp, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

dropIndexes(entry, grantKey, accountKey)
writeEntry(entry, id, payload, { exp = exp, uidKey = uidKey, userCodeKey = userCodeKey, grantKey = grantKey, accountKey = accountKey }, ttl)

for _, indexKey in ipairs({ uidKey, userCodeKey }) do
  if indexKey ~= '' then
    if ttl then redis.call('SET', indexKey, id, 'PX', ttl) else redis.call('SET', indexKey, id) end
  end
end

if grantKey ~= '' then addToIndexSet(grantKey, entry) end
if accountKey ~= '' then addToIndexSet(accountKey, entry) end
return 1
`);

/**
 * KEYS: entry. ARGV: now (ms), consumed (s). Only marks an entry that exists, has not expired
 * by the injected clock and was not consumed before (the first use is the one that counts).
 */
export const CONSUME_ENTRY = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'payload', 'exp', 'consumed')
if not f[1] or f[3] then return 0 end
if f[2] and tonumber(f[2]) <= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'consumed', ARGV[2])
return 1
`);

/** KEYS: entry. */
export const DESTROY_ENTRY = defineScript(`${GRANT_FUNCTIONS}
dropIndexes(KEYS[1], false, false)
return redis.call('DEL', KEYS[1])
`);

/** KEYS: grant set. */
export const REVOKE_GRANT = defineScript(`${GRANT_FUNCTIONS}
return revokeGrant(KEYS[1])
`);

/** KEYS: account set. ARGV: grant set key prefix. */
export const REVOKE_ACCOUNT_GRANTS = defineScript(`${GRANT_FUNCTIONS}
revokeAccountGrants(KEYS[1], ARGV[1])
return 1
`);

/**
 * KEYS: account, the account's grant set. ARGV: passwordHash, credentialsChangedAt, grant set key
 * prefix. The change ends the account's sessions: its grants, codes and tokens go in the same step.
 */
export const UPDATE_PASSWORD = defineScript(`${GRANT_FUNCTIONS}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1], 'credentialsChangedAt', ARGV[2])
revokeAccountGrants(KEYS[2], ARGV[3])
return 1
`);

/**
 * incrementCounter(key, now, window, slack): adds one in the open window, or opens a new window at
 * 1; returns the count. The real PEXPIRE follows the logical window so the key goes soon after the
 * window closes. readCounter(key, now): the count in the open window, or 0.
 */
const COUNTER_FUNCTIONS = `
local function incrementCounter(key, now, window, slack)
  local f = redis.call('HMGET', key, 'count', 'resetAt')
  local resetAt = tonumber(f[2])
  local count
  if resetAt and resetAt > now then
    count = redis.call('HINCRBY', key, 'count', 1)
  else
    resetAt = now + window
    count = 1
    redis.call('HSET', key, 'count', 1, 'resetAt', string.format('%d', resetAt))
  end
  redis.call('PEXPIRE', key, string.format('%d', math.max(1, resetAt - now + slack)))
  return count
end

local function readCounter(key, now)
  local f = redis.call('HMGET', key, 'count', 'resetAt')
  if f[1] and f[2] and tonumber(f[2]) > now then return tonumber(f[1]) end
  return 0
end
`;

/** KEYS: counter. ARGV: now (ms), window (ms), slack (ms). Returns the new count. */
export const INCREMENT_COUNTER = defineScript(`${COUNTER_FUNCTIONS}
return incrementCounter(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
`);

/**
 * KEYS: the counters, one per step. ARGV: now (ms), slack (ms), then per step its kind ('get',
 * 'increment', 'endsAt' or 'reset'), its window (ms; '0' unless it increments) and the count past
 * which the batch stops ('' for none). Runs the steps in order and returns each one's count (0 for
 * a reset; for endsAt when the open window closes, ms, or 0 with none open), up to the step that
 * stopped it.
 */
export const COUNTER_BATCH = defineScript(`${COUNTER_FUNCTIONS}
local now, slack = tonumber(ARGV[1]), tonumber(ARGV[2])
local counts = {}
for i, key in ipairs(KEYS) do
  local kind, window, stopAbove = ARGV[3 * i], tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2])
  if kind == 'get' then
    counts[i] = readCounter(key, now)
  elseif kind == 'increment' then
    counts[i] = incrementCounter(key, now, window, slack)
  elseif kind == 'endsAt' then
    local resetAt = tonumber(redis.call('HGET', key, 'resetAt'))
    counts[i] = (resetAt and resetAt > now) and resetAt or 0
  else
    redis.call('DEL', key)
    counts[i] = 0
  end
  if stopAbove and counts[i] > stopAbove then return counts end
end
return counts
`);
