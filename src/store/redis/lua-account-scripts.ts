import { GRANT_FUNCTIONS } from './lua-scripts.ts';
import { defineScript } from './redis-script.ts';

/*
 * Accounts on Redis: the account hash, the email index (email -> id) and the skeleton index
 * (Unicode TS #39 skeleton -> id) change together, in one script each.
 */

/**
 * KEYS: account, email index, skeleton index. ARGV: id, email, skeleton, then the account's
 * field/value pairs. Returns 1 created, 0 email (or id) taken, 2 a look-alike email exists.
 */
export const CREATE_ACCOUNT = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
if redis.call('HEXISTS', KEYS[3], ARGV[3]) == 1 then return 2 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'emailSkeleton', ARGV[3], unpack(ARGV, 4))
return 1
`);

/**
 * KEYS: account, email index, skeleton index, the account's grant set. ARGV: id, grant set key
 * prefix. Its grants, codes and tokens go with it (lua-scripts.ts GRANT_FUNCTIONS).
 */
export const REMOVE_ACCOUNT = defineScript(`${GRANT_FUNCTIONS}
local f = redis.call('HMGET', KEYS[1], 'email', 'emailSkeleton')
if not f[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('HGET', KEYS[2], f[1]) == ARGV[1] then redis.call('HDEL', KEYS[2], f[1]) end
if f[2] and redis.call('HGET', KEYS[3], f[2]) == ARGV[1] then redis.call('HDEL', KEYS[3], f[2]) end
revokeAccountGrants(KEYS[4], ARGV[2])
return 1
`);

/**
 * For accounts made before the skeleton index: KEYS: account, skeleton index. ARGV: id, email,
 * skeleton. Indexes the account unless it is gone, changed, or already indexed; the first
 * account of a skeleton keeps the entry (as a new one would have been refused).
 */
export const INDEX_SKELETON = defineScript(`
if redis.call('HGET', KEYS[1], 'email') ~= ARGV[2] or redis.call('HEXISTS', KEYS[1], 'emailSkeleton') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'emailSkeleton', ARGV[3])
redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[1])
return 1
`);
