import { createHash } from 'node:crypto';
import type Router from '@koa/router';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../../accounts/normalize-email.ts';
import { requestFields } from '../../audit/audit.ts';
import { AppError, type ErrorCode } from '../../errors.ts';
import { assertSameOrigin } from '../../http/origin-check.ts';
import { redirectAfterPost } from '../../http/page-notice.ts';
import { field, readForm } from '../../http/read-form.ts';
import { describeError } from '../../log.ts';
import { backWithProblem, problemIn, renderPage, type PasswordResetDeps } from './reset-deps.ts';
import { resetLinkMail } from './reset-mail.ts';
import { RESET_LINK_MINUTES } from './reset-links.ts';
import { t } from '../../i18n/translate.ts';

const HOUR = 3600;
/** One form on a page no session owns: bound to its purpose; Origin is what stops another site. */
export const FORGOT_SCOPE = 'password-forgot';
const FORGOT_PROBLEMS: readonly ErrorCode[] = ['EMAIL_REQUIRED', 'EMAIL_TOO_LONG', 'RESET_TOO_MANY'];

/** The per-account counter is keyed by a hash of the address typed: the store never holds it, and an unknown one counts alike. */
const accountKey = (email: string) => `password-reset:account:${createHash('sha256').update(normalizeEmail(email)).digest('base64url')}`;

/**
 * "Forgot password?". Every address gets the same answer, a 303 to the same "check your email"
 * page, after the same store work (two counters, an account lookup, then a link written or a
 * link looked up): whether an account exists is told by neither the answer nor its time. The
 * mail leaves after the answer; a failed delivery is logged, and the person asks again.
 */
export function addForgotRoutes(router: Router, deps: PasswordResetDeps): void {
  const forgotPath = deps.paths.to('/account/password/forgot');

  router.get('/account/password/forgot', (ctx) => {
    renderPage(ctx, deps, 'forgot-password', { title: t('forgot.title'), csrf: deps.csrf.tokenFor(FORGOT_SCOPE) }, problemIn(ctx, FORGOT_PROBLEMS));
  });

  router.get('/account/password/forgot/sent', (ctx) => {
    renderPage(ctx, deps, 'forgot-password-sent', { title: t('forgot.sentTitle'), minutes: RESET_LINK_MINUTES });
  });

  router.post('/account/password/forgot', async (ctx) => {
    assertSameOrigin(ctx, deps.issuerOrigin);
    const form = await readForm(ctx, deps.bodyLimitBytes);
    if (!deps.csrf.verify(FORGOT_SCOPE, field(form, 'csrf'))) throw new AppError('CSRF_FAILED');
    const email = field(form, 'email').trim();
    if (!email) return backWithProblem(ctx, forgotPath, 'EMAIL_REQUIRED');
    if (email.length > MAX_EMAIL_LENGTH) return backWithProblem(ctx, forgotPath, 'EMAIL_TOO_LONG');

    // OWASP ASVS 5.0 V6: a source asking for many resets is told so (this says nothing about any account).
    // Past the account's own limit the answer stays the same and nothing is sent: no mail-bombing an inbox.
    // One round trip; a source past its limit stops the batch before the account is counted.
    const [fromIp, forAccount] = await deps.counters.batch([
      { increment: `password-reset:ip:${ctx.ip}`, windowSeconds: HOUR, stopAbove: deps.limits.perIpPerHour },
      { increment: accountKey(email), windowSeconds: HOUR },
    ]);
    if (fromIp! > deps.limits.perIpPerHour) return backWithProblem(ctx, forgotPath, 'RESET_TOO_MANY');
    const account = await deps.directory.findByEmail(email);
    if (account && forAccount! <= deps.limits.perAccountPerHour) {
      const token = await deps.links.issue(account);
      deps.audit({ event: 'account.password.reset_requested', accountId: account.id, ...requestFields(ctx) });
      const link = `${deps.issuer}/account/password/reset?token=${token}`;
      // After the answer has gone: even building the message (nodemailer's synchronous part) would
      // make a known address's answer measurably slower than an unknown one's.
      const mail = resetLinkMail(account.email, link, deps);
      setImmediate(() => {
        deps.mailer.send(mail)
          .then(() => deps.log.info('mail.reset.sent', { accountId: account.id }))
          .catch((error: unknown) => deps.log.warn('mail.reset.failed', { accountId: account.id, ...describeError(error) }));
      });
    } else {
      // The same kind of store call as writing a link, so an unknown address takes about as long.
      await deps.links.lookUpNothing();
    }
    redirectAfterPost(ctx, deps.paths.to('/account/password/forgot/sent'));
  });
}
