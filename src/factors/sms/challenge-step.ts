import type { Context } from 'koa';
import { AMR } from '../../oidc/acr.ts';
import { requestFields } from '../../audit/audit.ts';
import type { ErrorCode } from '../../errors.ts';
import { maskPhone } from './phone-number.ts';
import { completeSecondFactor, wantsTrust, type CompleteSecondFactorDeps } from '../../sign-in/complete-second-factor.ts';
import { codeField } from '../../http/read-form.ts';
import { hasOtherMethods, type MethodView } from '../../mfa/mfa-status.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';
import { chosenMethod, subjectScope, type SecondFactorStateDeps, type SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from '../../sign-in/second-factor-pages.ts';
import type { SmsCodes } from './sms-codes.ts';

export interface SmsChallengeDeps extends SecondFactorPageDeps, CompleteSecondFactorDeps, Pick<SecondFactorStateDeps, 'transient' | 'mfa'> {
  /** Undefined when text messages are off. */
  sms: SmsCodes | undefined;
}

/** The method this sign-in texts: the chosen one, when it is a text-message method. Resolved once per request. */
async function chosenSmsMethod(deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject): Promise<MethodView | undefined> {
  const method = await chosenMethod(deps, details, subject);
  return method?.type === 'sms' && method.phone ? method : undefined;
}

async function showSmsPage(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, method: MethodView | undefined, problem?: ErrorCode) {
  sendPage(ctx, deps, 'sms-challenge', {
    title: 'Enter the code we texted you',
    maskedPhone: method?.phone ? maskPhone(method.phone) : '',
    available: Boolean(deps.sms),
    otherWays: hasOtherMethods(await deps.mfa.status(subject.accountId)),
    ...secondFactorModel(deps, details, problem),
  }, problem);
}

/** Sends a code for this interaction and account (bound to both, and to the number), within the SMS budget; the outcome is shown on the page. */
async function sendCode(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, method: MethodView | undefined): Promise<ErrorCode | undefined> {
  if (!deps.sms || !method?.phone) return 'SMS_UNAVAILABLE';
  return deps.sms.send({ purpose: 'sign-in', scope: subjectScope(details.uid, subject), accountId: subject.accountId, phone: method.phone, ip: ctx.ip });
}

/**
 * The first view of the page sends the code: the subject exists only once the password was
 * right in this interaction (or for a session being stepped up), so nothing is sent before that.
 */
export async function openSmsChallenge(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const method = await chosenSmsMethod(deps, details, subject);
  // A code already sent in this sign-in counts only if it went to the number asked for now.
  const pending = deps.sms ? await deps.sms.pending(subjectScope(details.uid, subject)) : undefined;
  const alreadySent = pending !== undefined && pending.phone === method?.phone;
  const problem = alreadySent ? undefined : await sendCode(ctx, deps, details, subject, method);
  return showSmsPage(ctx, deps, details, subject, method, problem);
}

/** Resend: a new code replaces the old one; the wrong-code count carries on (NIST SP 800-63B rev 4 §3.1.3.2). */
export async function resendSmsCode(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const method = await chosenSmsMethod(deps, details, subject);
  return showSmsPage(ctx, deps, details, subject, method, await sendCode(ctx, deps, details, subject, method));
}

export async function submitSmsCode(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const method = await chosenSmsMethod(deps, details, subject);
  const code = codeField(form);
  if (!code) return showSmsPage(ctx, deps, details, subject, method, 'CODE_REQUIRED');
  // The code must have been sent in this interaction, for this account, to the number it has now.
  if (!deps.sms || !method?.phone || !(await deps.sms.check({ scope: subjectScope(details.uid, subject), accountId: subject.accountId, phone: method.phone, code }))) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'sms' } });
    return showSmsPage(ctx, deps, details, subject, method, 'CODE_INVALID');
  }
  await deps.mfa.methodUsed(subject.accountId, method.id);
  await completeSecondFactor(ctx, deps, details, subject, { method: 'sms', amr: AMR.sms, trust: wantsTrust(form), setUpNow: false });
}
