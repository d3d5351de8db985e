import type { Context } from 'koa';
import { requestFields } from '../../audit/audit.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import { hasOtherMethods } from '../../mfa/mfa-status.ts';
import { completeSecondFactor, type CompleteSecondFactorDeps } from '../../sign-in/complete-second-factor.ts';
import { pauseOf, type FactorPauseDeps } from '../../sign-in/factor-pause.ts';
import { noticeFor, tellPage } from '../../sign-in/sign-in-notice.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';
import { demandsPhishingResistance } from '../../sign-in/phishing-resistance-demand.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from '../../sign-in/second-factor-pages.ts';
import type { SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { passkeyAcrOf, passkeyAmrOf } from './passkey-acr.ts';
import { authenticationResponseOf } from './passkey-response.ts';
import type { Passkeys } from './passkeys.ts';

export interface PasskeyChallengeDeps extends SecondFactorPageDeps, CompleteSecondFactorDeps, FactorPauseDeps {
  mfa: MfaService;
  passkeys: Passkeys;
}

/** The challenge's scope: this interaction (the account is added by passkey-challenges.ts). */
const scopeOf = (details: InteractionDetails) => `sign-in:${details.uid}`;

const PAGE = 'passkey';

/**
 * The passkey page: a fresh challenge for this interaction and account, offered to the account's
 * passkeys only; the problem the last POST left (once); or, while the guard has paused passkeys,
 * until when and the other ways.
 */
export async function showPasskeyChallenge(ctx: Context, deps: PasskeyChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const strict = await demandsPhishingResistance(deps, details);
  const [options, status, notice, pause] = await Promise.all([
    // `phrh` demanded: only the hardware-bound passkeys can meet it, so only they are offered.
    deps.passkeys.authenticationOptions(subject.accountId, scopeOf(details), strict === 'phrh'),
    deps.mfa.status(subject.accountId),
    noticeFor(ctx, deps, details, subject, PAGE),
    pauseOf(deps, details, subject, 'passkey'),
  ]);
  const problem = pause?.code ?? notice?.problem;
  sendPage(ctx, deps, 'passkey-challenge', {
    title: 'Use your passkey',
    optionsJson: JSON.stringify(options),
    // A phishing-resistant sign-in offers nothing else: codes would not meet it.
    otherWays: !strict && hasOtherMethods(status),
    hasBackupCode: !strict && status.backupCode !== null,
    // A phishing-resistant sign-in has no other way to offer while passkeys are paused.
    pause: pause && (strict ? { ...pause, ways: [] } : pause),
    ...secondFactorModel(deps, details, problem),
    actions: { ...secondFactorModel(deps, details).actions, passkey: deps.paths.to(`/interaction/${details.uid}/passkey`) },
  }, problem);
}

/**
 * The same answer for every failure: wrong origin or RP ID, another account's key, a replay, a
 * counter gone back, no UV (the page then tells a pause apart). Answered with a 303 to the page
 * (Post/Redirect/Get): Refresh never sends the spent assertion again as another failure.
 */
export async function submitPasskey(ctx: Context, deps: PasskeyChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const response = authenticationResponseOf(form.response);
  if (!response) return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'PASSKEY_RESPONSE_REQUIRED' });
  const use = await deps.passkeys.authenticate(subject.accountId, scopeOf(details), response);
  if (!use) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'passkey' } });
    return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'PASSKEY_FAILED' });
  }
  await completeSecondFactor(ctx, deps, details, subject, {
    method: 'passkey', amr: passkeyAmrOf(use.hardwareBound, true), trust: false, setUpNow: false, acr: passkeyAcrOf(details, use.hardwareBound),
  });
}
