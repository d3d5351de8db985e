import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Clock } from '../clock.ts';
import type { MfaSettings } from '../config/settings-schema.ts';
import type { PluginPaths } from '../http/plugin-paths.ts';
import { sessionStartedBefore, type AccountSecurity } from '../mfa/account-security.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import type { DirectoryAccount, UserDirectory } from '../plugin/user-directory.ts';

/** Who is signed in to the Security page: the provider's session, checked against the account's security state. */
export interface ConsoleSessionDeps {
  provider: Provider;
  directory: UserDirectory;
  security: AccountSecurity;
  mfa: MfaService;
  clock: Clock;
  settings: MfaSettings;
}

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
export async function loadConsoleSession(ctx: Context, deps: ConsoleSessionDeps): Promise<ConsoleSession | undefined> {
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

/** "Sign in to the Security page, then go on to `next`" (a path inside the mount, as safeNext() takes it). */
export function signInUrl(paths: PluginPaths, next: string, fresh: boolean): string {
  return paths.to(`/account/sign-in?next=${encodeURIComponent(next)}${fresh ? '&fresh=1' : ''}`);
}
