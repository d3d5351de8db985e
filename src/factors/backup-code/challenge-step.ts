import type { Context } from 'koa';
import { AMR } from '../../oidc/acr.ts';
import { requestFields } from '../../audit/audit.ts';
import type { ErrorCode } from '../../errors.ts';
import type { Audit } from '../../audit/audit.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import { wantsTrust } from '../../sign-in/complete-second-factor.ts';
import { codeField } from '../../http/read-form.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';
import { rememberFactorPassed, type SecondFactorStateDeps, type SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from '../../sign-in/second-factor-pages.ts';

export interface BackupCodeStepDeps extends SecondFactorPageDeps, Pick<SecondFactorStateDeps, 'transient'> {
  mfa: MfaService;
  audit: Audit;
}

export async function showBackupCodeForm(ctx: Context, deps: SecondFactorPageDeps, details: InteractionDetails, problem?: ErrorCode) {
  sendPage(ctx, deps, 'backup-code-form', { title: 'Use your backup code', ...secondFactorModel(deps, details, problem) }, problem);
}

/**
 * The product brief's rotation: the code is spent (atomically: of parallel uses, one wins) and
 * a new one is shown once, on its own page; Next then completes the sign-in.
 */
export async function submitBackupCode(ctx: Context, deps: BackupCodeStepDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const code = codeField(form);
  if (!code) return showBackupCodeForm(ctx, deps, details, 'CODE_REQUIRED');
  const replacement = await deps.mfa.spendBackupCode(subject.accountId, code);
  if (!replacement) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'backup-code' } });
    return showBackupCodeForm(ctx, deps, details, 'CODE_INVALID');
  }
  deps.audit({ event: 'mfa.backup_code.used', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx) });
  await rememberFactorPassed(deps, details, subject, { method: 'backup-code', amr: AMR.backupCode, trust: wantsTrust(form), setUpNow: false });
  showNewBackupCode(ctx, deps, details, replacement, 'Your backup code was used, so here is a new one.');
}

export function showNewBackupCode(ctx: Context, deps: SecondFactorPageDeps, details: InteractionDetails, code: string, lead: string) {
  ctx.set('cache-control', 'no-store');
  sendPage(ctx, deps, 'backup-code-new', { title: 'Save your new backup code', lead, code, ...secondFactorModel(deps, details) });
}
