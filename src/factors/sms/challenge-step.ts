import type { Context } from 'koa';
import { AMR } from '../../oidc/acr.ts';
import { requestFields } from '../../audit/audit.ts';
import type { ErrorCode } from '../../errors.ts';
import { maskPhone } from './phone-number.ts';
import { completeSecondFactor, wantsTrust, type CompleteSecondFactorDeps } from '../../sign-in/complete-second-factor.ts';
import { codeField } from '../../http/read-form.ts';
import { durationInWords, waitTime } from '../../http/wait-time.ts';
import { hasOtherMethods, type MethodView } from '../../mfa/mfa-status.ts';
import { pauseOf, type FactorPauseDeps } from '../../sign-in/factor-pause.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';
import { chosenMethod, subjectScope, type SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from '../../sign-in/second-factor-pages.ts';
import { noticeFor, tellPage } from '../../sign-in/sign-in-notice.ts';
import type { PendingSms, SmsCodes } from './sms-codes.ts';
import { t } from '../../i18n/translate.ts';

export interface SmsChallengeDeps extends SecondFactorPageDeps, CompleteSecondFactorDeps, FactorPauseDeps {
  /** Undefined when text messages are off. */
  sms: SmsCodes | undefined;
}

const PAGE = 'sms';

/** The method this sign-in texts: the chosen one, when it is a text-message method. Resolved once per request. */
async function chosenSmsMethod(deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject): Promise<MethodView | undefined> {
  const method = await chosenMethod(deps, details, subject);
  return method?.type === 'sms' && method.phone ? method : undefined;
}

/** Sends a code for this interaction and account (bound to both, and to the number), within the SMS budget and never while paused. */
async function sendCode(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, method: MethodView | undefined): Promise<ErrorCode | undefined> {
  if (!deps.sms || !method?.phone) return 'SMS_UNAVAILABLE';
  return deps.sms.send({ purpose: 'sign-in', scope: subjectScope(details.uid, subject), accountId: subject.accountId, phone: method.phone, ip: ctx.ip });
}

/** The code this sign-in has waiting, only if it went to the number asked for now. */
async function pendingFor(deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, method: MethodView | undefined): Promise<PendingSms | undefined> {
  const pending = deps.sms ? await deps.sms.pending(subjectScope(details.uid, subject)) : undefined;
  return pending && pending.phone === method?.phone ? pending : undefined;
}

/**
 * What the page says happened, and only that: a code sent just now; one sent earlier in this
 * sign-in that still works (and for how long); or none for this sign-in yet — say because a
 * text went to the number moments ago for another sign-in (another tab) and the cooldown holds.
 * Resend is disabled until the cooldown ends, with the time in words (static/timing.js counts it
 * down where scripts run). A refusal that is not the cooldown (caps, the provider failing) is the
 * page's error; the cooldown is no error, only a wait.
 */
async function showSmsPage(
  ctx: Context,
  deps: SmsChallengeDeps,
  details: InteractionDetails,
  subject: SecondFactorSubject,
  state: { method: MethodView | undefined; pending: PendingSms | undefined; sent: 'here' | 'just-before' | undefined; problem: ErrorCode | undefined },
) {
  const { method, pending, sent } = state;
  const now = deps.clock();
  // Sent by this very request: the factor was not paused a moment ago and the cooldown is known, so the store is not asked again.
  const sentHere = sent === 'here';
  const [pause, otherWays, nextSendAt] = await Promise.all([
    sentHere ? undefined : pauseOf(deps, details, subject, 'sms'),
    deps.mfa.status(subject.accountId).then(hasOtherMethods),
    sentHere ? now + deps.smsTiming.cooldownSeconds * 1000 : deps.sms?.nextSendAt('sign-in', subject.accountId),
  ]);
  const waiting = state.problem === 'SMS_COOLDOWN';
  const problem = pause?.code ?? (waiting ? undefined : state.problem);
  const code = sent ? 'sent' : pending ? 'earlier' : 'none';
  sendPage(ctx, deps, 'sms-challenge', {
    title: code === 'none' ? t('sms.challengeTitleNone') : t('sms.codeTitle'),
    code,
    maskedPhone: method?.phone ? maskPhone(method.phone) : '',
    stillWorksFor: code === 'earlier' && pending ? durationInWords(pending.expiresAt - now) : undefined,
    // Nothing sent for this sign-in because of a recent text elsewhere: said in words, not as an error.
    cooldownHeld: code === 'none' && (waiting || (nextSendAt !== undefined && nextSendAt > now)),
    resendWait: nextSendAt !== undefined && nextSendAt > now ? waitTime(nextSendAt, now) : undefined,
    available: Boolean(deps.sms),
    otherWays,
    pause,
    ...secondFactorModel(deps, details, problem),
  }, problem);
}

/**
 * `GET /interaction/:uid` for a text-message method. The first view sends the code: the subject
 * exists only once the password was right in this interaction (or for a session being stepped
 * up), so nothing is sent before that. Not sent again while a code of this sign-in still works,
 * not after a POST (its notice says what happened), and never while the factor is paused.
 */
export async function openSmsChallenge(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const method = await chosenSmsMethod(deps, details, subject);
  const [notice, pending] = await Promise.all([noticeFor(ctx, deps, details, subject, PAGE), pendingFor(deps, details, subject, method)]);
  if (notice || pending) {
    const sent = notice?.outcome === 'sms-sent' ? 'just-before' : undefined;
    return showSmsPage(ctx, deps, details, subject, { method, pending, sent, problem: notice?.problem });
  }
  // send() itself refuses while the factor is paused (FACTOR_PAUSED / FACTOR_LOCKED): nothing goes out then.
  const problem = await sendCode(ctx, deps, details, subject, method);
  return showSmsPage(ctx, deps, details, subject, { method, pending: undefined, sent: problem ? undefined : 'here', problem });
}

/** Resend: a new code replaces the old one; the wrong-code count carries on (NIST SP 800-63B rev 4 §3.1.3.2). */
export async function resendSmsCode(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const problem = await sendCode(ctx, deps, details, subject, await chosenSmsMethod(deps, details, subject));
  await tellPage(ctx, deps, details, subject, problem ? { page: PAGE, problem } : { page: PAGE, outcome: 'sms-sent' });
}

export async function submitSmsCode(ctx: Context, deps: SmsChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const method = await chosenSmsMethod(deps, details, subject);
  const code = codeField(form);
  if (!code) return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'CODE_REQUIRED' });
  // The code must have been sent in this interaction, for this account, to the number it has now.
  if (!deps.sms || !method?.phone || !(await deps.sms.check({ scope: subjectScope(details.uid, subject), accountId: subject.accountId, phone: method.phone, code }))) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'sms' } });
    return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'CODE_INVALID' });
  }
  await deps.mfa.methodUsed(subject.accountId, method.id);
  await completeSecondFactor(ctx, deps, details, subject, { method: 'sms', amr: AMR.sms, trust: wantsTrust(form), setUpNow: false });
}
