import type { Context } from 'koa';
import type { Audit } from '../../audit/audit.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import type { UserDirectory } from '../../plugin/user-directory.ts';
import { AMR } from '../../oidc/acr.ts';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import { requestFields } from '../../audit/audit.ts';
import { AppError } from '../../errors.ts';
import { codeField } from '../../http/read-form.ts';
import { lifetimeOf, type InteractionDetails } from '../../sign-in/interaction-io.ts';
import { passWithNewBackupCode, type NewBackupCodeDeps } from '../../sign-in/new-backup-code-step.ts';
import { totpSetup } from './totp-setup.ts';
import { subjectScope, type SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { secondFactorModel, sendPage } from '../../sign-in/second-factor-pages.ts';
import { noticeFor, tellPage } from '../../sign-in/sign-in-notice.ts';

export interface TotpEnrolDeps extends NewBackupCodeDeps {
  mfa: MfaService;
  directory: UserDirectory;
  audit: Audit;
  /** Only whether text messages are on: the page then offers them instead. */
  sms: unknown;
}

const PAGE = 'enrol-totp';

/** The setup in progress, bound to this interaction and this account: another account never finds it. */
const setupFor = (deps: TotpEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject) =>
  totpSetup(deps, subject.accountId, `enrol-at-login:${subjectScope(details.uid, subject)}`);

/**
 * Enrolment during sign-in (mfa.enforcement=required, or a require_mfa app): the password was
 * right in this interaction; the authenticator app is set up before the sign-in completes.
 * The secret is made once per interaction and kept sealed until the first code confirms it.
 */
export async function showEnrol(ctx: Context, deps: TotpEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const [account, notice, sealedSecret] = await Promise.all([
    deps.directory.findById(subject.accountId),
    noticeFor(ctx, deps, details, subject, PAGE),
    setupFor(deps, details, subject).secret(lifetimeOf(details)),
  ]);
  const shown = await deps.mfa.describeSetup(subject.accountId, sealedSecret, account?.email ?? subject.accountId);
  const model = secondFactorModel(deps, details, notice?.problem);
  sendPage(ctx, deps, 'enrol-totp', {
    title: 'Set up your authenticator app',
    lead: 'This app requires a second step at sign-in. Set up an authenticator app to continue.',
    qrSvg: shown.qrSvg,
    // Setting up on the phone that holds the app: the same otpauth:// URI the QR code holds, as a link.
    otpauthUri: shown.uri,
    groupedKey: shown.groupedKey,
    action: model.actions.enrol,
    // The other methods that can be set up here (text messages, when on).
    smsInstead: Boolean(deps.sms),
    ...model,
  }, notice?.problem);
}

export async function submitEnrol(ctx: Context, deps: TotpEnrolDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  // Never over an existing method: set up meanwhile by its owner, it is theirs to prove, not ours to replace.
  if ((await deps.mfa.status(subject.accountId)).enabled) throw new AppError('WRONG_STEP');
  const outcome = await setupFor(deps, details, subject).confirm(codeField(form), methodSetUp(ctx, 'sign-in'));
  if (!outcome.ok) return tellPage(ctx, deps, details, subject, { page: PAGE, problem: outcome.problem === 'SETUP_EXPIRED' ? 'CODE_INVALID' : outcome.problem });
  // The audit names the sign-in: the factor was bound on the strength of the password alone (issue 9 §4).
  deps.audit({ event: 'mfa.enrolled', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'totp', during: 'sign-in' } });
  await passWithNewBackupCode(ctx, deps, details, subject, { method: 'totp', amr: AMR.totp, trust: false, setUpNow: true }, {
    code: outcome.backupCode,
    lead: 'Your authenticator app is set up. Keep this backup code for when you cannot use it.',
  });
}
