import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, plainAccount, signedInConsole, smsAccount, STEP_MS, totpAccount } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode, textOf } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { trustCookieName } from '../../src/trusted-device/trust-cookie.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { appOf } from '../helpers/mfa-records.ts';

/**
 * State confusion across accounts within one sign-in (issue 9 §1): everything kept for an
 * unfinished sign-in — who passed the password, the text code and the number it went to, the
 * factor passed, the enrolment in progress, "Trust this device" — serves only the account it was
 * made for. An attacker holding account A (and its factor) and victim B's password must never
 * finish B's sign-in with A's factor, in one interaction, across two tabs, or on the Security page.
 */
describe.each(STORE_KINDS)('state confusion across accounts within one sign-in on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig(), clients: ABUSE_CLIENTS, log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const outbox = () => w.idp.config.sms.outboxFile!;
  const passedEvents = (accountId: string) => log.lines.filter((line) => line.event === 'mfa.challenge.passed' && line.fields.accountId === accountId);

  /** A browser at the sign-in page of a new interaction, with what it takes to finish it. */
  async function startSignIn(clientId = 'first-party-app', session = new HttpSession()) {
    const client = await discoverClient(w.idp.issuer, clientId);
    const authorization = await buildAuthorization(client);
    const login = await openAuthorization(session, w.idp.issuer, authorization);
    expect(login.text).toContain('autocomplete="current-password"');
    return { session, client, authorization, login };
  }

  /** The same interaction's sign-in form posted again (the Back button, or a crafted request) with another password. */
  function postPasswordAgain(session: HttpSession, login: HttpResponse, email: string): Promise<HttpResponse> {
    return session.postForm(formAction(login.text, '/login', w.idp.issuer), { csrf: hiddenField(login.text, 'csrf'), email, password: ABUSE_PASSWORD });
  }

  /** The `sub` of the ID token the relying app gets from this callback. */
  async function subjectOfCallback(flow: Awaited<ReturnType<typeof startSignIn>>, callback: HttpResponse): Promise<string> {
    expect(isCallback(callback)).toBe(true);
    const tokens = await redeemCode(flow.client, callback, flow.authorization);
    return tokens.claims()!.sub;
  }

  test("text: once A's password passed, B's password in the same interaction is refused, and A's code finishes only A's sign-in", async () => {
    const attacker = await smsAccount(w, 'attacker');
    const victim = await smsAccount(w, 'victim');
    const flow = await startSignIn();
    const challenge = await submitPassword(flow.session, w.idp.issuer, flow.login, attacker.email, ABUSE_PASSWORD);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    const textsToVictim = readOutbox(outbox()).filter((m) => m.to === victim.phone).length;

    const refused = await postPasswordAgain(flow.session, flow.login, victim.email);
    expectRefused(refused, 'SIGN_IN_UNDER_WAY');
    expect(readOutbox(outbox()).filter((m) => m.to === victim.phone)).toHaveLength(textsToVictim);
    // The refusal offers the way on: this sign-in's current step, still A's.
    const wayOn = /<a\b[^>]*\bhref="([^"]+)"[^>]*>Continue this sign-in<\/a>/.exec(refused.text)?.[1];
    expect(wayOn).toBe(`/interaction/${uidOf(challenge.url)}`);
    expect((await flow.session.get(`${w.idp.issuer}${wayOn}`)).text).toContain('autocomplete="one-time-code"');

    const done = await flow.session.follow(await flow.session.postForm(formAction(challenge.text, '/sms', w.idp.issuer), {
      csrf: hiddenField(challenge.text, 'csrf'),
      code: latestCode(outbox(), attacker.phone),
      trust: '1',
    }), w.idp.issuer);
    expect(await subjectOfCallback(flow, done)).toBe(attacker.id);
    expect(passedEvents(victim.id)).toEqual([]);
  });

  test("app: B's authenticator is not needed to be refused — A's text code never reaches B, whatever B's method", async () => {
    const attacker = await smsAccount(w, 'attacker');
    const victim = await totpAccount(w, 'victim');
    const flow = await startSignIn();
    const challenge = await submitPassword(flow.session, w.idp.issuer, flow.login, attacker.email, ABUSE_PASSWORD);
    expectRefused(await postPasswordAgain(flow.session, flow.login, victim.email), 'SIGN_IN_UNDER_WAY');

    // The page still belongs to A: it asks for A's text code, not for B's app.
    const page = await flow.session.get(`${w.idp.issuer}/interaction/${uidOf(challenge.url)}`);
    expect(page.text).toContain('action="/interaction/' + uidOf(challenge.url) + '/sms"');
    expect(passedEvents(victim.id)).toEqual([]);
  });

  test('each factor route refuses a subject without that factor, and audit never records a method that was not passed', async () => {
    const appUser = await totpAccount(w, 'app');
    const textUser = await smsAccount(w, 'text');

    const appFlow = await startSignIn();
    const appChallenge = await submitPassword(appFlow.session, w.idp.issuer, appFlow.login, appUser.email, ABUSE_PASSWORD);
    const appCsrf = hiddenField(appChallenge.text, 'csrf');
    const base = `${w.idp.issuer}/interaction/${uidOf(appChallenge.url)}`;
    const textsBefore = readOutbox(outbox()).length;
    expectRefused(await appFlow.session.postForm(`${base}/sms/send`, { csrf: appCsrf }), 'WRONG_STEP');
    expectRefused(await appFlow.session.postForm(`${base}/sms`, { csrf: appCsrf, code: '123456' }), 'WRONG_STEP');
    expect(readOutbox(outbox())).toHaveLength(textsBefore);

    const textFlow = await startSignIn();
    const textChallenge = await submitPassword(textFlow.session, w.idp.issuer, textFlow.login, textUser.email, ABUSE_PASSWORD);
    clock.advance(STEP_MS);
    // A's own app code, posted to B's interaction's app route: B has no app.
    expectRefused(await textFlow.session.postForm(`${w.idp.issuer}/interaction/${uidOf(textChallenge.url)}/totp`, {
      csrf: hiddenField(textChallenge.text, 'csrf'),
      code: codeFor(appUser.key, clock),
    }), 'WRONG_STEP');

    const wrongMethod = log.lines.filter((line) => line.event.startsWith('mfa.challenge')
      && ((line.fields.accountId === appUser.id && (line.fields.details as { method?: string } | undefined)?.method === 'sms')
        || (line.fields.accountId === textUser.id && (line.fields.details as { method?: string } | undefined)?.method === 'totp')));
    expect(wrongMethod).toEqual([]);
  });

  test("two passwords racing in one interaction: the subject kept is one of them, and only that account's own code finishes the sign-in, as that account", async () => {
    const attacker = await totpAccount(w, 'attacker');
    const victim = await totpAccount(w, 'victim');
    for (let round = 0; round < 5; round += 1) {
      const flow = await startSignIn();
      const answers = await Promise.all([attacker, victim].map((account) => postPasswordAgain(flow.session, flow.login, account.email)));
      // Each answer leads on to the code page, or refuses the later password; never anything else.
      for (const answer of answers) {
        if (answer.status === 303) expect(answer.location).toBe(`${w.idp.issuer}/interaction/${uidOf(flow.login.url)}`);
        else expectRefused(answer, 'SIGN_IN_UNDER_WAY');
      }
      const challenge = await flow.session.get(`${w.idp.issuer}/interaction/${uidOf(flow.login.url)}`);
      expect(challenge.text).toContain('autocomplete="one-time-code"');

      clock.advance(STEP_MS);
      // The attacker's own code first: it finishes the sign-in only if the attacker is the subject kept, and then as the attacker.
      const withAttackerCode = await flow.session.submitForm(formAction(challenge.text, '/totp', w.idp.issuer), { csrf: hiddenField(challenge.text, 'csrf'), code: codeFor(attacker.key, clock) });
      if (isCallback(withAttackerCode)) {
        expect(await subjectOfCallback(flow, withAttackerCode)).toBe(attacker.id);
        continue;
      }
      expectRefused(withAttackerCode, 'CODE_INVALID');
      const withVictimCode = await flow.session.submitForm(formAction(withAttackerCode.text, '/totp', w.idp.issuer), { csrf: hiddenField(withAttackerCode.text, 'csrf'), code: codeFor(victim.key, clock) });
      expect(await subjectOfCallback(flow, withVictimCode)).toBe(victim.id);
    }
  });

  test("two tabs: A's code from one interaction does not finish B's sign-in in another", async () => {
    const attacker = await smsAccount(w, 'attacker');
    const victim = await smsAccount(w, 'victim');
    const browser = new HttpSession();
    const tabA = await startSignIn('first-party-app', browser);
    await submitPassword(browser, w.idp.issuer, tabA.login, attacker.email, ABUSE_PASSWORD);
    const tabB = await startSignIn('first-party-app', browser);
    const challengeB = await submitPassword(browser, w.idp.issuer, tabB.login, victim.email, ABUSE_PASSWORD);
    expect(uidOf(challengeB.url)).not.toBe(uidOf(tabA.login.url));

    const answer = await browser.submitForm(formAction(challengeB.text, '/sms', w.idp.issuer), { csrf: hiddenField(challengeB.text, 'csrf'), code: latestCode(outbox(), attacker.phone) });
    expectRefused(answer, 'CODE_INVALID');
    expect(passedEvents(victim.id)).toEqual([]);
  });

  test("backup code: A's spent code and its Next serve A's sign-in only, and a later password cannot take them over", async () => {
    const attacker = await totpAccount(w, 'attacker');
    const victim = await totpAccount(w, 'victim');
    const flow = await startSignIn();
    const challenge = await submitPassword(flow.session, w.idp.issuer, flow.login, attacker.email, ABUSE_PASSWORD);
    const base = `${w.idp.issuer}/interaction/${uidOf(challenge.url)}`;
    const form = await flow.session.get(`${base}/backup-code`);
    const newCode = await flow.session.submitForm(formAction(form.text, '/backup-code', w.idp.issuer), { csrf: hiddenField(form.text, 'csrf'), code: attacker.backupCode, trust: '1' });
    expect(newCode.text).toContain('id="backup-code"');

    expectRefused(await postPasswordAgain(flow.session, flow.login, victim.email), 'SIGN_IN_UNDER_WAY');
    const done = await flow.session.follow(await flow.session.postForm(`${base}/continue`, { csrf: hiddenField(newCode.text, 'csrf') }), w.idp.issuer);
    expect(await subjectOfCallback(flow, done)).toBe(attacker.id);

    // The trusted device made there is A's: in a browser holding only that cookie, A skips the code and B does not.
    const trustCookie = [...flow.session.cookies.values()].find((cookie) => cookie.name === trustCookieName(false));
    expect(trustCookie).toBeDefined();
    const withTrustOnly = () => {
      const browser = new HttpSession();
      browser.cookies.set(`${trustCookie!.name};/`, trustCookie!);
      return browser;
    };
    const forA = await startSignIn('first-party-app', withTrustOnly());
    expect(isCallback(await submitPassword(forA.session, w.idp.issuer, forA.login, attacker.email, ABUSE_PASSWORD))).toBe(true);
    const forB = await startSignIn('first-party-app', withTrustOnly());
    const victimPage = await submitPassword(forB.session, w.idp.issuer, forB.login, victim.email, ABUSE_PASSWORD);
    expect(victimPage.text).toContain('autocomplete="one-time-code"');
  });

  test("enrolment at sign-in: the secret shown to A can never be bound to B, and two passwords in a require_mfa sign-in answer no 500", async () => {
    const attacker = await plainAccount(w, 'attacker');
    const victim = await plainAccount(w, 'victim');
    const flow = await startSignIn('strict-app');
    const enrol = await submitPassword(flow.session, w.idp.issuer, flow.login, attacker.email, ABUSE_PASSWORD);
    const key = textOf(enrol.text, 'totp-key');

    expectRefused(await postPasswordAgain(flow.session, flow.login, victim.email), 'SIGN_IN_UNDER_WAY');
    const page = await flow.session.get(`${w.idp.issuer}/interaction/${uidOf(enrol.url)}`);
    expect(page.status).toBe(200);
    expect(textOf(page.text, 'totp-key')).toBe(key);

    const confirmed = await flow.session.submitForm(formAction(enrol.text, '/enrol', w.idp.issuer), { csrf: hiddenField(enrol.text, 'csrf'), code: codeFor(key, clock) });
    expect(confirmed.text).toContain('id="backup-code"');
    expect(appOf(await w.store.mfa.get(victim.id))).toBeNull();
    expect(appOf(await w.store.mfa.get(attacker.id))).toBeTruthy();
  });

  test("the Security page's re-sign-in: B's password after A's is refused, so A's code never opens B's Security page", async () => {
    const attacker = await smsAccount(w, 'attacker');
    const victim = await totpAccount(w, 'victim');
    const browser = new HttpSession();
    const login = await browser.follow(await browser.get(`${w.idp.issuer}/account/security`), w.idp.issuer);
    expect(login.text).toContain('autocomplete="current-password"');
    const challenge = await submitPassword(browser, w.idp.issuer, login, attacker.email, ABUSE_PASSWORD);
    expectRefused(await postPasswordAgain(browser, login, victim.email), 'SIGN_IN_UNDER_WAY');

    const security = await browser.follow(await browser.postForm(formAction(challenge.text, '/sms', w.idp.issuer), {
      csrf: hiddenField(challenge.text, 'csrf'),
      code: latestCode(outbox(), attacker.phone),
    }), w.idp.issuer);
    expect(security.url).toMatch(/\/account\/security$/);
    expect(security.text).toContain(attacker.email);
    expect(security.text).not.toContain(victim.email);
    // B's own console still works with B's own factor only.
    await signedInConsole(w, victim);
  });
});
