import { defineScript } from './redis-script.ts';

/*
 * Scripts of the trusted-device store (redis-trusted-devices.ts). A device is a hash (id,
 * tokenHash, accountId, epoch, label, createdAt, lastUsedAt, expiresAt), found by its token
 * hash through a string key (token hash -> id) and listed through a per-account set of ids.
 * The keys a script knows up front come in KEYS; the keys it reads from a device (its token
 * index, the other devices of a set) are built from prefixes in ARGV: fine on a single Redis
 * (or a primary with replicas), NOT on Redis Cluster, whose store takes these
 * in steps (cluster/cluster-trusted-devices.ts). Numbers are compared with tonumber(); what is written is the caller's string.
 */

/**
 * KEYS: device, token index, account set. ARGV: id, tokenHash, accountId, epoch, label,
 * createdAt, lastUsedAt, expiresAt, ttl in ms for the real PEXPIRE, device key prefix, token
 * index prefix, account set prefix. Stores the device, replacing one with the same id (whose
 * old token index and account membership go). A token hash still held by another device is
 * refused with an error, as SQLite's UNIQUE constraint does. The account set lives at least as
 * long as its longest-lived member.
 */
export const SAVE_TRUSTED_DEVICE = defineScript(`
local device, tokenKey, accountSet = KEYS[1], KEYS[2], KEYS[3]
local id, tokenHash, accountId, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[9])
local devicePrefix, tokenPrefix, accountPrefix = ARGV[10], ARGV[11], ARGV[12]

local holder = redis.call('GET', tokenKey)
if holder and holder ~= id and redis.call('EXISTS', devicePrefix .. holder) == 1 then
  return redis.error_reply('ERR trusted device token hash already in use')
end

local old = redis.call('HMGET', device, 'tokenHash', 'accountId')
if old[1] and old[1] ~= tokenHash and redis.call('GET', tokenPrefix .. old[1]) == id then
  redis.call('DEL', tokenPrefix .. old[1])
end
if old[2] and old[2] ~= accountId then redis.call('SREM', accountPrefix .. old[2], id) end

redis.call('DEL', device)
redis.call('HSET', device, 'id', id, 'tokenHash', tokenHash, 'accountId', accountId, 'epoch', ARGV[4],
  'label', ARGV[5], 'createdAt', ARGV[6], 'lastUsedAt', ARGV[7], 'expiresAt', ARGV[8])
redis.call('PEXPIRE', device, ttl)
redis.call('SET', tokenKey, id, 'PX', ttl)
redis.call('SADD', accountSet, id)
if redis.call('PTTL', accountSet) < ttl then redis.call('PEXPIRE', accountSet, ttl) end
return 1
`);

/** KEYS: device. ARGV: lastUsedAt. Updates an existing device only (a revoked one is not brought back). */
export const TOUCH_TRUSTED_DEVICE = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1])
return 1
`);

/**
 * KEYS: device, account set. ARGV: id, accountId, now (ms), token index prefix. Deletes the
 * device, its token index and its set membership only when it belongs to the account. Returns
 * 1 when it went and had not expired by the injected clock; 0 otherwise.
 */
export const REVOKE_TRUSTED_DEVICE = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'accountId', 'tokenHash', 'expiresAt')
if f[1] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
if f[2] and redis.call('GET', ARGV[4] .. f[2]) == ARGV[1] then redis.call('DEL', ARGV[4] .. f[2]) end
redis.call('SREM', KEYS[2], ARGV[1])
local exp = tonumber(f[3])
if exp and exp > tonumber(ARGV[3]) then return 1 end
return 0
`);

/**
 * KEYS: account set. ARGV: accountId, now (ms), device key prefix, token index prefix. Deletes
 * every device of the account with its token index, then the set. Returns how many of them had
 * not expired by the injected clock.
 */
export const REVOKE_ALL_TRUSTED_DEVICES = defineScript(`
local now, devicePrefix, tokenPrefix = tonumber(ARGV[2]), ARGV[3], ARGV[4]
local count = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local device = devicePrefix .. id
  local f = redis.call('HMGET', device, 'accountId', 'tokenHash', 'expiresAt')
  if f[1] == ARGV[1] then
    redis.call('DEL', device)
    if f[2] and redis.call('GET', tokenPrefix .. f[2]) == id then redis.call('DEL', tokenPrefix .. f[2]) end
    local exp = tonumber(f[3])
    if exp and exp > now then count = count + 1 end
  end
end
redis.call('DEL', KEYS[1])
return count
`);

/**
 * KEYS: account set. ARGV: accountId, device key prefix, ids... Removes from the set the ids
 * whose device is gone (Redis expired it) or no longer belongs to the account. Checked here,
 * not by the caller, so a device saved meanwhile keeps its membership.
 */
export const PRUNE_TRUSTED_DEVICES = defineScript(`
local removed = 0
for i = 3, #ARGV do
  if redis.call('HGET', ARGV[2] .. ARGV[i], 'accountId') ~= ARGV[1] then
    removed = removed + redis.call('SREM', KEYS[1], ARGV[i])
  end
end
return removed
`);
