import { ERRORS } from '../../src/errors.ts';
import { errorCodeOf, recordingLogger } from '../helpers/abuse.ts';
import { hiddenField, HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, enrolledAccount, isCallback, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { askForResetLink, resetLinkIn, resetPassword } from '../helpers/password-reset-flow.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { testConfig } from '../helpers/test-config.ts';

const PASSWORD = 'the old password, long enough';
const NEW_PASSWORD = 'a brand new password for reset';
const STEP_MS = 30_000;
const MINUTE_MS = 60_000;

describe.each(STORE_KINDS)('"Forgot password?" over real SMTP on %s', (kind) => {
  let smtp: SmtpCatcher;
  const log = recordingLogger();
  const { idp, clock, store } = useIdpWorld(kind, {
    log,
    config: async () => {
      smtp = await startSmtpCatcher();
      return {
        mail: { transport: 'smtp', smtpUrl: smtp.url, from: 'no-reply@example.com', outboxFile: null },
        passwordReset: { perAccountPerHour: 3, perIpPerHour: 20 },
        // Each test moves the fake clock an hour on (below), while oidc-provider stamps sign-ins in real time.
        mfa: { ...testConfig().mfa, productName: 'Example ID', reauthWithinSeconds: 86_400 },
      };
    },
  });
  afterAll(() => smtp.close());

  // Every test starts in a fresh hour: the per-IP window (all requests come from 127.0.0.1) starts again.
  beforeEach(() => clock.advance(61 * MINUTE_MS));

  async function signInPage(browser: HttpSession) {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    return openAuthorization(browser, idp.issuer, await buildAuthorization(client));
  }

  /** A new link by mail (other mails to the address, like "your password was changed", are passed over). */
  async function freshLink(email: string): Promise<string> {
    const links = () => smtp.to(email).filter((mail) => mail.subject.startsWith('Reset your'));
    const before = links().length;
    await askForResetLink(new HttpSession(), idp.issuer, email);
    for (let waited = 0; waited < 5000 && links().length <= before; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return resetLinkIn(links()[before]!);
  }

  let accounts = 0;
  async function plainAccount(): Promise<string> {
    const email = `plain${(accounts += 1)}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    return email;
  }

  const expectRefusedPage = (page: { status: number; text: string }, code: keyof typeof ERRORS) => {
    expect(page.status).toBe(ERRORS[code].status);
    expect(errorCodeOf(page as Parameters<typeof errorCodeOf>[0])).toBe(code);
  };

  test('the journey: link by mail, new password, no session; the next sign-in still asks for the second factor', async () => {
    const { email, key, session: console } = await enrolledAccount(idp, clock, PASSWORD, 'journey');
    // A browser that trusted itself before the reset.
    const trusted = new HttpSession();
    clock.advance(STEP_MS);
    expect(isCallback(await submitCode(trusted, idp.issuer, await submitPassword(trusted, idp.issuer, await signInPage(trusted), email, PASSWORD), codeFor(key, clock), { trust: '1' }))).toBe(true);

    const browser = new HttpSession();
    const login = await signInPage(browser);
    const forgot = /id="forgot-password" href="([^"]+)"/.exec(login.text)?.[1];
    expect(forgot).toBe('/account/password/forgot');
    const form = await browser.get(`${idp.issuer}${forgot}`);
    expect(form.text).toContain('autocomplete="username"');
    expect(form.text).toMatch(/<label for="email">Email<\/label>/);

    const { posted, page } = await askForResetLink(browser, idp.issuer, ` ${email.toUpperCase()} `);
    expect(posted.status).toBe(303);
    expect(page.text).toContain('If an account uses that address');
    const link = resetLinkIn(await smtp.waitForSubject(email, 'Reset your'));
    const token = new URL(link).searchParams.get('token')!;
    expect(token).toMatch(/^[\w-]{43}$/);
    // The store keeps the token's HMAC, not the token.
    expect(await store.passwordResets.find(token)).toBeUndefined();

    const reset = await resetPassword(browser, idp.issuer, link, NEW_PASSWORD);
    expect(reset.form.text).toContain('autocomplete="new-password"');
    expect(reset.form.text).toContain(`value="${email}"`);
    expect(reset.posted!.status).toBe(303);
    // No session, no sign-in: the reset sets no cookie at all.
    expect(reset.posted!.headers.getSetCookie()).toEqual([]);
    expect(reset.page.text).toContain('Your password was changed');

    // Told by mail.
    const told = await smtp.waitForSubject(email, 'Your Example ID password was changed');
    expect(told.text).toContain('Your second step is still asked for.');
    expect(told.raw).not.toContain(NEW_PASSWORD);

    // The old password fails; the new one still meets the second factor.
    const stranger = new HttpSession();
    expect((await submitPassword(stranger, idp.issuer, await signInPage(stranger), email, PASSWORD)).status).toBe(400);
    const challenge = await submitPassword(browser, idp.issuer, await signInPage(browser), email, NEW_PASSWORD);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    clock.advance(STEP_MS);
    expect(isCallback(await submitCode(browser, idp.issuer, challenge, codeFor(key, clock)))).toBe(true);

    // The trusted browser is asked for a code again, and the Security page's session is over.
    expect((await submitPassword(trusted, idp.issuer, await signInPage(trusted), email, NEW_PASSWORD)).text).toContain('autocomplete="one-time-code"');
    const security = await console.follow(await console.get(`${idp.issuer}/account/security`), idp.issuer);
    expect(security.text).toContain('autocomplete="current-password"');
  });

  test('a link works once: a second use (another tab, Back) is refused and changes nothing', async () => {
    const email = await plainAccount();
    const link = await freshLink(email);
    const tabA = new HttpSession();
    const tabB = new HttpSession();
    const formB = await tabB.get(link);
    expect((await resetPassword(tabA, idp.issuer, link, NEW_PASSWORD)).page.status).toBe(200);
    const again = await tabB.submitForm(`${idp.issuer}/account/password/reset`, {
      csrf: hiddenField(formB.text, 'csrf'), token: hiddenField(formB.text, 'token'), password: 'yet another long password', confirm: 'yet another long password',
    });
    expectRefusedPage(again, 'RESET_LINK_INVALID');
    expect(await idp.directory.authenticate(email, NEW_PASSWORD)).toBeDefined();
    expectRefusedPage(await tabA.get(link), 'RESET_LINK_INVALID');
  });

  test('ten tabs sending the same link at once: one new password takes, the others are told the link is used', async () => {
    const email = await plainAccount();
    const link = await freshLink(email);
    const tabs = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const tab = new HttpSession();
      const form = await tab.get(link);
      return { tab, password: `tab ${i} chose this new password`, fields: { csrf: hiddenField(form.text, 'csrf'), token: hiddenField(form.text, 'token') } };
    }));
    const answers = await Promise.all(tabs.map(({ tab, password, fields }) => tab.postForm(`${idp.issuer}/account/password/reset`, { ...fields, password, confirm: password })));
    const won = answers.flatMap((answer, i) => (answer.location?.endsWith('/account/password/reset/done') ? [i] : []));
    expect(won).toHaveLength(1);
    expect(await idp.directory.authenticate(email, tabs[won[0]!]!.password)).toBeDefined();
    for (const [i, answer] of answers.entries()) {
      if (i !== won[0]) expectRefusedPage(await tabs[i]!.tab.follow(answer, idp.issuer), 'RESET_LINK_INVALID');
    }
  });

  test('two different links of one account sent at once: one new password takes, the other link is dead', async () => {
    const email = await plainAccount();
    const links = [await freshLink(email), await freshLink(email)];
    const tabs = await Promise.all(links.map(async (link, i) => {
      const tab = new HttpSession();
      const form = await tab.get(link);
      const password = `link ${i} chose this new password`;
      return { tab, password, fields: { csrf: hiddenField(form.text, 'csrf'), token: hiddenField(form.text, 'token'), password, confirm: password } };
    }));
    const answers = await Promise.all(tabs.map(({ tab, fields }) => tab.postForm(`${idp.issuer}/account/password/reset`, fields)));
    const won = answers.flatMap((answer, i) => (answer.location?.endsWith('/account/password/reset/done') ? [i] : []));
    expect(won).toHaveLength(1);
    expect(await idp.directory.authenticate(email, tabs[won[0]!]!.password)).toBeDefined();
    expect(await idp.directory.authenticate(email, tabs[1 - won[0]!]!.password)).toBeUndefined();
    expectRefusedPage(await new HttpSession().get(links[1 - won[0]!]!), 'RESET_LINK_INVALID');
  });

  test('a link lasts 30 minutes, by the clock', async () => {
    const email = await plainAccount();
    const link = await freshLink(email);
    clock.advance(30 * MINUTE_MS - 1000);
    expect((await new HttpSession().get(link)).status).toBe(200);
    clock.advance(1000);
    expectRefusedPage(await new HttpSession().get(link), 'RESET_LINK_INVALID');
    expect((await resetPassword(new HttpSession(), idp.issuer, link, NEW_PASSWORD)).page.status).toBe(400);
    expect(await idp.directory.authenticate(email, PASSWORD)).toBeDefined();
  });

  test("another account's link: its form cannot carry my token, and my link resets only me", async () => {
    const alice = await plainAccount();
    const bob = await plainAccount();
    const aliceLink = await freshLink(alice);
    const bobLink = await freshLink(bob);
    const browser = new HttpSession();
    const aliceForm = await browser.get(aliceLink);
    // Alice's form (its CSRF token is bound to her link) with Bob's token: refused.
    const mixed = await browser.postForm(`${idp.issuer}/account/password/reset`, {
      csrf: hiddenField(aliceForm.text, 'csrf'), token: new URL(bobLink).searchParams.get('token')!, password: NEW_PASSWORD, confirm: NEW_PASSWORD,
    });
    expectRefusedPage(mixed, 'CSRF_FAILED');
    expect(await idp.directory.authenticate(bob, PASSWORD)).toBeDefined();
    // Bob's own link changes Bob's password, never Alice's.
    await resetPassword(browser, idp.issuer, bobLink, NEW_PASSWORD);
    expect(await idp.directory.authenticate(bob, NEW_PASSWORD)).toBeDefined();
    expect(await idp.directory.authenticate(alice, PASSWORD)).toBeDefined();
    expect((await browser.get(aliceLink)).status).toBe(200);
  });

  test('a link after a second reset, and after the password changed another way, is dead', async () => {
    const email = await plainAccount();
    const first = await freshLink(email);
    const second = await freshLink(email);
    const unused = await freshLink(email);
    await resetPassword(new HttpSession(), idp.issuer, second, NEW_PASSWORD);
    expectRefusedPage(await new HttpSession().get(first), 'RESET_LINK_INVALID');
    expectRefusedPage(await new HttpSession().get(unused), 'RESET_LINK_INVALID');

    clock.advance(61 * MINUTE_MS);
    const later = await freshLink(email);
    await idp.directory.setPassword(email, 'changed by support, long enough');
    expectRefusedPage(await new HttpSession().get(later), 'RESET_LINK_INVALID');
    expect((await resetPassword(new HttpSession(), idp.issuer, later, NEW_PASSWORD)).page.status).toBe(400);
    expect(await idp.directory.authenticate(email, 'changed by support, long enough')).toBeDefined();
  });

  test('a link asked for right after a reset works right away (the reset lets go of its claim once the other links are dead)', async () => {
    const email = await plainAccount();
    const first = await resetPassword(new HttpSession(), idp.issuer, await freshLink(email), NEW_PASSWORD);
    expect(first.page.url).toBe(`${idp.issuer}/account/password/reset/done`);
    const again = await resetPassword(new HttpSession(), idp.issuer, await freshLink(email), 'and once more, a new password');
    expect(again.page.url).toBe(`${idp.issuer}/account/password/reset/done`);
    expect(await idp.directory.authenticate(email, 'and once more, a new password')).toBeDefined();
  });

  test('no enumeration: a known and an unknown address get the same answer, and only the known one a mail', async () => {
    const known = await plainAccount();
    const answers = await Promise.all([known, 'nobody-here@example.com'].map(async (email) => {
      const { posted, page } = await askForResetLink(new HttpSession(), idp.issuer, email);
      return { status: posted.status, location: posted.location, page: page.text.replace(/value="[^"]*"/g, '') };
    }));
    expect(answers[0]).toEqual(answers[1]);
    await smtp.waitFor(known);
    expect(smtp.to('nobody-here@example.com')).toHaveLength(0);
  });

  test('limits: three links an hour per account (then the same answer, no mail), and the per-IP cap', async () => {
    const email = await plainAccount();
    for (let i = 0; i < 5; i += 1) {
      const { posted } = await askForResetLink(new HttpSession(), idp.issuer, email);
      expect(posted.location).toBe(`${idp.issuer}/account/password/forgot/sent`);
    }
    await smtp.waitFor(email, 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.to(email)).toHaveLength(3);

    clock.advance(61 * MINUTE_MS);
    for (let i = 0; i < 20; i += 1) await askForResetLink(new HttpSession(), idp.issuer, `someone${i}@example.com`);
    const { posted, page } = await askForResetLink(new HttpSession(), idp.issuer, email);
    expect(posted.location).toContain('problem=RESET_TOO_MANY');
    expect(page.status).toBe(429);
    expect(smtp.to(email)).toHaveLength(3);
  });

  test('a mail server that refuses the link: the same answer (nothing tells the account exists), the failure logged without the link', async () => {
    const email = await plainAccount();
    const account = (await idp.directory.findByEmail(email))!;
    smtp.refuseAll(true);
    try {
      const { posted, page } = await askForResetLink(new HttpSession(), idp.issuer, email);
      expect(posted.location).toBe(`${idp.issuer}/account/password/forgot/sent`);
      expect(page.status).toBe(200);
      const failed = () => log.lines.find((line) => line.event === 'mail.reset.failed' && line.fields.accountId === account.id);
      for (let waited = 0; waited < 5000 && !failed(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(failed()?.fields).toMatchObject({ errorName: 'MailSendError' });
      expect(JSON.stringify(failed())).not.toContain('token=');
    } finally {
      smtp.refuseAll(false);
    }
    expect(log.failures()).toEqual([]);
  });

  test('bad input: a clear 4xx, and the link still works', async () => {
    const empty = await askForResetLink(new HttpSession(), idp.issuer, '   ');
    expect(empty.posted.status).toBe(303);
    expect(empty.page.status).toBe(400);
    expect(empty.page.text).toContain(ERRORS.EMAIL_REQUIRED.message);

    const email = await plainAccount();
    const link = await freshLink(email);
    for (const [password, confirm, code] of [
      ['short', 'short', 'PASSWORD_TOO_SHORT'],
      ['password123', 'password123', 'PASSWORD_TOO_COMMON'],
      ['Password123 ', 'Password123 ', 'PASSWORD_TOO_COMMON'],
      [NEW_PASSWORD, `${NEW_PASSWORD}!`, 'PASSWORDS_DIFFERENT'],
    ] as const) {
      const { posted, page } = await resetPassword(new HttpSession(), idp.issuer, link, password, confirm);
      expect(posted!.status).toBe(303);
      expect(page.status).toBe(400);
      expect(page.text).toContain(`data-code="${code}"`);
    }
    expect(await idp.directory.authenticate(email, PASSWORD)).toBeDefined();
    expect((await resetPassword(new HttpSession(), idp.issuer, link, NEW_PASSWORD)).page.text).toContain('Your password was changed');

    expectRefusedPage(await new HttpSession().get(`${idp.issuer}/account/password/reset?token=not-a-token`), 'RESET_LINK_INVALID');
    const foreign = await new HttpSession().postForm(`${idp.issuer}/account/password/forgot`, { email }, { origin: 'https://evil.example' });
    expectRefusedPage(foreign, 'ORIGIN_REJECTED');
  });
});
