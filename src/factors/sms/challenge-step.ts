import type { Context } from 'koa';
import { AMR } from '../../oidc/acr.ts';
import { requestFields } from '../../audit/audit.ts';
import type { ErrorCode } from '../../errors.ts';
import { maskPhone } from './phone-number.ts';
import { completeSecondFactor, wantsTrust } from '../../interactions/complete-second-factor.ts';
import { codeField } from '../../http/read-form.ts';
import type { InteractionDeps } from '../../interactions/interaction-deps.ts';
import type { InteractionDetails } from '../../interactions/interaction-io.ts';
import { chosenMethod, subjectScope, type SecondFactorSubject } from '../../interactions/second-factor-state.ts';
import { hasOtherWays } from '../../interactions/other-ways-step.ts';
import { secondFactorModel, sendPage } from '../../interactions/second-factor-pages.ts';

/** The number this sign-in texts: the chosen method's, when it is a text-message method. */
async function chosenPhone(deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject): Promise<string | undefined> {
  const method = await chosenMethod(deps, details, subject);
  return method?.type === 'sms' ? method.phone ?? undefined : undefined;
}

export async function showSmsChallenge(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject, problem?: ErrorCode) {
  const phone = await chosenPhone(deps, details, subject);
  sendPage(ctx, deps, 'sms-challenge', {
    title: 'Enter the code we texted you',
    maskedPhone: phone ? maskPhone(phone) : '',
    available: Boolean(deps.sms),
    otherWays: await hasOtherWays(deps, subject),
    ...secondFactorModel(deps, details, problem),
  }, problem);
}

/** Sends a code for this interaction and account (bound to both, and to the number), within the SMS budget; the outcome is shown on the page. */
async function sendCode(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject): Promise<ErrorCode | undefined> {
  const phone = await chosenPhone(deps, details, subject);
  if (!deps.sms || !phone) return 'SMS_UNAVAILABLE';
  return deps.sms.send({ purpose: 'sign-in', scope: subjectScope(details.uid, subject), accountId: subject.accountId, phone, ip: ctx.ip });
}

/**
 * The first view of the page sends the code: the subject exists only once the password was
 * right in this interaction (or for a session being stepped up), so nothing is sent before that.
 */
export async function openSmsChallenge(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  // A code already sent in this sign-in counts only if it went to the number asked for now.
  const pending = deps.sms ? await deps.sms.pending(subjectScope(details.uid, subject)) : undefined;
  const alreadySent = pending && pending.phone === (await chosenPhone(deps, details, subject));
  const problem = alreadySent ? undefined : await sendCode(ctx, deps, details, subject);
  return showSmsChallenge(ctx, deps, details, subject, problem);
}

/** Resend: a new code replaces the old one; the wrong-code count carries on (NIST SP 800-63B rev 4 §3.1.3.2). */
export async function resendSmsCode(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const problem = await sendCode(ctx, deps, details, subject);
  return showSmsChallenge(ctx, deps, details, subject, problem ?? undefined);
}

export async function submitSmsCode(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const code = codeField(form);
  if (!code) return showSmsChallenge(ctx, deps, details, subject, 'CODE_REQUIRED');
  // The code must have been sent in this interaction, for this account, to the number it has now.
  const phone = await chosenPhone(deps, details, subject);
  if (!deps.sms || !phone || !(await deps.sms.check({ scope: subjectScope(details.uid, subject), accountId: subject.accountId, phone, code }))) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'sms' } });
    return showSmsChallenge(ctx, deps, details, subject, 'CODE_INVALID');
  }
  const used = await chosenMethod(deps, details, subject);
  if (used) await deps.mfa.methodUsed(subject.accountId, used.id);
  await completeSecondFactor(ctx, deps, details, subject, { method: 'sms', amr: AMR.sms, trust: wantsTrust(form), setUpNow: false });
}
