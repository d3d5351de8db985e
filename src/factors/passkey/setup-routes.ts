import type Router from '@koa/router';
import type { Context } from 'koa';
import { requestFields, type Audit } from '../../audit/audit.ts';
import { showNewCodeUntilSaved, type NewCodeDeps } from '../../account/console-new-code.ts';
import { consoleNotice, tellConsolePage } from '../../account/console-notice.ts';
import { formSession, pageSession, renderConsole } from '../../account/console-pages.ts';
import type { ConsoleSession } from '../../account/console-session.ts';
import { formatDate } from '../../account/format-date.ts';
import { assertThat, type ErrorCode } from '../../errors.ts';
import { redirectAfterPost } from '../../http/page-notice.ts';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import { passkeyNameOf, registrationResponseOf } from './passkey-response.ts';
import type { Passkeys } from './passkeys.ts';
import { t } from '../../i18n/translate.ts';

export interface PasskeySetupDeps extends NewCodeDeps {
  passkeys: Passkeys;
  audit: Audit;
}

const MAX_ID = 64;
const SETUP_PAGE = '/account/security/setup/passkey';
const renamePage = (id: string) => `/account/security/passkeys/${encodeURIComponent(id)}/rename`;

/** The registration challenge's scope: this Security page session (the account is added by passkey-challenges.ts). */
const scopeOf = (session: ConsoleSession) => `setup:${session.csrfScope}`;

/** The chooser's Next for a passkey: its page makes the challenge. */
export async function startPasskeySetup(ctx: Context, deps: Pick<PasskeySetupDeps, 'paths'>): Promise<void> {
  ctx.status = 303;
  ctx.redirect(deps.paths.to('/account/security/setup/passkey'));
}

/**
 * Security → Add a method → "Use a passkey": name it, the device's own dialog makes the key, the
 * new method is stored and a new backup code shown. Like every change: a recent sign-in with the
 * second factor, CSRF, our origin. Rename: Security → a passkey → Rename.
 */
export function addPasskeySetupRoutes(router: Router, deps: PasskeySetupDeps): void {
  const showSetup = async (ctx: Context, session: ConsoleSession, name: string, problem?: ErrorCode) => {
    const options = await deps.passkeys.registrationOptions(session.accountId, session.account.email, scopeOf(session));
    renderConsole(ctx, deps, session, 'passkey-setup', { title: t('passkey.addTitle'), optionsJson: JSON.stringify(options), name }, problem);
  };

  router.get(SETUP_PAGE, async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (!session) return;
    const notice = await consoleNotice(ctx, deps, session, 'setup-passkey');
    await showSetup(ctx, session, notice?.typed ?? t('factor.passkey.defaultName'), notice?.problem);
  });

  // Every answer is a 303 (Post/Redirect/Get): a problem goes back to the setup page with the name typed, once.
  router.post(SETUP_PAGE, async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    const name = passkeyNameOf(form.name);
    const response = registrationResponseOf(form.response);
    const back = (problem: ErrorCode, typed: string) => tellConsolePage(ctx, deps, session, SETUP_PAGE, { page: 'setup-passkey', problem, typed });
    if (!name) return back('PASSKEY_NAME_INVALID', t('factor.passkey.defaultName'));
    if (!response) return back('PASSKEY_RESPONSE_REQUIRED', name);
    const outcome = await deps.passkeys.register(session.accountId, scopeOf(session), response, name, methodSetUp(ctx, 'security-page'));
    if (!outcome.ok) return back(outcome.problem, name);
    deps.audit({ event: 'mfa.enrolled', accountId: session.accountId, ...requestFields(ctx), details: { method: 'passkey' } });
    await showNewCodeUntilSaved(ctx, deps, session, {
      code: outcome.backupCode,
      title: 'passkey.readyTitle',
      lead: 'passkey.readyLead',
    });
  });

  router.get('/account/security/passkeys/:id/rename', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const method = (await deps.mfa.status(session.accountId)).methods.find((candidate) => candidate.id === ctx.params.id && candidate.passkey);
    assertThat(method?.passkey, 'METHOD_NOT_FOUND');
    const notice = await consoleNotice(ctx, deps, session, 'passkey-rename');
    renderConsole(ctx, deps, session, 'passkey-rename', {
      title: t('passkey.renameTitle'), methodId: method.id, name: notice ? notice.typed ?? '' : method.passkey.name, created: formatDate(method.createdAt), lastUsed: formatDate(method.lastUsedAt),
    }, notice?.problem);
  });

  // A name is no security change: a signed-in session with CSRF and our origin is enough.
  router.post('/account/security/passkeys/rename', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: false });
    const id = (form.method ?? '').slice(0, MAX_ID);
    const name = passkeyNameOf(form.name);
    if (!name) {
      const method = (await deps.mfa.status(session.accountId)).methods.find((candidate) => candidate.id === id && candidate.passkey);
      assertThat(method, 'METHOD_NOT_FOUND');
      return tellConsolePage(ctx, deps, session, renamePage(id), { page: 'passkey-rename', problem: 'PASSKEY_NAME_INVALID', typed: (form.name ?? '').slice(0, 256) });
    }
    assertThat(await deps.passkeys.rename(session.accountId, id, name), 'METHOD_NOT_FOUND');
    redirectAfterPost(ctx, deps.paths.to('/account/security'));
  });
}
