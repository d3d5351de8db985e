import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { AMR } from '../../../src/oidc/acr.ts';
import { expectRefused, uidOf } from '../../helpers/abuse.ts';
import { ABUSE_PASSWORD } from '../../helpers/abuse-accounts.ts';
import { hiddenField, HttpSession, type HttpResponse } from '../../helpers/http-session.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../../helpers/oidc-flow.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import { usePasskeyWorld } from './passkey-kit.ts';

/**
 * "Sign in with a passkey" with no password, over HTTP with real WebAuthn bytes: a discoverable
 * passkey with user verification signs in alone (acr phr, without pwd in amr) and meets
 * `acr_values=phr` and `require_phishing_resistant`; the refusals; and the attack state (another
 * interaction's challenge, a replay, a swapped user handle, a passkey after a password passed).
 * The shared set-up and helpers are in ./passkey-kit.ts.
 */
describe.each(STORE_KINDS)('passkeys on %s: without a password', (kind) => {
  const { w, passkeyAccount } = usePasskeyWorld(kind);

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
});
