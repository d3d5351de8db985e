import { ACR, AMR } from '../../../src/oidc/acr.ts';
import { expectRefused, uidOf } from '../../helpers/abuse.ts';
import { ABUSE_PASSWORD, signedInConsole, STEP_MS, totpAccount } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../../helpers/http-session.ts';
import { codeFor, submitCode } from '../../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../../helpers/oidc-flow.ts';
import { addPasskeyOnSecurityPage, answerPasskey, isPasskeyChallenge, passkeyOptionsOf } from '../../helpers/passkey-flow.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import { usePasskeyWorld } from './passkey-kit.ts';

/**
 * The passkey as the second factor, end to end over HTTP with real WebAuthn bytes from the
 * software authenticator: what the ID token says after the password and the passkey (through
 * openid-client), `acr_values=phr` and `require_phishing_resistant`, and the attack state (a
 * wrong origin or RP ID, a replay, two accounts, two tabs, another account's key).
 * The shared set-up and helpers are in ./passkey-kit.ts.
 */
describe.each(STORE_KINDS)('passkeys on %s: as the second factor', (kind) => {
  const { w, clock, deviceFor, passkeyAccount, passkeysOf } = usePasskeyWorld(kind);

  async function startSignIn(email: string, clientId = 'first-party-app', extra: Record<string, string> = {}, session = new HttpSession()) {
    const client = await discoverClient(w.idp.issuer, clientId);
    const authorization = await buildAuthorization(client, extra);
    const login = await openAuthorization(session, w.idp.issuer, authorization);
    const page = await submitPassword(session, w.idp.issuer, login, email, ABUSE_PASSWORD);
    const tokensOf = async (callback: HttpResponse) => {
      expect(isCallback(callback)).toBe(true);
      return (await redeemCode(client, callback, authorization)).claims()!;
    };
    return { session, page, tokensOf, uid: uidOf(page.url) };
  }

  test('discovery lists phr (and not phrh: no hardware attestation trust anchors)', async () => {
    const metadata = (await (await fetch(`${w.idp.issuer}/.well-known/openid-configuration`)).json()) as { acr_values_supported: string[] };
    expect(metadata.acr_values_supported).toContain('phr');
    expect(metadata.acr_values_supported).not.toContain('phrh');
  });

  test('password + passkey: the ID token says acr phr and amr pwd, pop, user, mfa; the counter and last use are recorded', async () => {
    const account = await passkeyAccount();
    const flow = await startSignIn(account.email);
    expect(isPasskeyChallenge(flow.page)).toBe(true);
    expect(passkeyOptionsOf(flow.page.text)).toMatchObject({ userVerification: 'required', allowCredentials: [{ id: account.device.credentials[0]!.id }] });
    const claims = await flow.tokensOf(await answerPasskey(flow.session, w.idp.issuer, flow.page, account.device));
    expect(claims.acr).toBe(ACR.phishingResistant);
    expect(claims.amr).toEqual([...AMR.passkey]);
    expect(await passkeysOf(account.id)).toMatchObject([{ lastUsedAt: expect.any(Number), passkey: { counter: 2 } }]);
  });

  test.each([
    ['a wrong origin', { origin: 'https://phish.example.net' }],
    ['a wrong RP ID', { rpId: 'phish.example.net' }],
    ['no user verification', { userVerified: false }],
    ['a counter going back', { counter: 0 }],
  ])('the sign-in refuses %s: the same page again with PASSKEY_FAILED, no session', async (_case, overrides) => {
    const account = await passkeyAccount();
    const flow = await startSignIn(account.email);
    const answer = await answerPasskey(flow.session, w.idp.issuer, flow.page, account.device, overrides);
    expectRefused(answer, 'PASSKEY_FAILED');
    expect(isPasskeyChallenge(answer)).toBe(true);
  });

  test('a replayed assertion is refused (its challenge was spent), even in the same interaction', async () => {
    const account = await passkeyAccount();
    const first = await startSignIn(account.email);
    const wrong = await answerPasskey(first.session, w.idp.issuer, first.page, account.device, { origin: 'https://phish.example.net' });
    // The failed answer spent its challenge: the page shows a new one; the old assertion bytes, replayed, fail.
    const assertion = account.device.authenticate(passkeyOptionsOf(first.page.text));
    const replay = await first.session.submitForm(formAction(wrong.text, '/passkey', w.idp.issuer), { csrf: hiddenField(wrong.text, 'csrf'), response: JSON.stringify(assertion) });
    expectRefused(replay, 'PASSKEY_FAILED');
  });

  test("two accounts, two tabs: A's challenge answered in B's sign-in, and A's key in B's sign-in, are refused", async () => {
    const alice = await passkeyAccount('alice');
    const bob = await passkeyAccount('bob');
    const browser = new HttpSession();
    const aliceTab = await startSignIn(alice.email, 'first-party-app', {}, browser);
    const bobTab = await startSignIn(bob.email, 'first-party-app', {}, new HttpSession());
    // Alice's device answers Alice's challenge; the bytes are posted to Bob's interaction.
    const aliceAssertion = alice.device.authenticate(passkeyOptionsOf(aliceTab.page.text));
    const crossed = await bobTab.session.submitForm(formAction(bobTab.page.text, '/passkey', w.idp.issuer), { csrf: hiddenField(bobTab.page.text, 'csrf'), response: JSON.stringify(aliceAssertion) });
    expectRefused(crossed, 'PASSKEY_FAILED');
    // Alice's key signing Bob's own challenge: not one of Bob's credentials.
    const keyOfA = alice.device.authenticate(passkeyOptionsOf(crossed.text), { credentialId: alice.device.credentials[0]!.id });
    const foreignKey = await bobTab.session.submitForm(formAction(crossed.text, '/passkey', w.idp.issuer), { csrf: hiddenField(crossed.text, 'csrf'), response: JSON.stringify(keyOfA) });
    expectRefused(foreignKey, 'PASSKEY_FAILED');
    // Two tabs of the same account: the challenge of tab 1 does not serve tab 2.
    const secondTab = await startSignIn(alice.email, 'first-party-app', {}, new HttpSession());
    const fromTabOne = alice.device.authenticate(passkeyOptionsOf(aliceTab.page.text));
    const otherTab = await secondTab.session.submitForm(formAction(secondTab.page.text, '/passkey', w.idp.issuer), { csrf: hiddenField(secondTab.page.text, 'csrf'), response: JSON.stringify(fromTabOne) });
    expectRefused(otherTab, 'PASSKEY_FAILED');
    // And Alice's own tab still signs her in with a fresh answer.
    const claims = await aliceTab.tokensOf(await answerPasskey(browser, w.idp.issuer, aliceTab.page, alice.device));
    expect(claims.acr).toBe(ACR.phishingResistant);
  });

  test('an app-only account: its sign-in never reaches the passkey route', async () => {
    const account = await totpAccount(w);
    const flow = await startSignIn(account.email);
    const forged = await flow.session.postForm(`${w.idp.issuer}/interaction/${flow.uid}/passkey`, { csrf: hiddenField(flow.page.text, 'csrf'), response: '{}' });
    expectRefused(forged, 'WRONG_STEP');
  });

  describe('acr_values=phr and require_phishing_resistant', () => {
    /** An account with an authenticator app (its default) and a passkey. */
    async function appAndPasskeyAccount() {
      const account = await totpAccount(w, 'app-and-passkey');
      const device = deviceFor(w);
      const done = await addPasskeyOnSecurityPage(await signedInConsole(w, account), w.idp.issuer, device, 'Phone');
      expect(done.status).toBe(200);
      return { ...account, device };
    }

    test('an app-only account cannot meet it: PASSKEY_REQUIRED after the password, no code asked', async () => {
      const account = await totpAccount(w);
      const flow = await startSignIn(account.email, 'first-party-app', { acr_values: 'phr' });
      expectRefused(flow.page, 'PASSKEY_REQUIRED');
    });

    test.each([
      ['acr_values=phr', 'first-party-app', { acr_values: 'phr' }],
      ['require_phishing_resistant', 'phr-app', {}],
    ])('%s: the passkey is asked for instead of the default app; the app code and the backup code are refused', async (_case, clientId, extra) => {
      const account = await appAndPasskeyAccount();
      const flow = await startSignIn(account.email, clientId, extra);
      expect(isPasskeyChallenge(flow.page)).toBe(true);
      expect(flow.page.text).not.toContain('Use backup code');
      clock.advance(STEP_MS);
      const code = await flow.session.postForm(`${w.idp.issuer}/interaction/${flow.uid}/totp`, { csrf: hiddenField(flow.page.text, 'csrf'), code: codeFor(account.key, clock) });
      expectRefused(code, 'PASSKEY_REQUIRED');
      const backup = await flow.session.postForm(`${w.idp.issuer}/interaction/${flow.uid}/backup-code`, { csrf: hiddenField(flow.page.text, 'csrf'), code: account.backupCode });
      expectRefused(backup, 'PASSKEY_REQUIRED');
      const claims = await flow.tokensOf(await answerPasskey(flow.session, w.idp.issuer, flow.page, account.device));
      expect(claims.acr).toBe('phr');
      expect(claims.amr).toEqual([...AMR.passkey]);
    });

    test('a session made with the app code is stepped up to the passkey for acr_values=phr; a trusted device never stands in', async () => {
      const account = await appAndPasskeyAccount();
      const first = await startSignIn(account.email);
      clock.advance(STEP_MS);
      const done = await submitCode(first.session, w.idp.issuer, first.page, codeFor(account.key, clock), { trust: '1' });
      expect((await first.tokensOf(done)).acr).toBe(ACR.mfa);
      // Same browser (session and trusted-device cookie), now asking for phr: the passkey page, not a callback.
      const client = await discoverClient(w.idp.issuer, 'first-party-app');
      const authorization = await buildAuthorization(client, { acr_values: 'phr' });
      const stepUp = await openAuthorization(first.session, w.idp.issuer, authorization);
      expect(isPasskeyChallenge(stepUp)).toBe(true);
      const callback = await answerPasskey(first.session, w.idp.issuer, stepUp, account.device);
      expect(isCallback(callback)).toBe(true);
      const claims = (await redeemCode(client, callback, authorization)).claims()!;
      expect(claims.acr).toBe('phr');
    });
  });
});
