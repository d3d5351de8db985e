import type { Context } from 'koa';
import { requestFields, type Audit } from '../../audit/audit.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import { AppError } from '../../errors.ts';
import { codeField } from '../../http/read-form.ts';
import { redirectAfterPost } from '../../http/page-notice.ts';
import { actionsFor, lifetimeOf, type InteractionDetails } from '../../sign-in/interaction-io.ts';
import { passWithNewBackupCode, type NewBackupCodeDeps } from '../../sign-in/new-backup-code-step.ts';
import { secondFactorModel, sendPage } from '../../sign-in/second-factor-pages.ts';
import { subjectScope, type SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { noticeFor, tellPage } from '../../sign-in/sign-in-notice.ts';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import { AMR } from '../../oidc/acr.ts';
import { maskPhone } from './phone-number.ts';
import { phoneVerification } from './phone-verification.ts';
import type { SmsCodes } from './sms-codes.ts';
import { t } from '../../i18n/translate.ts';

export interface SmsEnrolDeps extends NewBackupCodeDeps {
  mfa: MfaService;
  audit: Audit;
  /** Undefined when text messages are off. */
  sms: SmsCodes | undefined;
  /** Where numbers may be set up (ISO 3166 codes); null for everywhere. */
  allowedCountries: string[] | null;
}

const PHONE_PAGE = 'enrol-sms-phone';
const CODE_PAGE = 'enrol-sms-code';

/** The number waiting for its code, and the code's scope: bound to this interaction and account, like every item of a sign-in. */
function verificationOf(deps: SmsEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  if (!deps.sms) throw new AppError('SMS_UNAVAILABLE');
  return phoneVerification({ sms: deps.sms, transient: deps.transient, allowedCountries: deps.allowedCountries }, {
    accountId: subject.accountId,
    phoneKey: `enrol-sms-phone:${subjectScope(details.uid, subject)}`,
    codeScope: `enrol-sms:${subjectScope(details.uid, subject)}`,
    ttlSeconds: lifetimeOf(details),
  });
}

/** `GET …/enrol/sms`: the number form, with what the last POST typed and its problem, once. */
export async function showEnrolPhoneForm(ctx: Context, deps: SmsEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const notice = await noticeFor(ctx, deps, details, subject, PHONE_PAGE);
  sendPage(ctx, deps, 'enrol-sms-phone', {
    title: t('sms.setupTitle'),
    phone: notice?.typed ?? '',
    allowedCountries: deps.allowedCountries,
    ...secondFactorModel(deps, details, notice?.problem),
  }, notice?.problem);
}

/** `GET …/enrol/sms/verify`: the code form for the number waiting; with none, the number form. */
export async function showEnrolCodeForm(ctx: Context, deps: SmsEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const [phone, notice] = await Promise.all([verificationOf(deps, details, subject).pending(), noticeFor(ctx, deps, details, subject, CODE_PAGE)]);
  if (!phone) {
    ctx.redirect(actionsFor(deps.paths, details).enrolSms);
    return;
  }
  sendPage(ctx, deps, 'enrol-sms-code', { title: t('sms.codeTitle'), maskedPhone: maskPhone(phone), ...secondFactorModel(deps, details, notice?.problem) }, notice?.problem);
}

/**
 * Enrolment during sign-in by text message: the number, then its code, exactly as on the
 * Security page (phone-verification.ts: the setup SMS budget, the country allow-list, nothing
 * stored as enrolled until the code verifies), bound to this interaction and account.
 */
export async function submitEnrolPhone(ctx: Context, deps: SmsEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const actions = actionsFor(deps.paths, details);
  const sent = await verificationOf(deps, details, subject).send(form.phone, ctx.ip);
  if (!sent.ok) return tellPage(ctx, deps, details, subject, { page: PHONE_PAGE, problem: sent.problem, typed: sent.typed }, actions.enrolSms);
  redirectAfterPost(ctx, actions.enrolSmsVerify);
}

export async function submitEnrolCode(ctx: Context, deps: SmsEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const verification = verificationOf(deps, details, subject);
  // Never over an existing method: set up meanwhile by its owner, it is theirs to prove, not ours to add to.
  if ((await deps.mfa.status(subject.accountId)).enabled) throw new AppError('WRONG_STEP');
  const confirmed = await verification.confirm(codeField(form));
  if (!confirmed.ok) {
    if (confirmed.problem === 'SETUP_EXPIRED') throw new AppError('SETUP_EXPIRED');
    return tellPage(ctx, deps, details, subject, { page: CODE_PAGE, problem: confirmed.problem }, actionsFor(deps.paths, details).enrolSmsVerify);
  }
  const { phone } = confirmed;
  const backupCode = await deps.mfa.enrolSms(subject.accountId, phone, methodSetUp(ctx, 'sign-in'));
  deps.audit({ event: 'mfa.enrolled', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'sms', during: 'sign-in' } });
  await passWithNewBackupCode(ctx, deps, details, subject, { method: 'sms', amr: AMR.sms, trust: false, setUpNow: true }, {
    code: backupCode,
    lead: 'sms.enrolDoneLead',
    params: { phone: maskPhone(phone) },
  });
}
