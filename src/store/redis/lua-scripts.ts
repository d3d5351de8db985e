import { defineScript } from './redis-script.ts';

/*
 * Every multi-key change runs as one Lua script so that concurrent instances never see (or
 * leave behind) half of it. Some scripts touch keys they read from other keys (index entries,
 * grant members) instead of receiving them in KEYS: fine on a single Redis (or a primary with
 * replicas), NOT on Redis Cluster, which this store does not support.
 *
 * An oidc-provider entry is a hash: id, payload (JSON), exp (logical expiry, ms since the
 * epoch, absent when it never expires), consumed (seconds since the epoch), and the names of
 * the index keys that point at it (uidKey, userCodeKey, grantKey), so they can be cleaned up
 * without knowing the key layout here.
 */

/** Removes the uid/userCode index keys of an entry when they still point at it. */
const DROP_INDEXES = `
local function dropIndexes(entry, keepGrantKey)
  local f = redis.call('HMGET', entry, 'id', 'uidKey', 'userCodeKey', 'grantKey')
  for i = 2, 3 do
    if f[i] and redis.call('GET', f[i]) == f[1] then redis.call('DEL', f[i]) end
  end
  if f[4] and f[4] ~= keepGrantKey then redis.call('SREM', f[4], entry) end
end
`;

/**
 * KEYS: entry, uid index, userCode index, grant set ('' when the entry has none).
 * ARGV: id, payload, exp ('' = never), ttl in ms for the real PEXPIRE ('' = none).
 * The grant set lives as long as its longest-lived member; members whose keys Redis has
 * already expired are pruned here, which keeps the set small for long-lived grants whose
 * refresh tokens rotate.
 */
export const UPSERT_ENTRY = defineScript(`${DROP_INDEXES}
local entry, uidKey, userCodeKey, grantKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, payload, exp, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

dropIndexes(entry, grantKey)
redis.call('DEL', entry)
local fields = { 'id', id, 'payload', payload }
local optional = { exp = exp, uidKey = uidKey, userCodeKey = userCodeKey, grantKey = grantKey }
for name, value in pairs(optional) do
  if value ~= '' then
    table.insert(fields, name)
    table.insert(fields, value)
  end
end
redis.call('HSET', entry, unpack(fields))
if ttl then redis.call('PEXPIRE', entry, ttl) end

for _, indexKey in ipairs({ uidKey, userCodeKey }) do
  if indexKey ~= '' then
    if ttl then redis.call('SET', indexKey, id, 'PX', ttl) else redis.call('SET', indexKey, id) end
  end
end

if grantKey ~= '' then
  redis.call('SADD', grantKey, entry)
  local longest = 0
  for _, member in ipairs(redis.call('SMEMBERS', grantKey)) do
    local remaining = redis.call('PTTL', member)
    if remaining == -2 then
      redis.call('SREM', grantKey, member)
    elseif remaining == -1 or longest == -1 then
      longest = -1
    elseif remaining > longest then
      longest = remaining
    end
  end
  if longest == -1 then redis.call('PERSIST', grantKey) else redis.call('PEXPIRE', grantKey, longest) end
end
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
export const DESTROY_ENTRY = defineScript(`${DROP_INDEXES}
dropIndexes(KEYS[1], false)
return redis.call('DEL', KEYS[1])
`);

/** KEYS: grant set. Skips members that have since been re-upserted under another grant. */
export const REVOKE_GRANT = defineScript(`${DROP_INDEXES}
for _, entry in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('HGET', entry, 'grantKey') == KEYS[1] then
    dropIndexes(entry, KEYS[1])
    redis.call('DEL', entry)
  end
end
return redis.call('DEL', KEYS[1])
`);

/** KEYS: account. ARGV: passwordHash, credentialsChangedAt. */
export const UPDATE_PASSWORD = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1], 'credentialsChangedAt', ARGV[2])
return 1
`);

/**
 * KEYS: counter. ARGV: now (ms), window (ms), slack (ms). Returns the new count. The real
 * PEXPIRE follows the logical window so the key goes soon after the window closes.
 */
export const INCREMENT_COUNTER = defineScript(`
local now, window, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local f = redis.call('HMGET', KEYS[1], 'count', 'resetAt')
local resetAt = tonumber(f[2])
local count
if resetAt and resetAt > now then
  count = redis.call('HINCRBY', KEYS[1], 'count', 1)
else
  resetAt = now + window
  count = 1
  redis.call('HSET', KEYS[1], 'count', 1, 'resetAt', string.format('%d', resetAt))
end
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(1, resetAt - now + slack)))
return count
`);
