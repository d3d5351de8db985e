import type { Context } from 'koa';
import { requestFields } from '../../audit/audit.ts';
import { AppError, type ErrorCode } from '../../errors.ts';
import { codeField } from '../../http/read-form.ts';
import type { InteractionDeps } from '../../interactions/interaction-deps.ts';
import { lifetimeOf, type InteractionDetails } from '../../interactions/interaction-io.ts';
import { secondFactorModel, sendPage } from '../../interactions/second-factor-pages.ts';
import { rememberFactorPassed, subjectScope, type SecondFactorSubject } from '../../interactions/second-factor-state.ts';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import { AMR } from '../../oidc/acr.ts';
import { showNewBackupCode } from '../backup-code/challenge-step.ts';
import { maskPhone, parseMobileNumber } from './phone-number.ts';

const MAX_PHONE_INPUT = 64;

/** The number waiting for its code, and the code's scope: bound to this interaction and account, like every item of a sign-in. */
const phoneKey = (details: InteractionDetails, subject: SecondFactorSubject) => `enrol-sms-phone:${subjectScope(details.uid, subject)}`;
const codeScope = (details: InteractionDetails, subject: SecondFactorSubject) => `enrol-sms:${subjectScope(details.uid, subject)}`;

function assertAvailable(deps: InteractionDeps): NonNullable<InteractionDeps['sms']> {
  if (!deps.sms) throw new AppError('SMS_UNAVAILABLE');
  return deps.sms;
}

export function showEnrolPhoneForm(ctx: Context, deps: InteractionDeps, details: InteractionDetails, phone = '', problem?: ErrorCode) {
  sendPage(ctx, deps, 'enrol-sms-phone', {
    title: 'Set up text messages',
    phone,
    allowedCountries: deps.allowedCountries,
    ...secondFactorModel(deps, details, problem),
  }, problem);
}

async function showEnrolCodeForm(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject, problem?: ErrorCode) {
  const phone = await deps.transient.get(phoneKey(details, subject));
  if (!phone) return showEnrolPhoneForm(ctx, deps, details);
  sendPage(ctx, deps, 'enrol-sms-code', { title: 'Enter the code we texted you', maskedPhone: maskPhone(phone), ...secondFactorModel(deps, details, problem) }, problem);
}

/**
 * Enrolment during sign-in by text message: the number, then its code. A number not yet verified
 * is a setup send (its own SMS buckets, so it cannot spend a verified owner's sign-in texts), and
 * the country allow-list applies as on the Security page. Nothing is stored as enrolled until the
 * code verifies.
 */
export async function submitEnrolPhone(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const sms = assertAvailable(deps);
  const typed = (form.phone ?? '').slice(0, MAX_PHONE_INPUT);
  const parsed = parseMobileNumber(typed, deps.allowedCountries);
  if (!parsed.ok) return showEnrolPhoneForm(ctx, deps, details, typed, parsed.code);
  const problem = await sms.send({ purpose: 'setup', scope: codeScope(details, subject), accountId: subject.accountId, phone: parsed.e164, ip: ctx.ip });
  if (problem) return showEnrolPhoneForm(ctx, deps, details, typed, problem);
  await deps.transient.set(phoneKey(details, subject), parsed.e164, lifetimeOf(details));
  await showEnrolCodeForm(ctx, deps, details, subject);
}

export async function submitEnrolCode(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const sms = assertAvailable(deps);
  // Never over an existing method: set up meanwhile by its owner, it is theirs to prove, not ours to add to.
  if ((await deps.mfa.status(subject.accountId)).enabled) throw new AppError('WRONG_STEP');
  const phone = await deps.transient.get(phoneKey(details, subject));
  if (!phone) throw new AppError('SETUP_EXPIRED');
  const code = codeField(form);
  if (!code) return showEnrolCodeForm(ctx, deps, details, subject, 'CODE_REQUIRED');
  if (!(await sms.check({ scope: codeScope(details, subject), accountId: subject.accountId, phone, code }))) return showEnrolCodeForm(ctx, deps, details, subject, 'CODE_INVALID');
  // Claim the setup: of two racing confirmations, one stores the number and shows a backup code.
  if ((await deps.transient.take(phoneKey(details, subject))) !== phone) throw new AppError('SETUP_EXPIRED');
  const backupCode = await deps.mfa.enrolSms(subject.accountId, phone, methodSetUp(ctx, 'sign-in'));
  deps.audit({ event: 'mfa.enrolled', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'sms', during: 'sign-in' } });
  await rememberFactorPassed(deps, details, subject, { method: 'sms', amr: AMR.sms, trust: false, setUpNow: true });
  showNewBackupCode(ctx, deps, details, backupCode, `Codes will be sent to ${maskPhone(phone)}. Keep this backup code for when you cannot use your phone.`);
}
