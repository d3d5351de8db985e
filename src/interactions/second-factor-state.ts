import type { MfaRequirement } from '../mfa/mfa-requirement.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import type { InteractionDetails } from './interaction-io.ts';

/**
 * Who is proving a second factor in this interaction, and since when. Either the password was
 * right in this very interaction (kept server-side, keyed by the interaction uid, which
 * oidc-provider binds to this browser's cookie), or an existing session is being stepped up.
 */
export interface SecondFactorSubject {
  accountId: string;
  /** Seconds since the epoch of the password sign-in; re-submitted unchanged as login.ts. */
  ts: number;
  via: 'password' | 'session';
  requirement: Exclude<MfaRequirement, 'none'>;
}

const pendingKey = (uid: string) => `pending-login:${uid}`;
const passedKey = (uid: string) => `second-factor-passed:${uid}`;

export async function rememberPasswordPassed(deps: InteractionDeps, uid: string, accountId: string, requirement: SecondFactorSubject['requirement']): Promise<void> {
  const subject: SecondFactorSubject = { accountId, ts: Math.floor(Date.now() / 1000), via: 'password', requirement };
  await deps.transient.set(pendingKey(uid), JSON.stringify(subject), deps.pendingTtlSeconds);
}

export async function subjectOf(deps: InteractionDeps, details: InteractionDetails): Promise<SecondFactorSubject | undefined> {
  if (details.prompt.name === 'login') {
    const raw = await deps.transient.get(pendingKey(details.uid));
    if (!raw) return undefined;
    const subject = JSON.parse(raw) as SecondFactorSubject;
    // The owner may have set MFA up since the password step: then this sign-in proves it, never replaces it.
    if (subject.requirement === 'enrol' && (await deps.mfa.status(subject.accountId)).enabled) subject.requirement = 'challenge';
    return subject;
  }
  if (details.prompt.name === 'mfa' && details.session?.uid) {
    const session = await deps.provider.Session.findByUid(details.session.uid);
    if (!session?.accountId || session.accountId !== details.session.accountId) return undefined;
    return { accountId: session.accountId, ts: session.loginTs ?? Math.floor(Date.now() / 1000), via: 'session', requirement: 'challenge' };
  }
  return undefined;
}

/** After a backup code page: the factor passed, the person has yet to press Next. */
export interface FactorPassed {
  subject: SecondFactorSubject;
  method: 'totp' | 'sms' | 'backupCode';
  /** "Trust this device" was ticked beside the code. */
  trust: boolean;
}

export async function rememberFactorPassed(deps: InteractionDeps, uid: string, subject: SecondFactorSubject, method: FactorPassed['method'], trust: boolean): Promise<void> {
  const passed: FactorPassed = { subject, method, trust };
  await deps.transient.set(passedKey(uid), JSON.stringify(passed), deps.pendingTtlSeconds);
}

export async function takeFactorPassed(deps: InteractionDeps, uid: string): Promise<FactorPassed | undefined> {
  const raw = await deps.transient.take(passedKey(uid));
  return raw ? JSON.parse(raw) : undefined;
}

export async function forgetPending(deps: InteractionDeps, uid: string): Promise<void> {
  await deps.transient.delete(pendingKey(uid));
}
