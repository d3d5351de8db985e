import type { Clock } from '../../../clock.ts';
import type { PasswordResetStore } from '../../../accounts/password-reset-store.ts';
import { resetLinkOf } from '../redis-password-resets.ts';
import { EXPIRY_SLACK_MS, runScript, type RedisClient } from '../redis-script.ts';
import type { ClusterKeys } from './cluster-keys.ts';
import { ADD_TO_SET, SAVE_LINK, TAKE_LINK } from './cluster-scripts.ts';

/**
 * Reset links on a Redis Cluster: the same hash per link and set per account as
 * redis-password-resets.ts, the link in its own slot and the set in the account's. A link is
 * taken (used) in one script on the link alone, so it works once whatever else fails.
 */
export function createClusterPasswordResets(client: RedisClient, keys: ClusterKeys, clock: Clock): PasswordResetStore {
  const toRecord = (fields: unknown) => resetLinkOf(fields, clock());
  return {
    async save(tokenHash, record) {
      const pexpire = Math.max(1, record.expiresAt - clock()) + EXPIRY_SLACK_MS;
      await runScript(client, SAVE_LINK, [keys.resetLink(tokenHash)], [record.accountId, record.passwordFingerprint, String(record.expiresAt), String(pexpire)]);
      await runScript(client, ADD_TO_SET, [keys.resetLinksOf(record.accountId)], [tokenHash, String(pexpire)]);
    },
    async find(tokenHash) {
      return toRecord(await client.hmGet(keys.resetLink(tokenHash), ['accountId', 'fingerprint', 'exp']));
    },
    async take(tokenHash) {
      const fields = await runScript(client, TAKE_LINK, [keys.resetLink(tokenHash)], []) as (string | null)[];
      if (fields[0]) await client.sRem(keys.resetLinksOf(fields[0]), tokenHash);
      return toRecord(fields);
    },
    async revokeAllOf(accountId) {
      const set = keys.resetLinksOf(accountId);
      const hashes = await client.sMembers(set);
      const deleted = await Promise.all(hashes.map((hash) => client.del(keys.resetLink(hash))));
      if (hashes.length) await client.sRem(set, hashes);
      return deleted.reduce((sum, count) => sum + Number(count), 0);
    },
  };
}
