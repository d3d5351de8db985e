import { OLDEST_BECOMES_DEFAULT } from '../lua-credential-scripts.ts';
import { WRITE_ENTRY } from '../lua-scripts.ts';
import { defineScript } from '../redis-script.ts';

/*
 * Scripts of the Redis Cluster store. Redis Cluster runs a script only when every key it touches
 * lies in one hash slot (and refuses a key built inside the script that lies elsewhere), so each
 * of these touches the keys of ONE entity, all named in KEYS: an oidc-provider entry, an index
 * key, an account's own keys (one hash tag per account: cluster-keys.ts), or the account
 * indexes (one tag of their own). What the single-Redis scripts did across entities in one step
 * (lua-scripts.ts) is done here in steps, in an order that fails safe (cluster-*.ts say which).
 * Numbers travel as decimal strings, as in the single-Redis scripts.
 */

/**
 * KEYS: entry. ARGV: id, payload, exp ('' = never), ttl in ms ('' = none), then the index keys it
 * is found through now: uidKey, userCodeKey, grantKey, accountKey ('' for none). Replaces the
 * entry and returns the four index keys the previous one named (false where it named none), for
 * the caller to clean up those it no longer uses.
 */
export const REPLACE_ENTRY = defineScript(`${WRITE_ENTRY}
local old = redis.call('HMGET', KEYS[1], 'uidKey', 'userCodeKey', 'grantKey', 'accountKey')
writeEntry(KEYS[1], ARGV[1], ARGV[2], { exp = ARGV[3], uidKey = ARGV[5], userCodeKey = ARGV[6], grantKey = ARGV[7], accountKey = ARGV[8] }, tonumber(ARGV[4]))
return old
`);

/**
 * KEYS: entry. ARGV: a field and the value it must hold ('' for no condition). Deletes the entry
 * when it holds it and returns its id and index keys (id, uidKey, userCodeKey, grantKey,
 * accountKey; false where absent), or nil when nothing was deleted.
 */
export const DELETE_ENTRY_IF = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'id', 'uidKey', 'userCodeKey', 'grantKey', 'accountKey')
if not f[1] then return nil end
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return nil end
redis.call('DEL', KEYS[1])
return f
`);

/** KEYS: a string key. ARGV: a value. Deletes the key only while it holds that value (an index that still names this entry). */
export const DELETE_IF_EQUAL = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * KEYS: an index set. ARGV: member, its remaining life in ms ('-1' when it never expires). Adds the
 * member; the set lives as long as its longest-lived member (its expiry only ever moves later).
 * Members that have gone are pruned by the readers of the set, which read every member anyway.
 */
export const ADD_TO_SET = defineScript(`
local before = redis.call('PTTL', KEYS[1])
redis.call('SADD', KEYS[1], ARGV[1])
local remaining = tonumber(ARGV[2])
if before == -1 or remaining == -1 then
  redis.call('PERSIST', KEYS[1])
elseif before == -2 or remaining > before then
  redis.call('PEXPIRE', KEYS[1], remaining)
end
return 1
`);

/**
 * KEYS: email index, skeleton index (one hash tag). ARGV: id, email, skeleton, then the holder the
 * caller found to have no account ('' for none). Reserves both for the id; returns {1} reserved,
 * {0, holder} the email is another's, {2, holder} a look-alike is. A holder named in ARGV[4]
 * is replaced: a creation that stopped between its reservation and its account.
 */
export const RESERVE_EMAIL = defineScript(`
local stale = ARGV[4]
local byEmail = redis.call('HGET', KEYS[1], ARGV[2])
if byEmail and byEmail ~= stale then return { 0, byEmail } end
local bySkeleton = redis.call('HGET', KEYS[2], ARGV[3])
if bySkeleton and bySkeleton ~= stale and bySkeleton ~= ARGV[1] then return { 2, bySkeleton } end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
return { 1 }
`);

/** KEYS: email index, skeleton index. ARGV: id, email, skeleton. Frees each entry that still names the id. */
export const RELEASE_EMAIL = defineScript(`
if redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[2]) end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[3]) end
return 1
`);

/** KEYS: account. ARGV: the account's field/value pairs. Creates it unless the id is taken; 1 created, 0 taken. */
export const CREATE_ACCOUNT_HASH = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`);

/** KEYS: account. Deletes it and returns its email and skeleton, or nil when there was none. */
export const DELETE_ACCOUNT_HASH = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'email', 'emailSkeleton')
if not f[1] then return nil end
redis.call('DEL', KEYS[1])
return f
`);

/** KEYS: account. ARGV: passwordHash, credentialsChangedAt. 1 changed, 0 no such account. */
export const SET_PASSWORD = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1], 'credentialsChangedAt', ARGV[2])
return 1
`);

/**
 * Collects a removed method's passkey credential id, for the caller to free its owner key (which
 * lies in another slot); a local function of the scripts below.
 */
const COLLECT_PASSKEY = `
local released = {}
local function collectPasskey(raw)
  local method = cjson.decode(raw)
  if method.type == 'passkey' and type(method.passkey) == 'table' then table.insert(released, method.passkey.credentialId) end
end
`;

/**
 * KEYS: MFA record, methods. ARGV: method id. As REMOVE_CREDENTIAL (lua-credential-scripts.ts),
 * but returns {how many remain (-1: no such method), the passkey's credential id or nothing}.
 */
export const REMOVE_METHOD = defineScript(`${COLLECT_PASSKEY}${OLDEST_BECOMES_DEFAULT}
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return { -1 } end
redis.call('HDEL', KEYS[2], ARGV[1])
collectPasskey(raw)
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
if cjson.decode(raw).isDefault then oldestBecomesDefault(KEYS[2]) end
return { redis.call('HLEN', KEYS[2]), unpack(released) }
`);

/**
 * KEYS: MFA record, methods. ARGV: now (ms). Turns MFA off as DISABLE_MFA does, the sessions' end
 * left to the caller; returns {the new epoch, the freed passkeys' credential ids...}.
 */
export const TURN_MFA_OFF = defineScript(`${COLLECT_PASSKEY}
redis.call('HDEL', KEYS[1], 'backupCodeHash', 'backupCodeCreatedAt')
for _, raw in ipairs(redis.call('HVALS', KEYS[2])) do collectPasskey(raw) end
redis.call('DEL', KEYS[2])
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'sessionsValidAfter', ARGV[1])
return { epoch, unpack(released) }
`);

/** KEYS: MFA record, methods. Deletes both; returns the freed passkeys' credential ids. */
export const DELETE_MFA_RECORD = defineScript(`${COLLECT_PASSKEY}
for _, raw in ipairs(redis.call('HVALS', KEYS[2])) do collectPasskey(raw) end
redis.call('DEL', KEYS[1], KEYS[2])
return released
`);

/** KEYS: MFA record. ARGV: '1' to end sessions, now (ms). As RAISE_EPOCH, the grants left to the caller. */
export const BUMP_EPOCH = defineScript(`
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
if ARGV[1] == '1' then redis.call('HSET', KEYS[1], 'sessionsValidAfter', ARGV[2]) end
return epoch
`);

/**
 * KEYS: device. ARGV: id, tokenHash, accountId, epoch, label, createdAt, lastUsedAt, expiresAt,
 * ttl (ms). Replaces the device; returns the token hash and account id it had (false if none).
 */
export const REPLACE_DEVICE = defineScript(`
local old = redis.call('HMGET', KEYS[1], 'tokenHash', 'accountId')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'tokenHash', ARGV[2], 'accountId', ARGV[3], 'epoch', ARGV[4],
  'label', ARGV[5], 'createdAt', ARGV[6], 'lastUsedAt', ARGV[7], 'expiresAt', ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[9])
return old
`);

/**
 * KEYS: device. ARGV: accountId, now (ms). Deletes the device when it is the account's; returns
 * {1 if it had not expired else 0, its token hash}, or nil when it was not the account's.
 */
export const DELETE_DEVICE_OF = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'accountId', 'tokenHash', 'expiresAt')
if f[1] ~= ARGV[1] then return nil end
redis.call('DEL', KEYS[1])
local exp = tonumber(f[3])
return { (exp and exp > tonumber(ARGV[2])) and 1 or 0, f[2] }
`);

/** KEYS: link. ARGV: accountId, fingerprint, exp (ms), pexpire (ms). */
export const SAVE_LINK = defineScript(`
redis.call('HSET', KEYS[1], 'accountId', ARGV[1], 'fingerprint', ARGV[2], 'exp', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/** KEYS: link. Deletes it and returns accountId, fingerprint, exp (empty when none). */
export const TAKE_LINK = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'accountId', 'fingerprint', 'exp')
if not f[1] then return {} end
redis.call('DEL', KEYS[1])
return f
`);
