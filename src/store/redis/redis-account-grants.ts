import type { Clock } from '../../clock.ts';
import type { AccountGrantStore, StoredGrant } from '../../consent/account-grant-store.ts';
import { LIST_ACCOUNT_GRANTS, REVOKE_ACCOUNT_GRANT } from './lua-account-grant-scripts.ts';
import { accountGrantsKey, grantKeyPrefix } from './redis-adapter.ts';
import { runScript, type RedisClient } from './redis-script.ts';

/**
 * An account's grants one by one, each a single script over the account's grant set that the
 * adapter keeps (redis-adapter.ts): one round trip to list them, one atomic step to revoke one.
 * The account's set is the only way in, so a grant id of another account is never found.
 */
export function createRedisAccountGrants(client: RedisClient, prefix: string, clock: Clock): AccountGrantStore {
  return {
    async listGrants(accountId) {
      const flat = (await runScript(client, LIST_ACCOUNT_GRANTS, [accountGrantsKey(prefix, accountId)], [String(clock())])) as string[];
      const grants: StoredGrant[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        grants.push({ ...(JSON.parse(flat[i + 1]!) as Omit<StoredGrant, 'id'>), id: flat[i]! });
      }
      return grants;
    },
    async revokeGrant(accountId, grantId) {
      const revoked = await runScript(client, REVOKE_ACCOUNT_GRANT, [accountGrantsKey(prefix, accountId)], [grantId, grantKeyPrefix(prefix), String(clock())]);
      return Number(revoked) === 1;
    },
  };
}
