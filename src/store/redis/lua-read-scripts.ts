import { defineScript } from './redis-script.ts';

/*
 * Reads that would otherwise take two round trips, the second depending on the first (an index,
 * then the entry it names) or simply beside it (a record and its methods): one script each, so
 * one command is sent and both parts come from the same moment. They write nothing. Keys read
 * through an index are built inside the script from the prefix given in ARGV, as the grant
 * scripts do (lua-scripts.ts): fine on a single Redis, not on Redis Cluster, whose store has
 * its own layout and steps (cluster/).
 */

/** KEYS: MFA record, methods hash. Returns both hashes as flat field/value lists (empty when absent). */
export const READ_MFA_RECORD = defineScript(`
return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]) }
`);

/** KEYS: account, MFA record, methods hash. Returns the three hashes as flat field/value lists (empty when absent). */
export const READ_ACCOUNT_AND_MFA_RECORD = defineScript(`
return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]) }
`);

/**
 * KEYS: email index. ARGV: email, account key prefix. Returns the account's hash as a flat
 * field/value list, or an empty list when the email names none.
 */
export const FIND_ACCOUNT_BY_EMAIL = defineScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return {} end
return redis.call('HGETALL', ARGV[2] .. id)
`);

/**
 * KEYS: index key (a trusted device's token hash -> id). ARGV: hash key prefix. Returns the hash
 * it names as a flat field/value list, or an empty list when the index names none.
 */
export const FIND_HASH_BY_KEY = defineScript(`
local id = redis.call('GET', KEYS[1])
if not id then return {} end
return redis.call('HGETALL', ARGV[1] .. id)
`);

/**
 * KEYS: index key (uid or user code -> id). ARGV: entry key prefix, then the entry's field names.
 * Returns the id and those fields (nil for one missing), or nil when the index names nothing.
 */
export const FIND_ENTRY_BY_INDEX = defineScript(`
local id = redis.call('GET', KEYS[1])
if not id then return nil end
local fields = redis.call('HMGET', ARGV[1] .. id, unpack(ARGV, 2))
table.insert(fields, 1, id)
return fields
`);

/** A flat field/value list (HGETALL inside a script) as an object. */
export function hashOf(flat: unknown): Record<string, string> {
  const list = Array.isArray(flat) ? (flat as string[]) : [];
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) hash[list[i]!] = list[i + 1]!;
  return hash;
}
