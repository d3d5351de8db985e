import type Router from '@koa/router';
import { requestFields } from '../../audit/audit.ts';
import { AppError, type ErrorCode } from '../../errors.ts';
import { assertSameOrigin } from '../../http/origin-check.ts';
import { redirectAfterPost } from '../../http/page-notice.ts';
import { field, readForm } from '../../http/read-form.ts';
import { checkNewAccountPassword } from './password-blocklist.ts';
import { backWithProblem, problemIn, renderPage, type PasswordResetDeps } from './reset-deps.ts';
import { t } from '../../i18n/translate.ts';

const RESET_PROBLEMS: readonly ErrorCode[] = ['PASSWORD_REQUIRED', 'PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG', 'PASSWORD_TOO_COMMON', 'PASSWORDS_DIFFERENT'];

/** Longer than a reset takes (argon2, then under a second until the sessions' stamp has passed). */
const RESET_CLAIM_SECONDS = 30;

/** The longest token field worth reading: a token is 43 characters. */
const MAX_TOKEN = 100;

/**
 * The link's page: a new password, and nothing else. It never signs anyone in: no session,
 * no grant, no step of a sign-in is made here, so the second factor is still asked for at the
 * next sign-in. Changing the password ends every session, token and trusted device (the security
 * epoch rises), kills every other link of the account, and mails the owner.
 */
export function addResetRoutes(router: Router, deps: PasswordResetDeps): void {
  const invalid = () => new AppError('RESET_LINK_INVALID', { link: { href: deps.paths.to('/account/password/forgot'), text: 'Ask for a new link' } });
  const resetPath = (token: string) => deps.paths.to(`/account/password/reset?token=${encodeURIComponent(token)}`);
  const csrfScope = (token: string) => `password-reset:${deps.links.scopeOf(token)}`;

  router.get('/account/password/reset', async (ctx) => {
    const token = typeof ctx.query.token === 'string' ? ctx.query.token.slice(0, MAX_TOKEN) : '';
    const account = await deps.links.check(token);
    if (!account) throw invalid();
    renderPage(ctx, deps, 'reset-password', { title: t('reset.title'), email: account.email, token, csrf: deps.csrf.tokenFor(csrfScope(token)) }, problemIn(ctx, RESET_PROBLEMS));
  });

  router.get('/account/password/reset/done', (ctx) => {
    renderPage(ctx, deps, 'reset-password-done', { title: t('reset.doneTitle') });
  });

  router.post('/account/password/reset', async (ctx) => {
    assertSameOrigin(ctx, deps.issuerOrigin);
    const form = await readForm(ctx, deps.bodyLimitBytes);
    const token = field(form, 'token').slice(0, MAX_TOKEN);
    if (!deps.csrf.verify(csrfScope(token), field(form, 'csrf'))) throw new AppError('CSRF_FAILED');
    const password = field(form, 'password');
    // Checked before the link is used: a refused password leaves the link as it was.
    const problem: ErrorCode | undefined = !password ? 'PASSWORD_REQUIRED' : checkNewAccountPassword(password) ?? (field(form, 'confirm') !== password ? 'PASSWORDS_DIFFERENT' : undefined);
    if (problem) return backWithProblem(ctx, resetPath(token), problem);

    const account = await deps.links.redeem(token);
    // Used, expired, another password since, or not a link: its page says so. Two different links
    // of one account used at once could both pass the password check before either changed it:
    // the claim lets one through; the other's link is dead by the time the claim lapses.
    if (!account || !(await deps.transient.claim(`password-reset:${account.id}`, '1', RESET_CLAIM_SECONDS))
      || !(await deps.directory.setPassword(account.email, password))) return redirectAfterPost(ctx, resetPath(token));
    // Told (audit, and the "password changed" mail) as soon as it is true: should an ending below
    // fail (a 503), the owner still hears of it; the new password already ends sessions, tokens
    // and trusted devices from before it (credentialsChangedAt), the endings only do it now.
    deps.audit({ event: 'account.password.changed', accountId: account.id, ...requestFields(ctx), details: { by: 'reset-link' } });
    await deps.links.revokeAllOf(account.id);
    await deps.trusted.revokeAll(account.id);
    await deps.mfa.endSessions(account.id);
    // Every other link is dead now: a new one asked for at once may be used at once.
    await deps.transient.delete(`password-reset:${account.id}`);
    redirectAfterPost(ctx, deps.paths.to('/account/password/reset/done'));
  });
}
