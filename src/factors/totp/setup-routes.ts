import type Router from '@koa/router';
import type { Context } from 'koa';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import { assertThat } from '../../errors.ts';
import { codeField } from '../../http/read-form.ts';
import { requestFields, type Audit } from '../../audit/audit.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';
import { formSession, pageSession, renderConsole, type ConsolePageDeps } from '../../account/console-pages.ts';
import type { ConsoleSession } from '../../account/console-session.ts';
import { totpSetup } from './totp-setup.ts';

export interface TotpSetupDeps extends ConsolePageDeps {
  transient: TransientStore;
  audit: Audit;
}

const setupFor = (deps: TotpSetupDeps, session: ConsoleSession) => totpSetup(deps, session.accountId, `totp-setup:${session.accountId}:${session.csrfScope}`);

/** The chooser's Next for the app: a new secret for this setup, then its QR code page. */
export async function startAppSetup(ctx: Context, deps: TotpSetupDeps, session: ConsoleSession): Promise<void> {
  await setupFor(deps, session).restart(deps.settings.setupTtlSeconds);
  ctx.status = 303;
  ctx.redirect('/account/security/setup/app');
}

/**
 * Security → Set up → "Use an authenticator app" → Next → QR code and key → first code → backup code.
 * Nothing is stored as enrolled until the first code verifies: the secret waits, sealed, in the
 * transient store and expires with an abandoned setup.
 */
export function addAppSetupRoutes(router: Router, deps: TotpSetupDeps): void {
  const showAppSetup = async (ctx: Context, session: ConsoleSession, problem?: 'CODE_INVALID' | 'CODE_REQUIRED') => {
    const sealed = await setupFor(deps, session).pending();
    if (!sealed) {
      ctx.redirect('/account/security/setup');
      return;
    }
    const view = await deps.mfa.describeSetup(session.accountId, sealed, session.account.email);
    renderConsole(ctx, deps, session, 'enrol-totp', {
      title: 'Set up your authenticator app',
      lead: 'Scan the QR code with your authenticator app, or type the key into it. Then enter the 6-digit code it shows.',
      qrSvg: view.qrSvg,
      groupedKey: view.groupedKey,
      action: '/account/security/setup/app',
      cancelHref: '/account/security',
    }, problem);
  };

  router.get('/account/security/setup/app', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (session) await showAppSetup(ctx, session);
  });

  router.post('/account/security/setup/app', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    const outcome = await setupFor(deps, session).confirm(codeField(form), methodSetUp(ctx, 'security-page'));
    if (!outcome.ok) {
      assertThat(outcome.problem !== 'SETUP_EXPIRED', 'SETUP_EXPIRED');
      return showAppSetup(ctx, session, outcome.problem);
    }
    deps.audit({ event: 'mfa.enrolled', accountId: session.accountId, ...requestFields(ctx), details: { method: 'totp' } });
    renderConsole(ctx, deps, session, 'backup-code-new', {
      title: 'Multi-factor authentication is on',
      lead: 'Save this backup code somewhere private. It lets you sign in if you lose your phone, and it is shown only now.',
      code: outcome.backupCode,
      doneHref: '/account/security',
    });
  });
}
