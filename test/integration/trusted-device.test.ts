import { ACR, AMR } from '../../src/oidc/acr.ts';
import { hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, enrolledAccount, reauthenticate, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { RP_CALLBACK, TEST_CLIENTS } from '../helpers/start-idp.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

const PASSWORD = 'a password for trusted devices';
const STEP_MS = 30_000;
const CLIENTS = [...TEST_CLIENTS, {
  client_id: 'high-risk-app', client_name: 'High Risk App', token_endpoint_auth_method: 'none' as const,
  redirect_uris: [RP_CALLBACK], first_party: true, allow_trusted_device: false,
}];

describe.each(STORE_KINDS)('"Trust this device" on %s', (kind) => {
  const { idp, clock } = useIdpWorld(kind, { clients: CLIENTS, config: async () => ({ mfa: { ...(await import('../helpers/test-config.ts')).testConfig().mfa, reauthWithinSeconds: 3600 } }) });

  async function enrolled() {
    const { email, key, session } = await enrolledAccount(idp, clock, PASSWORD, 'trusty');
    return { email, key, console: session };
  }

  async function passwordStep(browser: HttpSession, email: string, clientId = 'first-party-app', extra: Record<string, string> = {}) {
    const client = await discoverClient(idp.issuer, clientId);
    const authorization = await buildAuthorization(client, extra);
    const page = await submitPassword(browser, idp.issuer, await openAuthorization(browser, idp.issuer, authorization), email, PASSWORD);
    return { client, authorization, page };
  }

  /** A browser that signed in with a code and ticked "Trust this device", then signed out (fresh session cookie jar kept). */
  async function trustedBrowser(email: string, key: string) {
    const browser = new HttpSession();
    clock.advance(STEP_MS);
    const { page } = await passwordStep(browser, email);
    expect(page.text).toContain('name="trust"');
    expect(isCallback(await submitCode(browser, idp.issuer, page, codeFor(key, clock), { trust: '1' }))).toBe(true);
    forgetSession(browser);
    return browser;
  }

  /** Drops the provider's session cookies but keeps the trusted-device cookie: "signed out, same browser". */
  function forgetSession(browser: HttpSession) {
    for (const key of [...browser.cookies.keys()]) if (!key.startsWith('oidc-mfa-trusted;')) browser.cookies.delete(key);
  }

  const expectChallenge = (page: HttpResponse) => expect(page.text).toContain('autocomplete="one-time-code"');

  test('a trusted browser signs in without a challenge; the token says remembered device and amr pwd only', async () => {
    const { email, key } = await enrolled();
    const browser = await trustedBrowser(email, key);
    const cookie = [...browser.cookies.values()].find((c) => c.name === 'oidc-mfa-trusted')!;
    expect(cookie.value).toMatch(/^[\w-]{43}$/);
    const account = (await idp.directory.findByEmail(email))!;
    expect(cookie.value).not.toContain(account.id);

    const { client, authorization, page } = await passwordStep(browser, email);
    expect(isCallback(page)).toBe(true);
    const claims = (await redeemCode(client, page, authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.password]);
    expect(claims.acr).toBe(ACR.rememberedDevice);
  });

  test('another account on the same browser is still challenged', async () => {
    const a = await enrolled();
    const b = await enrolled();
    const browser = await trustedBrowser(a.email, a.key);
    expectChallenge((await passwordStep(browser, b.email)).page);
  });

  test.each([
    ['acr_values asking for MFA', 'first-party-app', { acr_values: ACR.mfa }],
    ['max_age', 'first-party-app', { max_age: '0' }],
    ['prompt=login', 'first-party-app', { prompt: 'login' }],
    ['an app with allow_trusted_device: false', 'high-risk-app', {}],
  ])('%s: challenged even on a trusted device', async (_label, clientId, extra) => {
    const { email, key } = await enrolled();
    const browser = await trustedBrowser(email, key);
    expectChallenge((await passwordStep(browser, email, clientId, extra as Record<string, string>)).page);
  });

  test('a step-up from a remembered session to an app refusing remembered devices asks for the code, then amr has otp', async () => {
    const { email, key } = await enrolled();
    const browser = await trustedBrowser(email, key);
    expect(isCallback((await passwordStep(browser, email)).page)).toBe(true);
    const client = await discoverClient(idp.issuer, 'high-risk-app');
    const authorization = await buildAuthorization(client);
    const page = await openAuthorization(browser, idp.issuer, authorization);
    expectChallenge(page);
    clock.advance(STEP_MS);
    const done = await submitCode(browser, idp.issuer, page, codeFor(key, clock));
    expect((await redeemCode(client, done, authorization)).claims()?.amr).toEqual([...AMR.totp]);
  });

  test('expired, tampered, revoked and pre-password-change cookies are challenged', async () => {
    const { email, key, console } = await enrolled();
    const tampered = await trustedBrowser(email, key);
    const cookie = [...tampered.cookies.entries()].find(([k]) => k.startsWith('oidc-mfa-trusted;'))!;
    cookie[1].value = `${cookie[1].value.slice(0, -2)}xx`;
    expectChallenge((await passwordStep(tampered, email)).page);

    const revoked = await trustedBrowser(email, key);
    const stale = await console.get(`${idp.issuer}/account/security/devices`);
    const devices = await reauthenticate(console, idp.issuer, stale, { email, password: PASSWORD, key, clock });
    expect(devices.text).toContain('Revoke all');
    await console.postForm(`${idp.issuer}/account/security/devices/revoke-all`, { csrf: hiddenField(devices.text, 'csrf') });
    expectChallenge((await passwordStep(revoked, email)).page);

    const beforePasswordChange = await trustedBrowser(email, key);
    // A real password change after the device was trusted (argon2 alone takes tens of ms before the stamp).
    expect(await idp.directory.setPassword(email, PASSWORD)).toBe(true);
    expectChallenge((await passwordStep(beforePasswordChange, email)).page);
  });

  test('a remembered session stops counting once its device is revoked', async () => {
    const { email, key, console } = await enrolled();
    const browser = await trustedBrowser(email, key);
    expect(isCallback((await passwordStep(browser, email)).page)).toBe(true);
    const stale = await console.get(`${idp.issuer}/account/security/devices`);
    const devices = await reauthenticate(console, idp.issuer, stale, { email, password: PASSWORD, key, clock });
    await console.postForm(`${idp.issuer}/account/security/devices/revoke-all`, { csrf: hiddenField(devices.text, 'csrf') });
    // The browser still holds its session (acr remembered-device), but the device behind it is gone.
    const client = await discoverClient(idp.issuer, 'first-party-app');
    expectChallenge(await openAuthorization(browser, idp.issuer, await buildAuthorization(client)));
  });

  test('a trusted device expires after 30 days', async () => {
    const { email, key } = await enrolled();
    const browser = await trustedBrowser(email, key);
    clock.advance(31 * 86_400_000);
    expectChallenge((await passwordStep(browser, email)).page);
  });
});
