import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.ts';
import type { DirectoryAccount, UserDirectory } from '../plugin/user-directory.ts';
import type { TrustConditions } from '../trusted-device/trusted-devices.ts';
import type { MfaRecord, MfaStore } from './mfa-store.ts';

/*
 * When sessions end. A password change, MFA off or reset, and "sign out everywhere" stamp a time
 * (validAfter, ms): whatever began before it is over. oidc-provider stamps what we compare with
 * in whole seconds — a session's loginTs, a code's or refresh token's authTime, an access token's
 * iat — so from a second alone, "earlier in the same second as the change" cannot be told from
 * "later in that second". We settle it on both sides:
 *   - something that began in second s is over when s * 1000 < validAfter: a change at 12:00:00.400
 *     ends a sign-in at 12:00:00 too, since it may have come just before;
 *   - our own events stamp validAfter at the start of the next whole second and return only once
 *     that time has come (endSessionsNow), so a sign-in after the event begins in a later second
 *     and is never ended by it (a sign-in in the rest of the event's second would otherwise be sent
 *     back to the sign-in page with no explanation).
 * Both are seconds of the system clock, as oidc-provider's are; instances must keep their clocks
 * in step (NTP) for a change on one to be judged alike on another.
 */

/** True when something that began in second `seconds` (oidc-provider's time base) began before `validAfter` (ms). */
export function startedBefore(seconds: number | undefined, validAfter: number): boolean {
  return (seconds ?? 0) * 1000 < validAfter;
}

/**
 * True when a session that began at `loginTs` (oidc-provider's whole seconds) is from before
 * `validAfter` (ms) and so must sign in again. A session from earlier in the same second as the
 * change ends too (see above).
 */
export function sessionStartedBefore(loginTs: number | undefined, validAfter: number): boolean {
  return startedBefore(loginTs, validAfter);
}

/** The parts of an oidc-provider code or token this check reads (whole seconds). */
export interface IssuedToken {
  /** When the session it came from signed in: authorization codes and refresh tokens. */
  authTime?: number;
  /** When it was issued: every token; an access token has nothing else. */
  iat?: number;
}

/**
 * True when a code or token comes from a session that has since ended. A code or refresh token
 * carries the sign-in time of its session (a refresh token keeps it through rotation), so one
 * issued from an old session is refused even if it was issued after the change. An access token
 * carries only its issue time, which is never before its session's sign-in: one issued before the
 * change is refused; one issued after the change from an old refresh token could only come from a
 * refresh that raced the change, and its grant is gone by then (the store deletes the grants with
 * the change), so it is refused there.
 */
export function tokenFromBefore(token: IssuedToken, validAfter: number): boolean {
  return startedBefore(token.authTime ?? token.iat, validAfter);
}

/** The validAfter an event stamps at `now`: the start of the next whole second (see above). */
export function sessionsEndAt(now: number): number {
  return (Math.floor(now / 1000) + 1) * 1000;
}

/**
 * Setting timers a little past the stamp: a timer may fire a millisecond early against the wall
 * clock, and a sign-in in that millisecond would be ended.
 */
const WAIT_MARGIN_MS = 5;

/**
 * Ends an account's sessions as of now: `write` stores the stamp (sessionsEndAt), then this waits
 * (under a second) until the stamp has passed, so that whatever signs in after it returns is not
 * ended by it. `clock` must be the system clock oidc-provider stamps with; `pause` waits that
 * long in the same time (tests give a fake clock and a pause that moves it).
 */
export async function endSessionsNow<T>(clock: Clock, write: (validAfter: number) => Promise<T>, pause: (ms: number) => Promise<unknown> = sleep): Promise<T> {
  const validAfter = sessionsEndAt(clock());
  const result = await write(validAfter);
  const wait = validAfter - clock();
  if (wait > 0) await pause(Math.min(wait, 1000) + WAIT_MARGIN_MS);
  return result;
}

/** An account and its MFA record, as the directory's findById and the MFA store's get answer them. */
export type ReadAccountAndRecord = (accountId: string) => Promise<[DirectoryAccount | undefined, MfaRecord | undefined]>;

/** The two reads side by side: what a host whose store cannot read both in one call gets. */
export function readSideBySide(directory: UserDirectory, mfa: MfaStore): ReadAccountAndRecord {
  return (accountId) => Promise.all([directory.findById(accountId), mfa.get(accountId)]);
}

/**
 * When an account's sessions, tokens and trusted devices stop counting: the later of its last
 * password change (the directory's) and its last "end every session" (ours: MFA off or reset, sign
 * out everywhere); and its security epoch. Undefined when the account no longer exists.
 */
export function createAccountSecurity(readBoth: ReadAccountAndRecord) {
  async function conditions(accountId: string): Promise<TrustConditions | undefined> {
    const [account, record] = await readBoth(accountId);
    if (!account) return undefined;
    return {
      accountId,
      epoch: record?.epoch ?? 0,
      validAfter: Math.max(account.credentialsChangedAt ?? 0, record?.sessionsValidAfter ?? 0),
    };
  }

  const validAfter = async (accountId: string) => (await conditions(accountId))?.validAfter;

  return {
    conditions,
    validAfter,
    /**
     * False when this code or token of the account comes from before its sessions last ended, or
     * the account is gone. For oidc-provider's `findAccount(ctx, sub, token)`: answering undefined
     * there for such a token makes refresh and code exchange answer invalid_grant and userinfo 401.
     */
    async tokenStillValid(accountId: string, token: IssuedToken): Promise<boolean> {
      const after = await validAfter(accountId);
      return after !== undefined && !tokenFromBefore(token, after);
    },
  };
}

export type AccountSecurity = ReturnType<typeof createAccountSecurity>;
