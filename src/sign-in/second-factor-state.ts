import { AppError } from '../errors.ts';
import type Provider from 'oidc-provider';
import type { FactorId } from '../factors/factor-id.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import type { MfaRequirement } from './mfa-requirement.ts';
import type { MethodView } from '../mfa/mfa-status.ts';
import { lifetimeOf, type InteractionDetails } from './interaction-io.ts';
import { t } from '../i18n/translate.ts';

/**
 * Who is proving a second factor in this interaction, and since when. Either the password was
 * right in this very interaction (kept server-side, keyed by the interaction uid, which
 * oidc-provider binds to this browser's cookie, for exactly as long as the interaction lives),
 * or an existing session is being stepped up.
 */
export interface SecondFactorSubject {
  accountId: string;
  /** Seconds since the epoch of the password sign-in; re-submitted unchanged as login.ts. */
  ts: number;
  via: 'password' | 'session';
  requirement: Exclude<MfaRequirement, 'none'>;
}

/**
 * Where the unfinished sign-in is kept (the transient store, each item bound to interaction and
 * account) and what it is checked against (the account's methods, the provider's session).
 */
export interface SecondFactorStateDeps {
  transient: TransientStore;
  mfa: MfaService;
  provider: Provider;
}

type Kept = Pick<SecondFactorStateDeps, 'transient'>;

const pendingKey = (uid: string) => `pending-login:${uid}`;

/**
 * The scope of everything made for one account inside one interaction: a text code (its key and
 * its hash), an enrolment in progress, a factor passed. Keyed by the account as well as the
 * interaction, an item made for A is simply not found when B is the subject (issue 9: a code
 * texted to A once finished B's sign-in because it was keyed by the interaction alone).
 */
export function subjectScope(uid: string, subject: Pick<SecondFactorSubject, 'accountId'>): string {
  return `${uid}:${subject.accountId}`;
}

const passedKey = (uid: string, subject: SecondFactorSubject) => `second-factor-passed:${subjectScope(uid, subject)}`;

/**
 * The password was right: this account becomes the interaction's subject, once. A second
 * password in the same interaction is refused (SIGN_IN_UNDER_WAY) rather than replacing the
 * subject, so nothing made for the first account can ever serve another; the claim is atomic,
 * so two racing submissions cannot both win.
 */
export async function rememberPasswordPassed(deps: Kept, details: InteractionDetails, accountId: string, requirement: SecondFactorSubject['requirement']): Promise<void> {
  const subject: SecondFactorSubject = { accountId, ts: Math.floor(Date.now() / 1000), via: 'password', requirement };
  if (!(await deps.transient.claim(pendingKey(details.uid), JSON.stringify(subject), lifetimeOf(details)))) throw signInUnderWay(details.uid);
}

/** The refusal of a second password, with the way on: the step this sign-in is at. */
export function signInUnderWay(uid: string): AppError {
  return new AppError('SIGN_IN_UNDER_WAY', { link: { href: `/interaction/${uid}`, text: t('ways.continueSignIn') } });
}

/** Whether a password already passed in this interaction (its second factor still to come). */
export async function passwordAlreadyPassed(deps: Kept, uid: string): Promise<boolean> {
  return (await deps.transient.get(pendingKey(uid))) !== undefined;
}

export async function subjectOf(deps: SecondFactorStateDeps, details: InteractionDetails): Promise<SecondFactorSubject | undefined> {
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

/** What was proven at a second-factor step. */
export interface Proof {
  /** The factor's id (audit names it) and its RFC 8176 amr, as the factor itself gives them. */
  method: FactorId;
  amr: readonly string[];
  /** "Trust this device" was ticked beside the code. */
  trust: boolean;
  /** The factor was set up in this very sign-in (acr urn:oidc-mfa:mfa:set-up-at-sign-in). */
  setUpNow: boolean;
}

/** After a backup code page: the factor passed, the person has yet to press Next. */
export interface FactorPassed extends Proof {
  subject: SecondFactorSubject;
}

export async function rememberFactorPassed(deps: Kept, details: InteractionDetails, subject: SecondFactorSubject, proof: Proof): Promise<void> {
  const passed: FactorPassed = { subject, ...proof };
  await deps.transient.set(passedKey(details.uid, subject), JSON.stringify(passed), lifetimeOf(details));
}

/** The factor this very subject passed in this interaction, spent on reading; never another account's. */
export async function takeFactorPassed(deps: Kept, uid: string, subject: SecondFactorSubject): Promise<FactorPassed | undefined> {
  const raw = await deps.transient.take(passedKey(uid, subject));
  const passed = raw ? (JSON.parse(raw) as FactorPassed) : undefined;
  return passed && passed.subject.accountId === subject.accountId ? passed : undefined;
}

const chosenKey = (uid: string, subject: SecondFactorSubject) => `chosen-method:${subjectScope(uid, subject)}`;

/**
 * The method this sign-in asks for: the one picked under "Try another way", else the account's
 * default. Kept per interaction and account, like everything else here.
 */
export async function chosenMethod(deps: Pick<SecondFactorStateDeps, 'transient' | 'mfa'>, details: InteractionDetails, subject: SecondFactorSubject): Promise<MethodView | undefined> {
  const status = await deps.mfa.status(subject.accountId);
  // With one method (or none) the answer is known without reading what was picked: only a method of the account can be.
  if (status.methods.length <= 1) return status.defaultMethod;
  const picked = await deps.transient.get(chosenKey(details.uid, subject));
  return status.methods.find((method) => method.id === picked) ?? status.defaultMethod;
}

/** "Try another way": this sign-in now asks for that method (the caller checked it is the subject's). */
export async function chooseMethod(deps: Kept, details: InteractionDetails, subject: SecondFactorSubject, methodId: string): Promise<void> {
  await deps.transient.set(chosenKey(details.uid, subject), methodId, lifetimeOf(details));
}

export async function forgetPending(deps: Kept, uid: string): Promise<void> {
  await deps.transient.delete(pendingKey(uid));
}
