import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { ACR, AMR } from '../../src/oidc/acr.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, plainAccount, signedInConsole, STEP_MS, totpAccount, type AbuseWorld } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { addPasskeyOnSecurityPage, answerPasskey, backupCodeShown, isPasskeyChallenge, passkeyOptionsOf } from '../helpers/passkey-flow.ts';
import { createSoftAuthenticator, type SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { RP_CALLBACK } from '../helpers/start-idp.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * Passkeys end to end over HTTP, with real WebAuthn bytes from the software authenticator:
 * registration on the Security page, the passkey as the second factor, what the ID token says
 * (through openid-client), `acr_values=phr` and `require_phishing_resistant`, and the attack
 * state (two accounts, two tabs, a replay, a wrong origin, another account's key).
 */
const PHR_CLIENT = { client_id: 'phr-app', client_name: 'Phishing-Resistant App', token_endpoint_auth_method: 'none' as const, redirect_uris: [RP_CALLBACK], first_party: true, require_phishing_resistant: true };

describe.each(STORE_KINDS)('passkeys on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig(), log, clients: [...ABUSE_CLIENTS, PHR_CLIENT] });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const deviceFor = (world: AbuseWorld) => createSoftAuthenticator({ origin: world.idp.issuer, backupEligible: true, backupState: true, counterStart: 1 });

  /** A new account whose only method is a passkey, added on the Security page. */
  async function passkeyAccount(label = 'passkey') {
    const account = await plainAccount(w, label);
    const device = deviceFor(w);
    const done = await addPasskeyOnSecurityPage(await signedInConsole(w, account), w.idp.issuer, device);
    expect(done.status).toBe(200);
    return { ...account, device, backupCode: backupCodeShown(done) };
  }

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

  const passkeysOf = async (accountId: string) => ((await w.store.mfa.get(accountId))?.credentials ?? []).filter((method) => method.type === 'passkey');

  test('discovery lists phr (and not phrh: no hardware attestation trust anchors)', async () => {
    const metadata = (await (await fetch(`${w.idp.issuer}/.well-known/openid-configuration`)).json()) as { acr_values_supported: string[] };
    expect(metadata.acr_values_supported).toContain('phr');
    expect(metadata.acr_values_supported).not.toContain('phrh');
  });

  test('registration on the Security page stores the key (counter, transports, BE/BS, name) and shows a new backup code', async () => {
    const account = await passkeyAccount();
    const [stored] = await passkeysOf(account.id);
    expect(stored).toMatchObject({
      isDefault: true, setUp: { how: 'security-page' },
      passkey: { credentialId: account.device.credentials[0]!.id, counter: 1, transports: ['internal', 'hybrid'], backupEligible: true, backupState: true, name: 'Laptop' },
    });
    expect(account.backupCode).toMatch(/\S{8,}/);
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

  describe('"Sign in with a passkey" (no password)', () => {
    /** At the sign-in page: the passkey form's options, fetched as passkey.js does (POST with the CSRF token). */
    async function atSignInPage(clientId = 'first-party-app', extra: Record<string, string> = {}, session = new HttpSession()) {
      const client = await discoverClient(w.idp.issuer, clientId);
      const authorization = await buildAuthorization(client, extra);
      const page = await openAuthorization(session, w.idp.issuer, authorization);
      expect(page.text).toContain('data-passkey="discover"');
      const fetchOptions = async () => {
        const optionsUrl = /data-options-url="([^"]+)"/.exec(page.text)![1]!;
        const answer = await session.postForm(new URL(optionsUrl, w.idp.issuer).href, { csrf: hiddenField(page.text, 'csrf') });
        expect(answer.status).toBe(200);
        return JSON.parse(answer.text) as PublicKeyCredentialRequestOptionsJSON;
      };
      const post = async (assertion: unknown) => session.follow(await session.postForm(`${w.idp.issuer}/interaction/${uidOf(page.url)}/passkey-sign-in`, { csrf: hiddenField(page.text, 'csrf'), response: JSON.stringify(assertion) }), w.idp.issuer);
      const tokensOf = async (callback: HttpResponse) => {
        expect(isCallback(callback)).toBe(true);
        return (await redeemCode(client, callback, authorization)).claims()!;
      };
      return { session, page, uid: uidOf(page.url), fetchOptions, post, tokensOf };
    }

    test('a discoverable passkey with UV signs in alone: acr phr, amr pop, user, mfa (no pwd)', async () => {
      const account = await passkeyAccount('passwordless');
      const flow = await atSignInPage();
      const options = await flow.fetchOptions();
      expect(options).toMatchObject({ userVerification: 'required' });
      expect(options.allowCredentials ?? []).toEqual([]);
      const claims = await flow.tokensOf(await flow.post(account.device.authenticate(options)));
      expect(claims.acr).toBe('phr');
      expect(claims.amr).toEqual([...AMR.passkeyOnly]);
      expect(claims.sub).toBe(account.id);
    });

    test('it meets acr_values=phr and require_phishing_resistant without a password', async () => {
      const account = await passkeyAccount('passwordless-phr');
      const flow = await atSignInPage('phr-app');
      const claims = await flow.tokensOf(await flow.post(account.device.authenticate(await flow.fetchOptions())));
      expect(claims.acr).toBe('phr');
    });

    test.each([
      ['a wrong origin', { origin: 'https://phish.example.net' }],
      ['no user verification', { userVerified: false }],
      ['a counter going back', { counter: 0 }],
    ])('refuses %s', async (_case, overrides) => {
      const account = await passkeyAccount('passwordless-bad');
      const flow = await atSignInPage();
      expectRefused(await flow.post(account.device.authenticate(await flow.fetchOptions(), overrides)), 'PASSKEY_FAILED');
    });

    test("attack state: another interaction's challenge, a replay, a user handle swapped for another account's, after a password passed", async () => {
      const alice = await passkeyAccount('pl-alice');
      const bob = await passkeyAccount('pl-bob');
      const first = await atSignInPage();
      const second = await atSignInPage();
      const optionsOfFirst = await first.fetchOptions();
      await second.fetchOptions();
      // The first interaction's challenge, answered in the second.
      expectRefused(await second.post(alice.device.authenticate(optionsOfFirst)), 'PASSKEY_FAILED');
      // Alice's key with Bob's user handle: Bob's passkeys do not hold it.
      const swapped = alice.device.authenticate(await first.fetchOptions());
      swapped.response.userHandle = Buffer.from(bob.id).toString('base64url');
      expectRefused(await first.post(swapped), 'PASSKEY_FAILED');
      // A right answer, then the same bytes again: its challenge is spent.
      const options = await first.fetchOptions();
      const assertion = alice.device.authenticate(options);
      const claims = await first.tokensOf(await first.post(assertion));
      expect(claims.sub).toBe(alice.id);
      const third = await atSignInPage();
      await third.fetchOptions();
      expectRefused(await third.post(assertion), 'PASSKEY_FAILED');
      // Once a password passed in an interaction, a passkey cannot swap another account in.
      const withPassword = await atSignInPage();
      await submitPassword(withPassword.session, w.idp.issuer, withPassword.page, bob.email, ABUSE_PASSWORD);
      const late = await withPassword.session.postForm(`${w.idp.issuer}/interaction/${withPassword.uid}/passkey-sign-in/options`, { csrf: hiddenField(withPassword.page.text, 'csrf') });
      expectRefused(late, 'SIGN_IN_UNDER_WAY');
    });
  });

  test('Security page: the passkey listed with its name and dates; Rename; Remove', async () => {
    const account = await totpAccount(w, 'manage');
    const console = await signedInConsole(w, account);
    const device = deviceFor(w);
    expect((await addPasskeyOnSecurityPage(console, w.idp.issuer, device, 'Work laptop')).status).toBe(200);
    const security = await console.get(`${w.idp.issuer}/account/security`);
    expect(security.text).toContain('Passkey “Work laptop”');
    const [stored] = await passkeysOf(account.id);
    const renamePage = await console.get(`${w.idp.issuer}/account/security/passkeys/${stored!.id}/rename`);
    expect(renamePage.status).toBe(200);
    const renamed = await console.postForm(`${w.idp.issuer}/account/security/passkeys/rename`, { csrf: hiddenField(renamePage.text, 'csrf'), method: stored!.id, name: 'Old laptop' });
    expect(renamed.status).toBe(303);
    expect((await passkeysOf(account.id))[0]!.passkey!.name).toBe('Old laptop');
    const bad = await console.submitForm(`${w.idp.issuer}/account/security/passkeys/rename`, { csrf: hiddenField(renamePage.text, 'csrf'), method: stored!.id, name: '   ' });
    expectRefused(bad, 'PASSKEY_NAME_INVALID');
    // Refresh there: the rename form again, the error said once.
    expect((await console.get(bad.url)).status).toBe(200);
    const removed = await console.postForm(`${w.idp.issuer}/account/security/methods/remove`, { csrf: hiddenField(security.text, 'csrf'), method: stored!.id });
    expect(removed.status).toBe(303);
    expect(await passkeysOf(account.id)).toEqual([]);
  });

  test('registration with a wrong origin or without UV stores nothing', async () => {
    const account = await plainAccount(w);
    const console = await signedInConsole(w, account);
    for (const overrides of [{ origin: 'https://phish.example.net' }, { userVerified: false }]) {
      const answer = await addPasskeyOnSecurityPage(console, w.idp.issuer, deviceFor(w), 'Laptop', overrides);
      expectRefused(answer, 'PASSKEY_FAILED');
    }
    expect(await passkeysOf(account.id)).toEqual([]);
  });

  test('the browser bundle and our passkey script are served from our origin with the strict CSP', async () => {
    for (const file of ['simplewebauthn-browser.js', 'passkey.js']) {
      const answer = await fetch(`${w.idp.issuer}/static/${file}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/javascript');
      expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });
});

export type { SoftAuthenticator };
