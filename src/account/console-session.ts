import type { Context } from 'koa';
import { sessionStartedBefore } from '../mfa/account-security.ts';
import type { DirectoryAccount } from '../plugin/user-directory.ts';
import type { ConsoleDeps } from './console-deps.ts';

export interface ConsoleSession {
  accountId: string;
  account: DirectoryAccount;
  mfaEnabled: boolean;
  /** Signed in recently enough for a sensitive change, with a second factor where one is enrolled. */
  fresh: boolean;
  csrfScope: string;
}

/**
 * The provider's own session, read (never written) from its cookie: the console is not a second
 * login system. Undefined when nobody is signed in, or the account is gone.
 */
export async function loadConsoleSession(ctx: Context, deps: ConsoleDeps): Promise<ConsoleSession | undefined> {
  const session = await deps.provider.Session.get(ctx as never);
  const accountId = session.accountId;
  if (!accountId) return undefined;
  const account = await deps.directory.findById(accountId);
  if (!account) return undefined;
  const loginTs = session.loginTs ?? 0;
  // Sessions from before a password change (or MFA off/reset, sign out everywhere) are over here
  // too, as they are at the authorize endpoint.
  if (sessionStartedBefore(loginTs, (await deps.security.validAfter(accountId)) ?? 0)) return undefined;
  const mfaEnabled = (await deps.mfa.status(accountId)).enabled;
  const recent = deps.clock() / 1000 - loginTs <= deps.settings.reauthWithinSeconds;
  const secondFactor = !mfaEnabled || (session.amr ?? []).includes('mfa');
  return { accountId, account, mfaEnabled, fresh: recent && secondFactor, csrfScope: `console:${session.jti}` };
}

export function signInUrl(next: string, fresh: boolean): string {
  return `/account/sign-in?next=${encodeURIComponent(next)}${fresh ? '&fresh=1' : ''}`;
}
