import type Router from '@koa/router';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import type { Context } from 'koa';
import { assertThat, type ErrorCode } from '../../errors.ts';
import { maskPhone } from './phone-number.ts';
import { phoneVerification } from './phone-verification.ts';
import { requestFields, type Audit } from '../../audit/audit.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';
import type { SmsCodes } from './sms-codes.ts';
import { codeField } from '../../http/read-form.ts';
import { formSession, pageSession, renderConsole, type ConsolePageDeps } from '../../account/console-pages.ts';
import type { ConsoleSession } from '../../account/console-session.ts';

export interface SmsSetupDeps extends ConsolePageDeps {
  transient: TransientStore;
  audit: Audit;
  /** Undefined when text messages are off. */
  sms: SmsCodes | undefined;
  /** Where numbers may be set up (ISO 3166 codes); null for everywhere. */
  allowedCountries: string[] | null;
}

const verificationOf = (deps: SmsSetupDeps, session: ConsoleSession) => phoneVerification({ sms: deps.sms!, transient: deps.transient, allowedCountries: deps.allowedCountries }, {
  accountId: session.accountId,
  phoneKey: `sms-setup-phone:${session.accountId}:${session.csrfScope}`,
  codeScope: `sms-setup:${session.accountId}:${session.csrfScope}`,
  ttlSeconds: deps.settings.setupTtlSeconds,
});

/**
 * Set up → "Use text message" → mobile number → Send code → the code → backup code. The number
 * is stored only once its code is verified (phone-verification.ts).
 */
export function addSmsSetupRoutes(router: Router, deps: SmsSetupDeps): void {
  const showPhoneForm = (ctx: Context, session: ConsoleSession, phone = '', problem?: ErrorCode) =>
    renderConsole(ctx, deps, session, 'sms-setup-phone', { title: 'Set up text messages', phone, allowedCountries: deps.allowedCountries }, problem);

  const showCodeForm = async (ctx: Context, session: ConsoleSession, problem?: ErrorCode) => {
    const phone = await verificationOf(deps, session).pending();
    if (!phone) return showPhoneForm(ctx, session);
    renderConsole(ctx, deps, session, 'sms-setup-code', { title: 'Enter the code we texted you', maskedPhone: maskPhone(phone) }, problem);
  };

  router.get('/account/security/setup/sms', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (!session) return;
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    showPhoneForm(ctx, session);
  });

  router.post('/account/security/setup/sms', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const sent = await verificationOf(deps, session).send(form.phone, ctx.ip);
    if (!sent.ok) return showPhoneForm(ctx, session, sent.typed, sent.problem);
    await showCodeForm(ctx, session);
  });

  router.post('/account/security/setup/sms/resend', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const verification = verificationOf(deps, session);
    assertThat(await verification.pending(), 'SETUP_EXPIRED');
    await showCodeForm(ctx, session, await verification.resend(ctx.ip));
  });

  router.post('/account/security/setup/sms/verify', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const confirmed = await verificationOf(deps, session).confirm(codeField(form));
    if (!confirmed.ok) {
      assertThat(confirmed.problem !== 'SETUP_EXPIRED', 'SETUP_EXPIRED');
      return showCodeForm(ctx, session, confirmed.problem);
    }
    const { phone } = confirmed;
    const backupCode = await deps.mfa.enrolSms(session.accountId, phone, methodSetUp(ctx, 'security-page'));
    deps.audit({ event: 'mfa.enrolled', accountId: session.accountId, ...requestFields(ctx), details: { method: 'sms' } });
    renderConsole(ctx, deps, session, 'backup-code-new', {
      title: 'Multi-factor authentication is on',
      lead: `Codes will be sent to ${maskPhone(phone)}. Save this backup code somewhere private: it lets you sign in without your phone, and it is shown only now.`,
      code: backupCode,
      doneHref: '/account/security',
    });
  });
}
