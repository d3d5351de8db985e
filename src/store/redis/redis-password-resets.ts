import type { Clock } from '../../clock.ts';
import type { PasswordResetStore, ResetLinkRecord } from '../../accounts/password-reset-store.ts';
import { defineScript, EXPIRY_SLACK_MS, runScript, type RedisClient } from './redis-script.ts';

/**
 * KEYS: the link, the account's set of links. ARGV: token hash, accountId, fingerprint, exp (ms), pexpire (ms).
 * The set lives as long as its longest link.
 */
const SAVE = defineScript(`
redis.call('HSET', KEYS[1], 'accountId', ARGV[2], 'fingerprint', ARGV[3], 'exp', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
return 1
`);

/** KEYS: the link. ARGV: token hash, link key prefix, set key prefix. Deletes it and answers its fields (empty when none). */
const TAKE = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'accountId', 'fingerprint', 'exp')
if not f[1] then return {} end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[3] .. f[1], ARGV[1])
return f
`);

/** KEYS: the account's set of links. ARGV: link key prefix. Deletes each link and the set; answers how many links were alive. */
const REVOKE_ALL = defineScript(`
local n = 0
for _, hash in ipairs(redis.call('SMEMBERS', KEYS[1])) do n = n + redis.call('DEL', ARGV[1] .. hash) end
redis.call('DEL', KEYS[1])
return n
`);

/** A link from its stored accountId, fingerprint and exp (the Cluster store's too), unless gone or expired by `now`. */
export function resetLinkOf(fields: unknown, now: number): ResetLinkRecord | undefined {
  const [accountId, fingerprint, exp] = (Array.isArray(fields) ? fields : []) as (string | null)[];
  if (!accountId || !fingerprint || !exp || Number(exp) <= now) return undefined;
  return { accountId, passwordFingerprint: fingerprint, expiresAt: Number(exp) };
}

/**
 * Reset links on Redis: one hash per link (password-reset:<token hash>: accountId, fingerprint,
 * exp) and one set per account (password-resets-of:<accountId>) so a password change can delete
 * them all. Expiry is judged by the injected clock (exp); the PEXPIRE only cleans up.
 */
export function createRedisPasswordResets(client: RedisClient, prefix: string, clock: Clock): PasswordResetStore {
  const linkPrefix = `${prefix}password-reset:`;
  const setPrefix = `${prefix}password-resets-of:`;
  const toRecord = (fields: unknown) => resetLinkOf(fields, clock());
  return {
    async save(tokenHash, record) {
      const pexpire = Math.max(1, record.expiresAt - clock()) + EXPIRY_SLACK_MS;
      await runScript(client, SAVE, [linkPrefix + tokenHash, setPrefix + record.accountId],
        [tokenHash, record.accountId, record.passwordFingerprint, String(record.expiresAt), String(pexpire)]);
    },
    async find(tokenHash) {
      return toRecord(await client.hmGet(linkPrefix + tokenHash, ['accountId', 'fingerprint', 'exp']));
    },
    async take(tokenHash) {
      return toRecord(await runScript(client, TAKE, [linkPrefix + tokenHash], [tokenHash, linkPrefix, setPrefix]));
    },
    async revokeAllOf(accountId) {
      return Number(await runScript(client, REVOKE_ALL, [setPrefix + accountId], [linkPrefix]));
    },
  };
}
