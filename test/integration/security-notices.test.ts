import { formAction, hiddenField, HttpSession } from '../helpers/http-session.ts';
import { recordingLogger } from '../helpers/abuse.ts';
import { signedInConsole, twoMethodAccount } from '../helpers/abuse-accounts.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, enrolledAccount, textOf, openSecurityPage, enrolAuthenticator, isCallback, submitCode, useBackupCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { STRICT_CLIENT, TEST_CLIENTS } from '../helpers/start-idp.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.ts';
import { testConfig } from '../helpers/test-config.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

const PASSWORD = 'a password for security notices';
const STEP_MS = 30_000;

describe.each(STORE_KINDS)('security notices by mail over real SMTP on %s', (kind) => {
  let smtp: SmtpCatcher;
  const log = recordingLogger();
  const w = useIdpWorld(kind, {
    log,
    clients: [...TEST_CLIENTS, STRICT_CLIENT],
    config: async () => {
      smtp = await startSmtpCatcher();
      const base = testConfig();
      return {
        mail: { transport: 'smtp', smtpUrl: smtp.url, from: 'Security <no-reply@example.com>', outboxFile: null },
        mfa: { ...base.mfa, productName: 'Example ID', reauthWithinSeconds: 3600, supportEmail: 'help@example.com', supportUrl: 'https://help.example.com/account' },
      };
    },
  });
  const { idp, clock } = w;
  afterAll(() => smtp.close());

  async function passwordStep(browser: HttpSession, email: string) {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    return submitPassword(browser, idp.issuer, await openAuthorization(browser, idp.issuer, await buildAuthorization(client)), email, PASSWORD);
  }

  test('setting up a method on the Security page: one mail to its owner, with "Wasn\'t you?", the Security page and support', async () => {
    const other = await enrolledAccount(idp, clock, PASSWORD, 'bystander');
    const { email } = await enrolledAccount(idp, clock, PASSWORD, 'notified');
    const [mail] = await smtp.waitFor(email);
    expect(smtp.to(email)).toHaveLength(1);
    expect(mail!.subject).toBe('A sign-in method was added to your Example ID account');
    expect(mail!.text).toContain('An authenticator app was set up as a second step on your Security page.');
    expect(mail!.text).toContain("Wasn't you?");
    expect(mail!.text).toContain(`${idp.issuer}/account/security`);
    expect(mail!.text).toContain('help@example.com');
    expect(mail!.html).toContain('href="https://help.example.com/account"');
    // Nothing secret: no key, no backup code, no password.
    expect(mail!.raw).not.toContain(PASSWORD);
    // The other account's mail went to it alone.
    expect((await smtp.waitFor(other.email)).every((m) => m.to.length === 1 && m.to[0] === other.email)).toBe(true);
  });

  test('a new trusted device and the backup code used: each told, with the device', async () => {
    const { email, key, backupCode } = await enrolledAccount(idp, clock, PASSWORD, 'devices');
    await smtp.waitFor(email, 1);

    const trusting = new HttpSession({ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' });
    clock.advance(STEP_MS);
    expect(isCallback(await submitCode(trusting, idp.issuer, await passwordStep(trusting, email), codeFor(key, clock), { trust: '1' }))).toBe(true);
    const trusted = (await smtp.waitFor(email, 2))[1]!;
    expect(trusted.subject).toBe('A new device is trusted on your Example ID account');
    expect(trusted.text).toContain('"Firefox on Linux"');
    expect(trusted.text).toContain('from Firefox on Linux, network address');

    const other = new HttpSession();
    const challenge = await passwordStep(other, email);
    const used = await useBackupCode(other, idp.issuer, challenge, backupCode);
    expect(used.newCode).toEqual(expect.any(String));
    const told = (await smtp.waitFor(email, 3))[2]!;
    expect(told.subject).toBe('Your backup code was used on your Example ID account');
    expect(told.raw).not.toContain(backupCode);
    expect(told.raw).not.toContain(used.newCode!);
  });

  test('a method set up during a sign-in (an app that requires MFA): the mail says so, on the password alone', async () => {
    const email = 'enrolled-at-sign-in@example.com';
    await idp.directory.add({ email, password: PASSWORD });
    const browser = new HttpSession();
    const client = await discoverClient(idp.issuer, 'strict-app');
    const enrol = await submitPassword(browser, idp.issuer, await openAuthorization(browser, idp.issuer, await buildAuthorization(client)), email, PASSWORD);
    const key = textOf(enrol.text, 'totp-key');
    const shown = await browser.submitForm(formAction(enrol.text, '/enrol', idp.issuer), { csrf: hiddenField(enrol.text, 'csrf'), code: codeFor(key, clock) });
    expect(textOf(shown.text, 'backup-code')).toMatch(/-/);
    const [mail] = await smtp.waitFor(email);
    expect(mail!.subject).toBe('A sign-in method was added to your Example ID account');
    expect(mail!.text).toContain('An authenticator app was set up as your second step during a sign-in, with your password only');
    expect(mail!.raw).not.toContain(key.replace(/\s/g, ''));
  });

  test('a method removed (the account keeps another): told, naming the kind of method and never the number', async () => {
    const account = await twoMethodAccount(w, 'removing');
    const console = await signedInConsole(w, account);
    const csrf = hiddenField((await console.get(`${idp.issuer}/account/security`)).text, 'csrf');
    const app = (await w.store.mfa.get(account.id))!.credentials.find((method) => method.type === 'totp')!;
    expect((await console.postForm(`${idp.issuer}/account/security/methods/remove`, { csrf, method: app.id })).status).toBe(303);
    const mail = await smtp.waitForSubject(account.email, 'A sign-in method was removed');
    expect(mail.text).toContain('An authenticator app was removed from your account');
    expect(mail.raw).not.toContain(account.phone);
  });

  test('turning MFA off: told', async () => {
    const { email, session, key } = await enrolledAccount(idp, clock, PASSWORD, 'turnoff');
    await smtp.waitFor(email, 1);
    let page = await session.follow(await session.get(`${idp.issuer}/account/security/turn-off`), idp.issuer);
    // Turning off asks for a recent sign-in with the second factor.
    if (page.text.includes('autocomplete="current-password"')) {
      const challenge = await submitPassword(session, idp.issuer, page, email, PASSWORD);
      clock.advance(STEP_MS);
      page = await submitCode(session, idp.issuer, challenge, codeFor(key, clock));
    }
    const done = await session.submitForm(`${idp.issuer}/account/security/turn-off`, { csrf: hiddenField(page.text, 'csrf') });
    expect(done.url).toContain('/account/signed-out?after=mfa-off');
    const mail = (await smtp.waitFor(email, 2))[1]!;
    expect(mail.subject).toBe('2-step verification was turned off on your Example ID account');
  });

  test('a mail server that refuses: the change stands, the failure is logged without the mail', async () => {
    const email = 'refused@example.com';
    await idp.directory.add({ email, password: PASSWORD });
    const session = new HttpSession();
    await openSecurityPage(session, idp.issuer, { email, password: PASSWORD });
    smtp.refuseAll(true);
    try {
      const { page, backupCode } = await enrolAuthenticator(session, idp.issuer, clock);
      expect(page.status).toBe(200);
      expect(backupCode).toEqual(expect.any(String));
      const account = (await idp.directory.findByEmail(email))!;
      for (let waited = 0; waited < 5000 && !log.lines.some((l) => l.event === 'mail.notice.failed' && l.fields.accountId === account.id); waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const failed = log.lines.find((l) => l.event === 'mail.notice.failed' && l.fields.accountId === account.id);
      expect(failed?.fields).toMatchObject({ kind: 'method-added', errorName: 'MailSendError' });
      expect(JSON.stringify(failed)).not.toContain(backupCode);
      expect(smtp.to(email)).toHaveLength(0);
    } finally {
      smtp.refuseAll(false);
    }
  });
});
