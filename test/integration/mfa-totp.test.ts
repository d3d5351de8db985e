import { ACR, AMR } from '../../src/oidc/acr.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, enrolledAccount as enrolAccount, submitCode, textOf, useBackupCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { startIdp, STRICT_CLIENT, TEST_CLIENTS } from '../helpers/start-idp.ts';
import { openTestStore, STORE_KINDS } from '../helpers/test-stores.ts';

const PASSWORD = 'a password for mfa tests';
const STEP_MS = 30_000;

describe.each(STORE_KINDS)('MFA with an authenticator app and the backup code on %s', (kind) => {
  let n = 0;
  const { idp, clock } = useIdpWorld(kind, { fakeTimeIn: 'provider', clients: [...TEST_CLIENTS, STRICT_CLIENT] });

  /** A new account, signed in on the Security page, with the authenticator app set up. */
  async function enrolledAccount() {
    const account = await enrolAccount(idp, clock, PASSWORD);
    expect(textOf(account.security.text, 'mfa-heading')).toBe('2-step verification');
    return account;
  }

  async function startSignIn(clientId = 'first-party-app', extra: Record<string, string> = {}, session = new HttpSession()) {
    const client = await discoverClient(idp.issuer, clientId);
    const authorization = await buildAuthorization(client, extra);
    const page = await openAuthorization(session, idp.issuer, authorization);
    return { client, authorization, page, session };
  }

  test('enrol from the Security page, then sign in with password + code: amr otp, acr mfa', async () => {
    const { email, key, backupCode, page } = await enrolledAccount();
    expect(key).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/);
    expect(backupCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(page.text).toContain('data-copy-target="backup-code"');

    clock.advance(STEP_MS);
    const { client, authorization, page: loginPage, session } = await startSignIn();
    const challenge = await submitPassword(session, idp.issuer, loginPage, email, PASSWORD);
    expect(challenge.status).toBe(200);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    expect(challenge.text).toContain('inputmode="numeric"');
    expect(challenge.text).toContain('Use backup code');

    const callback = await submitCode(session, idp.issuer, challenge, codeFor(key, clock));
    expect(isCallback(callback)).toBe(true);
    const claims = (await redeemCode(client, callback, authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.totp]);
    expect(claims.acr).toBe(ACR.mfa);
  });

  test('a wrong code is refused with the generic message and signs nobody in', async () => {
    const { email } = await enrolledAccount();
    clock.advance(STEP_MS);
    const { page, session } = await startSignIn();
    const challenge = await submitPassword(session, idp.issuer, page, email, PASSWORD);
    const wrong = await submitCode(session, idp.issuer, challenge, '000000');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('data-code="CODE_INVALID"');
    const again = await startSignIn('first-party-app', {}, session);
    expect(again.page.text).toContain('autocomplete="current-password"');
  });

  test('the backup code signs in once, shows a new one once, and the old one is then refused', async () => {
    const { email, backupCode } = await enrolledAccount();
    const first = await startSignIn();
    const challenge = await submitPassword(first.session, idp.issuer, first.page, email, PASSWORD);
    const used = await useBackupCode(first.session, idp.issuer, challenge, backupCode.toLowerCase());
    expect(used.newCode).toBeDefined();
    expect(used.newCode).not.toBe(backupCode);
    expect(isCallback(used.next!)).toBe(true);
    const claims = (await redeemCode(first.client, used.next!, first.authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.backupCode]);
    expect(claims.acr).toBe(ACR.mfa);

    const second = await startSignIn();
    const challenge2 = await submitPassword(second.session, idp.issuer, second.page, email, PASSWORD);
    const refused = await useBackupCode(second.session, idp.issuer, challenge2, backupCode);
    expect(refused.newCode).toBeUndefined();
    expect(refused.page.status).toBe(400);
    expect(refused.page.text).toContain('data-code="CODE_INVALID"');
    const accepted = await useBackupCode(second.session, idp.issuer, challenge2, used.newCode!);
    expect(accepted.newCode).toBeDefined();
  });

  test('Security → Backup code → Generate a new code: the old one stops working', async () => {
    const { email, session, backupCode, key, csrf } = await enrolledAccount();
    // MFA is now on, and this session began with the password alone: a direct POST is refused...
    const stale = await session.get(`${idp.issuer}/account/security/backup-code`);
    const refused = await session.postForm(`${idp.issuer}/account/security/backup-code`, { csrf });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('REAUTH_REQUIRED');
    // ...and the page offers re-authentication: the password and a code, then back here.
    clock.advance(STEP_MS);
    const reauth = await session.follow(await session.get(`${idp.issuer}${/id="reauth" href="([^"]*)"/.exec(stale.text)![1]!.replaceAll('&amp;', '&')}`), idp.issuer);
    const reauthChallenge = await submitPassword(session, idp.issuer, reauth, email, PASSWORD);
    const manage = await submitCode(session, idp.issuer, reauthChallenge, codeFor(key, clock));
    expect(manage.url).toBe(`${idp.issuer}/account/security/backup-code`);
    expect(manage.text).toContain('Generate a new code');
    const generated = await session.submitForm(`${idp.issuer}/account/security/backup-code`, { csrf: hiddenField(manage.text, 'csrf') });
    expect(generated.status).toBe(200);
    const fresh = textOf(generated.text, 'backup-code');
    expect(fresh).not.toBe(backupCode);

    const attempt = await startSignIn();
    const challenge = await submitPassword(attempt.session, idp.issuer, attempt.page, email, PASSWORD);
    expect((await useBackupCode(attempt.session, idp.issuer, challenge, backupCode)).newCode).toBeUndefined();
    expect((await useBackupCode(attempt.session, idp.issuer, challenge, fresh)).newCode).toBeDefined();
  });

  test('step-up: a password-only session from before enrolment is challenged; so are acr_values and max_age', async () => {
    const { email, session, key } = await enrolledAccount();
    // This browser's session began with the password alone (before MFA was on): an app now gets the challenge.
    clock.advance(STEP_MS);
    const stepUp = await startSignIn('first-party-app', {}, session);
    expect(stepUp.page.text).toContain('autocomplete="one-time-code"');
    const done = await submitCode(session, idp.issuer, stepUp.page, codeFor(key, clock));
    const claims = (await redeemCode(stepUp.client, done, stepUp.authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.totp]);

    // Now multi-factor: no challenge, even with acr_values asking for it (PAPE synonym too).
    const pape = await startSignIn('first-party-app', { acr_values: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor' }, session);
    expect(isCallback(pape.page)).toBe(true);

    // max_age=0: the password and a new code again.
    clock.advance(STEP_MS);
    const fresh = await startSignIn('first-party-app', { max_age: '0' }, session);
    expect(fresh.page.text).toContain('autocomplete="current-password"');
    const challenge = await submitPassword(session, idp.issuer, fresh.page, email, PASSWORD);
    const back = await submitCode(session, idp.issuer, challenge, codeFor(key, clock));
    const freshClaims = (await redeemCode(fresh.client, back, fresh.authorization)).claims()!;
    // auth_time is whole seconds of oidc-provider's own clock: the same second is possible.
    expect(freshClaims.auth_time).toBeGreaterThanOrEqual(claims.auth_time!);
    expect(freshClaims.amr).toEqual([...AMR.totp]);
  });

  test('acr_values asking for MFA on an account without it: password again, then enrolment, then the app', async () => {
    const email = `stepup${(n += 1)}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    const plain = await startSignIn();
    const signedIn = await submitPassword(plain.session, idp.issuer, plain.page, email, PASSWORD);
    expect(isCallback(signedIn)).toBe(true);

    const stepUp = await startSignIn('first-party-app', { acr_values: ACR.mfa }, plain.session);
    expect(stepUp.page.text).toContain('autocomplete="current-password"');
    const enrol = await submitPassword(plain.session, idp.issuer, stepUp.page, email, PASSWORD);
    expect(enrol.text).toContain('id="totp-key"');
  });

  test('a require_mfa app takes an account without MFA through enrolment during sign-in', async () => {
    const email = `strict${(n += 1)}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    const { client, authorization, page, session } = await startSignIn('strict-app');
    const enrol = await submitPassword(session, idp.issuer, page, email, PASSWORD);
    expect(enrol.status).toBe(200);
    const key = textOf(enrol.text, 'totp-key');
    const shown = await session.submitForm(formAction(enrol.text, '/enrol', idp.issuer), { csrf: hiddenField(enrol.text, 'csrf'), code: codeFor(key, clock) });
    expect(textOf(shown.text, 'backup-code')).toMatch(/-/);
    const callback = await session.follow(await session.postForm(formAction(shown.text, '/continue', idp.issuer), { csrf: hiddenField(shown.text, 'csrf') }), idp.issuer);
    expect(isCallback(callback)).toBe(true);
    expect((await redeemCode(client, callback, authorization)).claims()?.amr).toEqual([...AMR.totp]);
  });
});

describe('mfa.enforcement=required', () => {
  test('an account without MFA is taken through enrolment before consent', async () => {
    const clock = createFakeClock(Date.now());
    const testStore = await openTestStore('sqlite');
    const idp = await startIdp({ store: testStore.store, clock, config: { mfa: { ...(await import('../../src/plugin/create-mfa.ts')).DEFAULT_MFA_SETTINGS, enforcement: 'required' } } });
    try {
      await idp.directory.add({ email: 'required@example.com', password: PASSWORD });
      const client = await discoverClient(idp.issuer, 'third-party-app', 'third-party-app-secret-for-tests-only');
      const session = new HttpSession();
      const authorization = await buildAuthorization(client);
      const page = await openAuthorization(session, idp.issuer, authorization);
      const enrol = await submitPassword(session, idp.issuer, page, 'required@example.com', PASSWORD);
      expect(enrol.text).toContain('id="totp-key"');
      const shown = await session.submitForm(formAction(enrol.text, '/enrol', idp.issuer), { csrf: hiddenField(enrol.text, 'csrf'), code: codeFor(textOf(enrol.text, 'totp-key'), clock) });
      const consent = await session.follow(await session.postForm(formAction(shown.text, '/continue', idp.issuer), { csrf: hiddenField(shown.text, 'csrf') }), idp.issuer);
      expect(consent.text).toContain('Allow access?');
    } finally {
      await idp.close();
      await testStore.dispose();
    }
  });
});
