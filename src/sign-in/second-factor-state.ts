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
 * right in this very interaction (kept inside oidc-provider's Interaction, which it binds to this
 * browser's cookie and which lives exactly as long as the sign-in may take), or an existing
 * session is being stepped up.
 */
export interface SecondFactorSubject {
  accountId: string;
  /** Seconds since the epoch of the password sign-in; re-submitted unchanged as login.ts. */
  ts: number;
  via: 'password' | 'session';
  requirement: Exclude<MfaRequirement, 'none'>;
}

/**
 * Where the unfinished sign-in's single-use items are kept (the transient store, each bound to
 * interaction and account) and what it is checked against (the account's methods, the provider's
 * session).
 */
export interface SecondFactorStateDeps {
  transient: TransientStore;
  mfa: MfaService;
  provider: Provider;
}

type Kept = Pick<SecondFactorStateDeps, 'transient'>;

/**
 * The unfinished sign-in itself lives in the Interaction, under this name in its `result` (the
 * place oidc-provider keeps for what the interaction found out; finishing replaces it, and
 * `login` is never written here, so resuming with it alone signs nobody in). One read of the
 * Interaction, which every step makes anyway, answers "whose sign-in is this, and which method
 * did they pick"; nothing about it is kept beside the Interaction with a lifetime of its own.
 */
export const UNFINISHED_SIGN_IN = 'urn:oidc-mfa:unfinished-sign-in';

interface UnfinishedSignIn {
  /** The interaction it was made in: a copy that oidc-provider carries on (as `lastSubmission`) is never read as another's. */
  uid: string;
  /** The account whose password passed here (never a step-up's: that subject is the session's). */
  subject?: SecondFactorSubject;
  /** The method picked under "Try another way", for that account only. */
  chosen?: { accountId: string; methodId: string };
}

function unfinishedIn(details: InteractionDetails): UnfinishedSignIn | undefined {
  const kept = details.result?.[UNFINISHED_SIGN_IN] as UnfinishedSignIn | undefined;
  return kept?.uid === details.uid ? kept : undefined;
}

/** Saves `change` into this interaction, for the rest of its life (one write of the Interaction). */
async function keepInInteraction(details: InteractionDetails, change: Omit<UnfinishedSignIn, 'uid'>): Promise<void> {
  const kept: UnfinishedSignIn = { ...unfinishedIn(details), ...change, uid: details.uid };
  details.result = { ...details.result, [UNFINISHED_SIGN_IN]: kept };
  await details.save(lifetimeOf(details));
}

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
 * The password was right: this account becomes the interaction's subject. A second password in
 * the same interaction is refused (SIGN_IN_UNDER_WAY) rather than replacing the subject. Two
 * passwords racing in the same instant (one browser, one interaction) may both pass that check:
 * the Interaction then keeps the one saved last, and every page and step after reads that one.
 * That is safe because nothing is bound to the interaction alone: every item made for an account
 * (a text code, an enrolment, a factor passed, a notice) is keyed by interaction AND account
 * (subjectScope), so what was made for one account never serves the other
 * (test/security/state-confusion.test.ts races two passwords to show it).
 */
export async function rememberPasswordPassed(details: InteractionDetails, accountId: string, requirement: SecondFactorSubject['requirement']): Promise<void> {
  if (passwordAlreadyPassed(details)) throw signInUnderWay(details.uid);
  await keepInInteraction(details, { subject: { accountId, ts: Math.floor(Date.now() / 1000), via: 'password', requirement } });
}

/** The refusal of a second password, with the way on: the step this sign-in is at. */
export function signInUnderWay(uid: string): AppError {
  return new AppError('SIGN_IN_UNDER_WAY', { link: { href: `/interaction/${uid}`, text: t('ways.continueSignIn') } });
}

/** Whether a password already passed in this interaction (its second factor still to come). */
export function passwordAlreadyPassed(details: InteractionDetails): boolean {
  return unfinishedIn(details)?.subject !== undefined;
}

export async function subjectOf(deps: SecondFactorStateDeps, details: InteractionDetails): Promise<SecondFactorSubject | undefined> {
  if (details.prompt.name === 'login') {
    const kept = unfinishedIn(details)?.subject;
    if (!kept) return undefined;
    const subject = { ...kept };
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

/**
 * The method this sign-in asks for: the one picked under "Try another way", else the account's
 * default. Kept per interaction and account, like everything else here.
 */
export async function chosenMethod(deps: Pick<SecondFactorStateDeps, 'mfa'>, details: InteractionDetails, subject: SecondFactorSubject): Promise<MethodView | undefined> {
  const status = await deps.mfa.status(subject.accountId);
  const chosen = unfinishedIn(details)?.chosen;
  const picked = chosen?.accountId === subject.accountId ? chosen.methodId : undefined;
  return status.methods.find((method) => method.id === picked) ?? status.defaultMethod;
}

/** "Try another way": this sign-in now asks for that method (the caller checked it is the subject's). */
export async function chooseMethod(details: InteractionDetails, subject: SecondFactorSubject, methodId: string): Promise<void> {
  await keepInInteraction(details, { chosen: { accountId: subject.accountId, methodId } });
}
