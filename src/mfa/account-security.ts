import type { UserDirectory } from '../plugin/user-directory.ts';
import type { TrustConditions } from '../trusted-device/trusted-devices.ts';
import type { MfaStore } from './mfa-store.ts';

/**
 * True when a session that began at `loginTs` (oidc-provider's whole seconds) is from before
 * `validAfter` (ms) and so must sign in again. A change in the same second as the sign-in does
 * not end it; "end every session" therefore stamps the end of its second (mfa-service.ts).
 */
export function sessionStartedBefore(loginTs: number | undefined, validAfter: number): boolean {
  return (loginTs ?? 0) < Math.floor(validAfter / 1000);
}

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
