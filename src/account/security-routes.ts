import type Router from '@koa/router';
import { assertThat } from '../errors.ts';
import { maskPhone } from '../factors/sms/phone-number.ts';
import { requestFields } from '../audit/audit.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { formSession, pageSession, renderConsole } from './console-pages.ts';
import { signInUrl } from './console-session.ts';

const formatDate = (ms: number | undefined) => (ms ? new Date(ms).toISOString().slice(0, 10) : undefined);

/** Security → Multi-factor authentication: status, and Manage → Backup code → View → Generate. */
export function addSecurityRoutes(router: Router, deps: ConsoleDeps): void {
  router.get('/account/security', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const status = await deps.mfa.status(session.accountId);
    renderConsole(ctx, deps, session, 'security', {
      title: 'Security',
      mfaEnabled: status.enabled,
      method: status.method === 'totp' ? 'Authenticator app' : status.method === 'sms' ? `Text message to ${maskPhone(status.sms!.phone)}` : undefined,
      enrolledAt: formatDate(status.totp?.enrolledAt ?? status.sms?.enrolledAt),
      setUp: status.setUp && { duringSignIn: status.setUp.how === 'sign-in', device: status.setUp.device },
      backupCodeCreatedAt: formatDate(status.backupCode?.createdAt),
      enforcement: deps.settings.enforcement,
      deviceCount: (await deps.trusted.list(session.accountId)).length,
    });
  });

  router.get('/account/security/backup-code', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const status = await deps.mfa.status(session.accountId);
    renderConsole(ctx, deps, session, 'backup-code-manage', {
      title: 'Backup code',
      mfaEnabled: status.enabled,
      createdAt: formatDate(status.backupCode?.createdAt),
      fresh: session.fresh,
      reauthHref: signInUrl('/account/security/backup-code', true),
    });
  });

  router.post('/account/security/backup-code', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: true });
    assertThat((await deps.mfa.status(session.accountId)).backupCode, 'MFA_NOT_ENABLED');
    const code = await deps.mfa.regenerateBackupCode(session.accountId);
    deps.audit({ event: 'mfa.backup_code.regenerated', accountId: session.accountId, ...requestFields(ctx) });
    renderConsole(ctx, deps, session, 'backup-code-new', {
      title: 'Save your new backup code',
      lead: 'Your old backup code no longer works. This is the new one; it is shown only now.',
      code,
      doneHref: '/account/security',
    });
  });
}
