import { defineScript } from './redis-script.ts';

/*
 * An account's methods on Redis: one hash per account (mfa-methods:<accountId>), method id ->
 * the method as JSON (cjson, Redis's own). Each script touches the account's MFA record, its
 * methods hash and its passkeys' owner keys only, so a check and its write cannot be split by
 * another instance. (The owner keys a removal frees are named from the stored method, not in
 * KEYS: fine on one Redis or Sentinel; the Cluster store frees them in a step of their own:
 * cluster/cluster-mfa.ts.)
 * Times are ms since the epoch (13 digits: cjson's 14 significant digits keep them exact).
 */

/** Picks the oldest method (createdAt, then id) as the default; a local function of the scripts below (and of the Cluster store's, cluster/cluster-scripts.ts). */
export const OLDEST_BECOMES_DEFAULT = `
local function oldestBecomesDefault(methodsKey)
  local fields = redis.call('HGETALL', methodsKey)
  local oldestId, oldest
  for i = 1, #fields, 2 do
    local method = cjson.decode(fields[i + 1])
    if not oldest or method.createdAt < oldest.createdAt or (method.createdAt == oldest.createdAt and fields[i] < oldestId) then
      oldestId, oldest = fields[i], method
    end
  end
  if oldest then
    oldest.isDefault = true
    redis.call('HSET', methodsKey, oldestId, cjson.encode(oldest))
  end
end
`;

/**
 * A passkey's credential id belongs to one account (WebAuthn L3 §7.1 step 26): the key
 * <prefix>passkey-owner:<credential id> names it, set with the passkey and deleted with it
 * (removed, MFA off, account deleted), and only while it names this account (a store upgraded
 * from before owner keys may hold one id twice: the other account keeps its key). A local
 * function of the scripts that delete methods.
 */
export const RELEASE_PASSKEY_OWNER = `
local function releasePasskeyOwner(ownerPrefix, accountId, raw)
  local method = cjson.decode(raw)
  if method.type == 'passkey' and type(method.passkey) == 'table' then
    local key = ownerPrefix .. method.passkey.credentialId
    if redis.call('GET', key) == accountId then redis.call('DEL', key) end
  end
end
`;

/**
 * KEYS: MFA record, methods, and for a passkey its owner key. ARGV: id, the method as JSON, backup
 * code hash, now (ms), account id. Adds the method (the default when it is the first), a new backup
 * code, and raises the epoch; returns 0 and writes nothing when the passkey's owner key is taken.
 */
export const ADD_CREDENTIAL = defineScript(`
if KEYS[3] and not redis.call('SET', KEYS[3], ARGV[5], 'NX') then return 0 end
local method = cjson.decode(ARGV[2])
method.isDefault = redis.call('HLEN', KEYS[2]) == 0
method.createdAt = tonumber(ARGV[4])
method.lastUsedAt = cjson.null
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(method))
redis.call('HSET', KEYS[1], 'backupCodeHash', ARGV[3], 'backupCodeCreatedAt', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
return 1
`);

/**
 * KEYS: MFA record, methods. ARGV: id, passkey owner key prefix, account id. Returns how many
 * methods remain, or -1 when there was no such method.
 */
export const REMOVE_CREDENTIAL = defineScript(`${OLDEST_BECOMES_DEFAULT}${RELEASE_PASSKEY_OWNER}
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return -1 end
redis.call('HDEL', KEYS[2], ARGV[1])
releasePasskeyOwner(ARGV[2], ARGV[3], raw)
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
if cjson.decode(raw).isDefault then oldestBecomesDefault(KEYS[2]) end
return redis.call('HLEN', KEYS[2])
`);

/** KEYS: methods. ARGV: id. Returns 1 when the method is the account's (and now its default). */
export const SET_DEFAULT_CREDENTIAL = defineScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local method = cjson.decode(fields[i + 1])
  method.isDefault = fields[i] == ARGV[1]
  redis.call('HSET', KEYS[1], fields[i], cjson.encode(method))
end
return 1
`);

/**
 * KEYS: methods. ARGV: id, step, now (ms). Records the step (and the use) only for a TOTP method
 * whose last accepted step is earlier (or none). Returns 1 when recorded.
 */
export const ACCEPT_CREDENTIAL_STEP = defineScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local method = cjson.decode(raw)
if method.type ~= 'totp' then return 0 end
if method.lastAcceptedStep ~= cjson.null and method.lastAcceptedStep >= tonumber(ARGV[2]) then return 0 end
method.lastAcceptedStep = tonumber(ARGV[2])
method.lastUsedAt = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(method))
return 1
`);

/**
 * KEYS: methods. ARGV: id, counter, backup state ('1'/'0'), now (ms). Records a passkey's use only
 * when its signature counter went forward, or when the authenticator keeps none (both 0:
 * WebAuthn L3 §7.2 step 22). Returns 1 when recorded.
 */
export const ACCEPT_PASSKEY_USE = defineScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local method = cjson.decode(raw)
if method.type ~= 'passkey' or type(method.passkey) ~= 'table' then return 0 end
local counter = tonumber(ARGV[2])
if not (counter > method.passkey.counter or (counter == 0 and method.passkey.counter == 0)) then return 0 end
method.passkey.counter = counter
method.passkey.backupState = ARGV[3] == '1'
method.lastUsedAt = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(method))
return 1
`);

/** KEYS: methods. ARGV: id, name. Returns 1 when the passkey is the account's (and renamed). */
export const RENAME_PASSKEY = defineScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local method = cjson.decode(raw)
if method.type ~= 'passkey' or type(method.passkey) ~= 'table' then return 0 end
method.passkey.name = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(method))
return 1
`);

/** KEYS: methods. ARGV: id, now (ms). */
export const TOUCH_CREDENTIAL = defineScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local method = cjson.decode(raw)
method.lastUsedAt = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(method))
return 1
`);

/**
 * KEYS: MFA record, methods. ARGV: a new method id. Moves a record written before several
 * methods (its totp* or sms* fields, and methodSetUp) into the methods hash; once per record.
 */
export const UPGRADE_ONE_METHOD_RECORD = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'totpSealedSecret', 'totpEnrolledAt', 'totpLastStep', 'smsPhone', 'smsEnrolledAt', 'methodSetUp')
local method
if f[1] then
  method = { type = 'totp', createdAt = tonumber(f[2] or '0'), sealedSecret = f[1], lastAcceptedStep = f[3] and tonumber(f[3]) or cjson.null, phone = cjson.null }
elseif f[4] then
  method = { type = 'sms', createdAt = tonumber(f[5] or '0'), sealedSecret = cjson.null, lastAcceptedStep = cjson.null, phone = f[4] }
end
if method then
  method.id = ARGV[1]
  method.isDefault = redis.call('HLEN', KEYS[2]) == 0
  method.lastUsedAt = cjson.null
  method.setUp = f[6] and cjson.decode(f[6]) or cjson.null
  redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(method))
end
redis.call('HDEL', KEYS[1], 'totpSealedSecret', 'totpEnrolledAt', 'totpLastStep', 'smsPhone', 'smsEnrolledAt', 'methodSetUp')
return method and 1 or 0
`);
