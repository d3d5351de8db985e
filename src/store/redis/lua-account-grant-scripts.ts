import { GRANT_FUNCTIONS } from './lua-scripts.ts';
import { defineScript } from './redis-script.ts';

/*
 * An account's grants one by one, read through the account's grant set (oidc-account:<id>, kept
 * by the adapter's upsert, lua-scripts.ts). A member counts only while its entry still names this
 * set as its accountKey: an entry re-saved for another account, or gone, is skipped, so the set
 * can never hand one account's grant to another.
 */

/**
 * KEYS: the account's grant set. ARGV: now (ms). Returns id, payload, id, payload, ... of the
 * live Grants (exp absent or later than now by the injected clock).
 */
export const LIST_ACCOUNT_GRANTS = defineScript(`
local found = {}
local now = tonumber(ARGV[1])
for _, entry in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local f = redis.call('HMGET', entry, 'id', 'payload', 'exp', 'accountKey')
  if f[2] and f[4] == KEYS[1] and (not f[3] or tonumber(f[3]) > now) then
    table.insert(found, f[1])
    table.insert(found, f[2])
  end
end
return found
`);

/**
 * KEYS: the account's grant set. ARGV: grant id, grant set key prefix, now (ms). Deletes that
 * live Grant of this account with its codes and tokens (revokeGrant) and its index entries;
 * returns 1, or 0 with nothing changed when the account has no such grant.
 */
export const REVOKE_ACCOUNT_GRANT = defineScript(`${GRANT_FUNCTIONS}
local grantId, grantKeyPrefix, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
for _, entry in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local f = redis.call('HMGET', entry, 'id', 'exp', 'accountKey')
  if f[1] == grantId and f[3] == KEYS[1] and (not f[2] or tonumber(f[2]) > now) then
    revokeGrant(grantKeyPrefix .. grantId)
    dropIndexes(entry, false, false)
    redis.call('DEL', entry)
    return 1
  end
end
return 0
`);
