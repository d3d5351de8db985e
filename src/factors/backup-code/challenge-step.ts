import type { Context } from 'koa';
import { AMR } from '../../oidc/acr.ts';
import { requestFields, type Audit } from '../../audit/audit.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import { wantsTrust } from '../../sign-in/complete-second-factor.ts';
import { codeField } from '../../http/read-form.ts';
import { pauseOf, type FactorPauseDeps } from '../../sign-in/factor-pause.ts';
import { actionsFor, type InteractionDetails } from '../../sign-in/interaction-io.ts';
import { passWithNewBackupCode, type NewBackupCodeDeps } from '../../sign-in/new-backup-code-step.ts';
import type { SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { secondFactorModel, sendPage } from '../../sign-in/second-factor-pages.ts';
import { noticeFor, tellPage } from '../../sign-in/sign-in-notice.ts';
import { t } from '../../i18n/translate.ts';

export interface BackupCodeStepDeps extends NewBackupCodeDeps, FactorPauseDeps {
  mfa: MfaService;
  audit: Audit;
}

const PAGE = 'backup-code';

export async function showBackupCodeForm(ctx: Context, deps: BackupCodeStepDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const [notice, pause] = await Promise.all([noticeFor(ctx, deps, details, subject, PAGE), pauseOf(deps, details, subject, 'backup-code')]);
  const problem = pause?.code ?? notice?.problem;
  sendPage(ctx, deps, 'backup-code-form', { title: t('backupCode.useTitle'), pause, retryHref: actionsFor(deps.paths, details).backupCode, ...secondFactorModel(deps, details, problem) }, problem);
}

/**
 * The product brief's rotation: the code is spent (atomically: of parallel uses, one wins) and
 * a new one is shown, on its own page, until "I've saved it" completes the sign-in.
 */
export async function submitBackupCode(ctx: Context, deps: BackupCodeStepDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const back = actionsFor(deps.paths, details).backupCode;
  const code = codeField(form);
  if (!code) return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'CODE_REQUIRED' }, back);
  const replacement = await deps.mfa.spendBackupCode(subject.accountId, code);
  if (!replacement) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'backup-code' } });
    return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'CODE_INVALID' }, back);
  }
  deps.audit({ event: 'mfa.backup_code.used', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx) });
  await passWithNewBackupCode(ctx, deps, details, subject, { method: 'backup-code', amr: AMR.backupCode, trust: wantsTrust(form), setUpNow: false }, {
    code: replacement,
    lead: 'backupCode.usedLead',
  });
}
