import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_PASSWORD, abuseConfig, plainAccount, signedInConsole } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { hiddenField, HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { addPasskeyOnSecurityPage } from '../helpers/passkey-flow.ts';
import { createSoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * "Sign in with a passkey" names no login, so only the address's failure count can slow it
 * (OWASP ASVS 5.0 V6). It shares that count with wrong passwords: failures of either kind lock
 * both ways from the address for the window, and the lock ends with it (fake clock).
 */
const MAX_PER_IP = 3;
const WINDOW_SECONDS = 900;

describe.each(STORE_KINDS)('passwordless sign-in and the address limit on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, {
    clock, log,
    config: () => abuseConfig({ login: { maxFailuresPerAccount: 10, maxFailuresPerIp: MAX_PER_IP, failureWindowSeconds: WINDOW_SECONDS } }),
  });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  async function atSignInPage() {
    const session = new HttpSession();
    const client = await discoverClient(w.idp.issuer, 'first-party-app');
    const page = await openAuthorization(session, w.idp.issuer, await buildAuthorization(client));
    const csrf = hiddenField(page.text, 'csrf');
    const uid = uidOf(page.url);
    return {
      page,
      options: async () => JSON.parse((await session.postForm(`${w.idp.issuer}/interaction/${uid}/passkey-sign-in/options`, { csrf })).text) as PublicKeyCredentialRequestOptionsJSON,
      post: async (assertion: unknown) => session.follow(await session.postForm(`${w.idp.issuer}/interaction/${uid}/passkey-sign-in`, { csrf, response: JSON.stringify(assertion) }), w.idp.issuer),
      password: (email: string, password: string) => submitPassword(session, w.idp.issuer, page, email, password),
    };
  }

  test('failed passkey answers and wrong passwords share the count; at the limit both ways are refused, even with the right passkey, until the window ends', async () => {
    const account = await plainAccount(w, 'pl-limit');
    const device = createSoftAuthenticator({ origin: w.idp.issuer, backupEligible: true, backupState: true, counterStart: 1 });
    expect((await addPasskeyOnSecurityPage(await signedInConsole(w, account), w.idp.issuer, device)).status).toBe(200);

    // Two failed passkey answers (no user verification) and one wrong password: the limit.
    for (let i = 0; i < 2; i += 1) {
      const flow = await atSignInPage();
      expectRefused(await flow.post(device.authenticate(await flow.options(), { userVerified: false })), 'PASSKEY_FAILED');
    }
    const wrong = await atSignInPage();
    expectRefused(await wrong.password(account.email, 'not the password'), 'INVALID_CREDENTIALS');

    // The right passkey now: refused by address, and nothing spent (its counter did not move).
    const locked = await atSignInPage();
    expectRefused(await locked.post(device.authenticate(await locked.options())), 'TOO_MANY_ATTEMPTS');
    const stored = (await w.store.mfa.get(account.id))!.credentials.find((method) => method.type === 'passkey')!;
    expect(stored.lastUsedAt).toBeNull();
    // The right password too.
    expectRefused(await (await atSignInPage()).password(account.email, ABUSE_PASSWORD), 'TOO_MANY_ATTEMPTS');

    clock.advance((WINDOW_SECONDS + 1) * 1000);
    const later = await atSignInPage();
    expect(isCallback(await later.post(device.authenticate(await later.options())))).toBe(true);
  });
});
