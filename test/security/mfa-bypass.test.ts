import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, enrolAuthenticator, enrolledAccount, openSecurityPage, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { STRICT_CLIENT, TEST_CLIENTS } from '../helpers/start-idp.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

const PASSWORD = 'a password for bypass tests';
const STEP_MS = 30_000;

describe.each(STORE_KINDS)('the MFA step cannot be skipped on %s', (kind) => {
  let n = 0;
  const { idp, clock, store } = useIdpWorld(kind, { clients: [...TEST_CLIENTS, STRICT_CLIENT] });

  const enrolled = () => enrolledAccount(idp, clock, PASSWORD, 'bypass');

  /** A fresh browser that got past the password and sits at the code page. */
  async function atChallenge(email: string, clientId = 'first-party-app'): Promise<{ session: HttpSession; challenge: HttpResponse }> {
    const session = new HttpSession();
    const client = await discoverClient(idp.issuer, clientId);
    const page = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
    const challenge = await submitPassword(session, idp.issuer, page, email, PASSWORD);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    return { session, challenge };
  }

  async function expectNoSession(session: HttpSession) {
    const other = await discoverClient(idp.issuer, 'third-party-app', 'third-party-app-secret-for-tests-only');
    const page = await openAuthorization(session, idp.issuer, await buildAuthorization(other));
    expect(page.text).toContain('autocomplete="current-password"');
    const console = await session.get(`${idp.issuer}/account/security`);
    expect(console.location).toContain('/account/sign-in');
  }

  test('after the password alone: the resume URL, the consent form, Next, and another app give no code and no session', async () => {
    const { email } = await enrolled();
    const { session, challenge } = await atChallenge(email);
    const uid = /\/interaction\/([\w-]+)/.exec(challenge.url)![1]!;
    const csrf = hiddenField(challenge.text, 'csrf');

    for (const step of ['consent', 'continue', 'enrol']) {
      const response = await session.postForm(`${idp.issuer}/interaction/${uid}/${step}`, { csrf, code: '123456' });
      expect(response.status).toBe(400);
      expect(response.text).toContain('WRONG_STEP');
    }

    // oidc-provider's resume endpoint has no result to resume with: it starts over, with no code.
    const resume = await session.follow(await session.get(`${idp.issuer}/auth/${uid}`), idp.issuer);
    expect(isCallback(resume)).toBe(false);
    expect(resume.location ?? '').not.toContain('code=');
    await expectNoSession(session);
  });

  test('a TOTP code works once: the same code in a second sign-in is refused', async () => {
    const { email, key } = await enrolled();
    clock.advance(STEP_MS);
    const code = codeFor(key, clock);
    const first = await atChallenge(email);
    expect(isCallback(await submitCode(first.session, idp.issuer, first.challenge, code))).toBe(true);
    const second = await atChallenge(email);
    const replay = await submitCode(second.session, idp.issuer, second.challenge, code);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('data-code="CODE_INVALID"');
    await expectNoSession(second.session);
  });

  test("another account's code is refused", async () => {
    const a = await enrolled();
    const b = await enrolled();
    clock.advance(STEP_MS);
    const { session, challenge } = await atChallenge(a.email);
    const wrong = await submitCode(session, idp.issuer, challenge, codeFor(b.key, clock));
    expect(wrong.text).toContain('data-code="CODE_INVALID"');
    await expectNoSession(session);
  });

  test('twenty parallel uses of one backup code: exactly one succeeds', async () => {
    const { email, backupCode } = await enrolled();
    // Twenty browsers at the backup-code form (their password steps one after another: parallel
    // password attempts on one account are themselves capped), then the code sent by all at once.
    const forms = [];
    for (let i = 0; i < 20; i += 1) {
      const { session, challenge } = await atChallenge(email);
      forms.push({ session, form: await session.get(new URL(/href="([^"]*\/backup-code)"/.exec(challenge.text)![1]!, idp.issuer).href) });
    }
    const results = await Promise.all(forms.map(({ session, form }) =>
      session.submitForm(formAction(form.text, '/backup-code', idp.issuer), { csrf: hiddenField(form.text, 'csrf'), code: backupCode })));
    expect(results.filter((r) => r.text.includes('id="backup-code"'))).toHaveLength(1);
    // The others are refused: a lost race, or a late arrival checked against the new code, counts
    // as a wrong code; enough of them pause the backup code, and the page then says so.
    const refusals = results.filter((r) => !r.text.includes('id="backup-code"')).map((r) => `${r.status} ${/data-code="([^"]*)"/.exec(r.text)?.[1]}`);
    expect(refusals).toHaveLength(19);
    for (const refusal of refusals) expect(['400 CODE_INVALID', '429 FACTOR_PAUSED']).toContain(refusal);
  });

  test('five wrong codes pause the factor: the page says so instead of asking again, and a right code posted anyway is not checked', async () => {
    const { email, key } = await enrolled();
    const { session, challenge } = await atChallenge(email);
    let page = challenge;
    for (let i = 0; i < 4; i += 1) page = await submitCode(session, idp.issuer, page, '000000');
    const lastForm = page;
    page = await submitCode(session, idp.issuer, page, '000000');
    expect(page.status).toBe(429);
    expect(page.text).toContain('data-code="FACTOR_PAUSED"');
    expect(page.text).not.toContain('/totp"');
    clock.advance(STEP_MS);
    // The form of a page from before the pause (another tab): the right code is refused, nothing signs in.
    const locked = await submitCode(session, idp.issuer, lastForm, codeFor(key, clock));
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('data-code="FACTOR_PAUSED"');
    await expectNoSession(session);
    clock.advance(61_000);
    const again = await session.get(page.url);
    expect(again.status).toBe(200);
    expect(isCallback(await submitCode(session, idp.issuer, again, codeFor(key, clock)))).toBe(true);
  });

  test('enrolment during sign-in never replaces an authenticator its owner set up meanwhile', async () => {
    const email = `race${(n += 1)}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    // An attacker with the password reaches the enrolment page of a require_mfa app...
    const attacker = new HttpSession();
    const client = await discoverClient(idp.issuer, 'strict-app');
    const enrolPage = await submitPassword(attacker, idp.issuer, await openAuthorization(attacker, idp.issuer, await buildAuthorization(client)), email, PASSWORD);
    const attackerKey = /id="totp-key">([^<]*)</.exec(enrolPage.text)![1]!;
    // ...meanwhile the owner turns MFA on from the Security page.
    const owner = new HttpSession();
    await openSecurityPage(owner, idp.issuer, { email, password: PASSWORD });
    const { key: ownerKey } = await enrolAuthenticator(owner, idp.issuer, clock);
    const before = await store.mfa.get((await idp.directory.findByEmail(email))!.id);
    // The attacker's own code is refused, and the owner's factor is untouched.
    const attempt = await attacker.postForm(formAction(enrolPage.text, '/enrol', idp.issuer), { csrf: hiddenField(enrolPage.text, 'csrf'), code: codeFor(attackerKey, clock) });
    expect(attempt.status).toBe(400);
    expect(attempt.text).toContain('WRONG_STEP');
    expect(await store.mfa.get(before!.accountId)).toEqual(before);
    // Their page now asks for the owner's code, which they do not have.
    const challenge = await attacker.get(`${idp.issuer}/interaction/${/\/interaction\/([\w-]+)/.exec(enrolPage.url)![1]}`);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    void ownerKey;
  });

  test('an unknown HTTP method is a 405 page, not a 500', async () => {
    for (const path of ['/interaction/anything/login', '/account/security']) {
      const response = await fetch(`${idp.issuer}${path}`, { method: 'PROPFIND', headers: { accept: 'text/html' } });
      expect(response.status).toBe(405);
      expect(await response.text()).toContain('METHOD_NOT_ALLOWED');
    }
  });

  test('setting up MFA needs a session, the CSRF token, our origin and a recent sign-in', async () => {
    const email = `setup${(n += 1)}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    const session = new HttpSession();
    await openSecurityPage(session, idp.issuer, { email, password: PASSWORD });
    const choose = await session.get(`${idp.issuer}/account/security/setup`);
    const csrf = hiddenField(choose.text, 'csrf');
    const url = `${idp.issuer}/account/security/setup`;

    expect((await new HttpSession().postForm(url, { csrf, method: 'totp' })).status).toBe(401);
    expect((await session.postForm(url, { csrf: 'forged', method: 'totp' })).status).toBe(403);
    expect((await session.postForm(url, { method: 'totp' })).status).toBe(403);
    expect((await session.postForm(url, { csrf, method: 'totp' }, { origin: 'https://evil.example' })).status).toBe(403);

    clock.advance(10 * 60_000);
    const stale = await session.postForm(url, { csrf, method: 'totp' });
    expect(stale.status).toBe(403);
    expect(stale.text).toContain('REAUTH_REQUIRED');
    const page = await session.get(url);
    expect(page.location).toContain('/account/sign-in?next=%2Faccount%2Fsecurity%2Fsetup&fresh=1');
    expect((await store.mfa.get((await idp.directory.findByEmail(email))!.id))).toBeUndefined();
  });
});
