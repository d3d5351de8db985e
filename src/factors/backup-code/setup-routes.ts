import type Router from '@koa/router';
import { formatDate } from '../../account/format-date.ts';
import { showNewCodeUntilSaved, type NewCodeDeps } from '../../account/console-new-code.ts';
import { formSession, pageSession, renderConsole } from '../../account/console-pages.ts';
import { signInUrl } from '../../account/console-session.ts';
import { requestFields, type Audit } from '../../audit/audit.ts';
import { assertThat } from '../../errors.ts';
import { t } from '../../i18n/translate.ts';

/** Security → Backup code → View → Generate: a new code replaces the old one, shown until saved. */
export interface BackupCodeSetupDeps extends NewCodeDeps {
  audit: Audit;
}

export function addBackupCodeRoutes(router: Router, deps: BackupCodeSetupDeps): void {
  router.get('/account/security/backup-code', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const status = await deps.mfa.status(session.accountId);
    renderConsole(ctx, deps, session, 'backup-code-manage', {
      title: t('backupCode.title'),
      mfaEnabled: status.enabled,
      createdAt: formatDate(status.backupCode?.createdAt),
      fresh: session.fresh,
      reauthHref: signInUrl(deps.paths, '/account/security/backup-code', true),
    });
  });

  router.post('/account/security/backup-code', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: true });
    assertThat((await deps.mfa.status(session.accountId)).backupCode, 'MFA_NOT_ENABLED');
    const code = await deps.mfa.regenerateBackupCode(session.accountId);
    deps.audit({ event: 'mfa.backup_code.regenerated', accountId: session.accountId, ...requestFields(ctx) });
    await showNewCodeUntilSaved(ctx, deps, session, {
      code,
      title: 'backupCode.newTitle',
      lead: 'backupCode.regeneratedLead',
    });
  });
}
