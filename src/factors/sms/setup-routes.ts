import type Router from '@koa/router';
import { methodSetUp } from '../../mfa/method-set-up.ts';
import type { Context } from 'koa';
import { assertThat, type ErrorCode } from '../../errors.ts';
import { maskPhone, parseMobileNumber } from './phone-number.ts';
import { requestFields } from '../../audit/audit.ts';
import type { ConsoleDeps } from '../../account/console-deps.ts';
import { codeField } from '../../http/read-form.ts';
import { formSession, pageSession, renderConsole } from '../../account/console-pages.ts';
import type { ConsoleSession } from '../../account/console-session.ts';

const MAX_PHONE_INPUT = 64;
const phoneKey = (session: ConsoleSession) => `sms-setup-phone:${session.accountId}:${session.csrfScope}`;
const codeScope = (session: ConsoleSession) => `sms-setup:${session.accountId}:${session.csrfScope}`;

/**
 * Set up → "Use text message" → mobile number → Send code → the code → backup code. The number
 * is stored only once its code is verified; until then it waits in the transient store.
 */
export function addSmsSetupRoutes(router: Router, deps: ConsoleDeps): void {
  const showPhoneForm = (ctx: Context, session: ConsoleSession, phone = '', problem?: ErrorCode) =>
    renderConsole(ctx, deps, session, 'sms-setup-phone', { title: 'Set up text messages', phone, allowedCountries: deps.allowedCountries }, problem);

  const showCodeForm = async (ctx: Context, session: ConsoleSession, problem?: ErrorCode) => {
    const phone = await deps.transient.get(phoneKey(session));
    if (!phone) return showPhoneForm(ctx, session);
    renderConsole(ctx, deps, session, 'sms-setup-code', { title: 'Enter the code we texted you', maskedPhone: maskPhone(phone) }, problem);
  };

  /** The number waiting for its code is only ever the one the latest code really went to. */
  const sendTo = async (ctx: Context, session: ConsoleSession, phone: string) => {
    const problem = await deps.sms!.send({ purpose: 'setup', scope: codeScope(session), accountId: session.accountId, phone, ip: ctx.ip });
    if (!problem) await deps.transient.set(phoneKey(session), phone, deps.settings.setupTtlSeconds);
    return problem;
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
    const typed = (form.phone ?? '').slice(0, MAX_PHONE_INPUT);
    const parsed = parseMobileNumber(typed, deps.allowedCountries);
    if (!parsed.ok) return showPhoneForm(ctx, session, typed, parsed.code);
    const problem = await sendTo(ctx, session, parsed.e164);
    if (problem) return showPhoneForm(ctx, session, typed, problem);
    await showCodeForm(ctx, session);
  });

  router.post('/account/security/setup/sms/resend', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const phone = await deps.transient.get(phoneKey(session));
    assertThat(phone, 'SETUP_EXPIRED');
    await showCodeForm(ctx, session, await sendTo(ctx, session, phone));
  });

  router.post('/account/security/setup/sms/verify', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    assertThat(deps.sms, 'SMS_UNAVAILABLE');
    const phone = await deps.transient.get(phoneKey(session));
    assertThat(phone, 'SETUP_EXPIRED');
    const code = codeField(form);
    if (!code) return showCodeForm(ctx, session, 'CODE_REQUIRED');
    if (!(await deps.sms.check({ scope: codeScope(session), accountId: session.accountId, code, phone }))) return showCodeForm(ctx, session, 'CODE_INVALID');
    // Claim the setup: of two racing confirmations, one stores the number and shows a backup code.
    assertThat((await deps.transient.take(phoneKey(session))) === phone, 'SETUP_EXPIRED');
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
