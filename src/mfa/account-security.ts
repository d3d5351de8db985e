import type { UserDirectory } from '../plugin/user-directory.ts';
import type { TrustConditions } from '../trusted-device/trusted-devices.ts';
import type { MfaStore } from './mfa-store.ts';

/**
 * When an account's sessions and trusted devices stop counting: the later of its last password
 * change (the directory's) and its last "end every session" (ours: MFA off or reset, sign out
 * everywhere); and its security epoch. Undefined when the account no longer exists.
 */
export function createAccountSecurity(directory: UserDirectory, mfa: MfaStore) {
  async function conditions(accountId: string): Promise<TrustConditions | undefined> {
    const [account, record] = await Promise.all([directory.findById(accountId), mfa.get(accountId)]);
    if (!account) return undefined;
    return {
      accountId,
      epoch: record?.epoch ?? 0,
      validAfter: Math.max(account.credentialsChangedAt ?? 0, record?.sessionsValidAfter ?? 0),
    };
  }

  return {
    conditions,
    validAfter: async (accountId: string) => (await conditions(accountId))?.validAfter,
  };
}

export type AccountSecurity = ReturnType<typeof createAccountSecurity>;
