import { RELEASE_PASSKEY_OWNER } from './lua-credential-scripts.ts';
import { GRANT_FUNCTIONS } from './lua-scripts.ts';
import { defineScript } from './redis-script.ts';

/*
 * Scripts of the MFA and transient stores (redis-mfa.ts, redis-transient.ts). Each changes one
 * key, received in KEYS, so the check and the write of a conditional change cannot be split by
 * another instance's command; those that end sessions also delete the account's grants, codes
 * and tokens in the same script (revokeAccountGrants, lua-scripts.ts). Numbers travel as decimal
 * strings and are compared with tonumber(); what is written back is the caller's string, never a
 * Lua number (which could come back as 1e+15).
 */

/**
 * KEYS: MFA record. ARGV: expected hash, new hash, now (ms). Replaces the backup code only
 * while the stored one is still the expected one (a missing record or code never matches).
 */
export const SWAP_BACKUP_CODE = defineScript(`
if redis.call('HGET', KEYS[1], 'backupCodeHash') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'backupCodeHash', ARGV[2], 'backupCodeCreatedAt', ARGV[3])
return 1
`);

/**
 * KEYS: MFA record, the account's grant set. ARGV: '1' to end sessions or '0', now (ms), grant set
 * key prefix. Raises the epoch by one (HINCRBY creates the record and the field at 0) and, when
 * sessions end, sets sessionsValidAfter to now and deletes the account's grants. Returns the new epoch.
 */
export const RAISE_EPOCH = defineScript(`${GRANT_FUNCTIONS}
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'sessionsValidAfter', ARGV[2])
  revokeAccountGrants(KEYS[2], ARGV[3])
end
return epoch
`);

/**
 * KEYS: MFA record, the account's grant set, its methods. ARGV: now (ms), grant set key prefix,
 * passkey owner key prefix, account id. Turns MFA off: every method (its passkeys' credential ids freed) and
 * the backup code go, the epoch rises and sessions end (their grants with them). The record stays
 * (created when absent) so the epoch survives. Returns the new epoch.
 */
export const DISABLE_MFA = defineScript(`${GRANT_FUNCTIONS}${RELEASE_PASSKEY_OWNER}
redis.call('HDEL', KEYS[1], 'backupCodeHash', 'backupCodeCreatedAt')
for _, raw in ipairs(redis.call('HVALS', KEYS[3])) do releasePasskeyOwner(ARGV[3], ARGV[4], raw) end
redis.call('DEL', KEYS[3])
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'sessionsValidAfter', ARGV[1])
revokeAccountGrants(KEYS[2], ARGV[2])
return epoch
`);

/** KEYS: MFA record, methods. ARGV: passkey owner key prefix, account id. Deletes both, and frees the passkeys' credential ids. */
export const REMOVE_MFA_RECORD = defineScript(`${RELEASE_PASSKEY_OWNER}
for _, raw in ipairs(redis.call('HVALS', KEYS[2])) do releasePasskeyOwner(ARGV[1], ARGV[2], raw) end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
`);

/** KEYS: transient entry. ARGV: value, exp (ms, logical expiry), ttl in ms for the real PEXPIRE. */
export const SET_TRANSIENT = defineScript(`
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'exp', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/**
 * KEYS: transient entry. ARGV: value, exp (ms), pexpire (ms), now (ms). Like SET_TRANSIENT,
 * but only when no unexpired value is there; returns 1 when it set, 0 when another held the key.
 */
export const CLAIM_TRANSIENT = defineScript(`
local exp = redis.call('HGET', KEYS[1], 'exp')
if exp and tonumber(exp) > tonumber(ARGV[4]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'exp', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/**
 * KEYS: transient entry. ARGV: now (ms). Deletes the entry and returns its value when it had
 * not expired by the injected clock; nil otherwise (an expired entry goes all the same).
 */
export const TAKE_TRANSIENT = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'value', 'exp')
if not f[1] then return nil end
redis.call('DEL', KEYS[1])
if not f[2] or tonumber(f[2]) <= tonumber(ARGV[1]) then return nil end
return f[1]
`);
