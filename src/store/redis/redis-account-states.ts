import type { AccountStateStore } from '../store.ts';
import { toRecord } from './redis-accounts.ts';
import type { RedisMfa } from './redis-mfa.ts';

/** An account and its MFA record in one script (READ_ACCOUNT_AND_MFA_RECORD): one Redis, and a Cluster, whose keys of one account share its slot. */
export function createRedisAccountStates(mfa: RedisMfa): AccountStateStore {
  return {
    async read(accountId) {
      const { accountHash, mfa: record } = await mfa.readWithAccount(accountId);
      return { account: toRecord(accountHash), mfa: record };
    },
  };
}
