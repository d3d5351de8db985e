import type Router from '@koa/router';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import { assertThat } from '../../errors.ts';
import { maskPhone } from './phone-number.ts';
import { phoneVerification } from './phone-verification.ts';
import { requestFields, type Audit } from '../../audit/audit.ts';
import { showNewCodeUntilSaved, type NewCodeDeps } from '../../account/console-new-code.ts';
import type { SmsCodes } from './sms-codes.ts';
import { consoleNotice, tellConsolePage } from '../../account/console-notice.ts';
import { codeField } from '../../http/read-form.ts';
import { redirectAfterPost } from '../../http/page-notice.ts';
import { durationInWords, waitTime } from '../../http/wait-time.ts';
import { formSession, pageSession, renderConsole } from '../../account/console-pages.ts';
import type { ConsoleSession } from '../../account/console-session.ts';

export interface SmsSetupDeps extends NewCodeDeps {
  audit: Audit;
  /** Undefined when text messages are off. */
  sms: SmsCodes | undefined;
  /** Where numbers may be set up (ISO 3166 codes); null for everywhere. */
  allowedCountries: string[] | null;
}

const PHONE_PAGE = '/account/security/setup/sms';
const CODE_PAGE = '/account/security/setup/sms/verify';

const placeOf = (session: ConsoleSession) => ({
  accountId: session.accountId,
  phoneKey: `sms-setup-phone:${session.accountId}:${session.csrfScope}`,
  codeScope: `sms-setup:${session.accountId}:${session.csrfScope}`,
});

const verificationOf = (deps: SmsSetupDeps, session: ConsoleSession) =>
  phoneVerification({ sms: deps.sms!, transient: deps.transient, allowedCountries: deps.allowedCountries }, { ...placeOf(session), ttlSeconds: deps.settings.setupTtlSeconds });

/**
 * Set up → "Use text message" → mobile number → Send code → the code → backup code. The number
 * is stored only once its code is verified (phone-verification.ts). Every POST answers with a
 * 303 (Post/Redirect/Get): Refresh never texts again or counts a wrong code twice.
 */
export function addSmsSetupRoutes(router: Router, deps: SmsSetupDeps): void {
  router.get(PHONE_PAGE, async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (!session) return;
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const notice = await consoleNotice(ctx, deps, session, 'setup-sms-phone');
    renderConsole(ctx, deps, session, 'sms-setup-phone', { title: 'Set up text messages', phone: notice?.typed ?? '', allowedCountries: deps.allowedCountries }, notice?.problem);
  });

  // The code page: what was really sent (and for how long it works), and when Resend works.
  router.get(CODE_PAGE, async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (!session) return;
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const [phone, notice, pending, nextSendAt] = await Promise.all([
      verificationOf(deps, session).pending(),
      consoleNotice(ctx, deps, session, 'setup-sms-code'),
      deps.sms.pending(placeOf(session).codeScope),
      deps.sms.nextSendAt('setup', session.accountId),
    ]);
    if (!phone) {
      ctx.redirect(deps.paths.to(PHONE_PAGE));
      return;
    }
    const now = deps.clock();
    const problem = notice?.problem === 'SMS_COOLDOWN' ? undefined : notice?.problem;
    renderConsole(ctx, deps, session, 'sms-setup-code', {
      title: 'Enter the code we texted you',
      maskedPhone: maskPhone(phone),
      stillWorksFor: pending && pending.phone === phone ? durationInWords(pending.expiresAt - now) : undefined,
      resendWait: nextSendAt !== undefined && nextSendAt > now ? waitTime(nextSendAt, now) : undefined,
    }, problem);
  });

  router.post(PHONE_PAGE, async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const sent = await verificationOf(deps, session).send(form.phone, ctx.ip);
    if (!sent.ok) return tellConsolePage(ctx, deps, session, PHONE_PAGE, { page: 'setup-sms-phone', problem: sent.problem, typed: sent.typed });
    redirectAfterPost(ctx, deps.paths.to(CODE_PAGE));
  });

  router.post('/account/security/setup/sms/resend', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const verification = verificationOf(deps, session);
    assertThat(await verification.pending(), 'SETUP_EXPIRED');
    const problem = await verification.resend(ctx.ip);
    await tellConsolePage(ctx, deps, session, CODE_PAGE, problem ? { page: 'setup-sms-code', problem } : { page: 'setup-sms-code', outcome: 'sms-sent' });
  });

  router.post(CODE_PAGE, async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const confirmed = await verificationOf(deps, session).confirm(codeField(form));
    if (!confirmed.ok) {
      assertThat(confirmed.problem !== 'SETUP_EXPIRED', 'SETUP_EXPIRED');
      return tellConsolePage(ctx, deps, session, CODE_PAGE, { page: 'setup-sms-code', problem: confirmed.problem });
    }
    const { phone } = confirmed;
    const backupCode = await deps.mfa.enrolSms(session.accountId, phone, methodSetUp(ctx, 'security-page'));
    deps.audit({ event: 'mfa.enrolled', accountId: session.accountId, ...requestFields(ctx), details: { method: 'sms' } });
    await showNewCodeUntilSaved(ctx, deps, session, {
      code: backupCode,
      title: '2-step verification is on',
      lead: `Codes will be sent to ${maskPhone(phone)}. Save this backup code somewhere private: it lets you sign in without your phone, and it is shown only until you say you have saved it.`,
    });
  });
}
