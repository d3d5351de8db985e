import type Router from '@koa/router';
import type { Context } from 'koa';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import { assertThat } from '../../errors.ts';
import { codeField } from '../../http/read-form.ts';
import { requestFields, type Audit } from '../../audit/audit.ts';
import { showNewCodeUntilSaved, type NewCodeDeps } from '../../account/console-new-code.ts';
import { consoleNotice, tellConsolePage } from '../../account/console-notice.ts';
import { formSession, pageSession, renderConsole } from '../../account/console-pages.ts';
import type { ConsoleSession } from '../../account/console-session.ts';
import { totpSetup } from './totp-setup.ts';

export interface TotpSetupDeps extends NewCodeDeps {
  audit: Audit;
}

const PAGE = '/account/security/setup/app';

const setupFor = (deps: TotpSetupDeps, session: ConsoleSession) => totpSetup(deps, session.accountId, `totp-setup:${session.accountId}:${session.csrfScope}`);

/** The chooser's Next for the app: a new secret for this setup, then its QR code page. */
export async function startAppSetup(ctx: Context, deps: TotpSetupDeps, session: ConsoleSession): Promise<void> {
  await setupFor(deps, session).restart(deps.settings.setupTtlSeconds);
  ctx.status = 303;
  ctx.redirect(deps.paths.to(PAGE));
}

/**
 * Security → Set up → "Use an authenticator app" → Next → QR code and key → first code → backup code.
 * Nothing is stored as enrolled until the first code verifies: the secret waits, sealed, in the
 * transient store and expires with an abandoned setup.
 */
export function addAppSetupRoutes(router: Router, deps: TotpSetupDeps): void {
  router.get(PAGE, async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (!session) return;
    const [sealed, notice] = await Promise.all([setupFor(deps, session).pending(), consoleNotice(ctx, deps, session, 'setup-app')]);
    if (!sealed) {
      ctx.redirect(deps.paths.to('/account/security/setup'));
      return;
    }
    const view = await deps.mfa.describeSetup(session.accountId, sealed, session.account.email);
    renderConsole(ctx, deps, session, 'enrol-totp', {
      title: 'Set up your authenticator app',
      lead: 'Scan the QR code with your authenticator app, or type the key into it. Then enter the 6-digit code it shows.',
      qrSvg: view.qrSvg,
      // Setting up on the phone that holds the app: the same otpauth:// URI the QR code holds, as a link.
      otpauthUri: view.uri,
      groupedKey: view.groupedKey,
      action: deps.paths.to(PAGE),
      cancelHref: deps.paths.to('/account/security'),
    }, notice?.problem);
  });

  router.post(PAGE, async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    const outcome = await setupFor(deps, session).confirm(codeField(form), methodSetUp(ctx, 'security-page'));
    if (!outcome.ok) {
      assertThat(outcome.problem !== 'SETUP_EXPIRED', 'SETUP_EXPIRED');
      return tellConsolePage(ctx, deps, session, PAGE, { page: 'setup-app', problem: outcome.problem });
    }
    deps.audit({ event: 'mfa.enrolled', accountId: session.accountId, ...requestFields(ctx), details: { method: 'totp' } });
    await showNewCodeUntilSaved(ctx, deps, session, {
      code: outcome.backupCode,
      title: '2-step verification is on',
      lead: 'Save this backup code somewhere private. It lets you sign in if you lose your phone, and it is shown only until you say you have saved it.',
    });
  });
}
