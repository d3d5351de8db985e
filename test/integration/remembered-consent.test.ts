/**
 * Consent to a third-party app is asked once per account and app, then remembered across
 * sessions — another browser, after signing out, after a trusted-device sign-in — until the
 * person removes the app's access on the Security page (or a security event ends every grant).
 * A request for more asks only for what is new.
 */
import { ABUSE_PASSWORD, abuseConfig, plainAccount, signedInConsole, totpAccount, trustABrowser } from '../helpers/abuse-accounts.ts';
import {
  allowAndRedeem, appsListed, askedFor, CONSENT_CLIENTS, isConsentPage, OFFLINE, reachConsent, refreshWith, signInToApp, signOut, userinfoStatus,
} from '../helpers/consent-flow.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { ACR, AMR } from '../../src/oidc/acr.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { testConfig } from '../helpers/test-config.ts';

describe.each(STORE_KINDS)('remembered consent on %s', (kind) => {
  const world = useIdpWorld(kind, { clients: CONSENT_CLIENTS, config: () => abuseConfig() });

  test('asked once; then neither another browser nor the same browser after signing out asks again', async () => {
    const person = await plainAccount(world, 'remembered');
    const first = await signInToApp(world, person);
    expect(first.asked).toBe(true);

    const elsewhere = await signInToApp(world, person);
    expect(elsewhere.asked).toBe(false);
    expect(elsewhere.tokens.claims()!.sub).toBe(first.tokens.claims()!.sub);

    await signOut(world, first.browser, first.tokens.id_token!);
    const again = await reachConsent(world, person, { browser: first.browser });
    expect(again.page.location).toBeDefined();
    expect(isConsentPage(again.page)).toBe(false);
    await allowAndRedeem(world, again);
  });

  test('after a trusted-device sign-in (no code asked) consent is not asked either, and the token still says remembered device', async () => {
    const person = await totpAccount(world, 'trusted-consent');
    expect((await signInToApp(world, person)).asked).toBe(true);

    // A browser the person trusted; its session forgotten, the trusted-device cookie kept.
    const trusted = await trustABrowser(world, person);
    for (const key of [...trusted.cookies.keys()]) if (!key.startsWith('oidc-mfa-trusted;')) trusted.cookies.delete(key);
    const reached = await reachConsent(world, { email: person.email }, { browser: trusted });
    expect(isConsentPage(reached.page)).toBe(false);
    const claims = (await allowAndRedeem(world, reached)).claims()!;
    expect(claims.acr).toBe(ACR.rememberedDevice);
    expect(claims.amr).toEqual([...AMR.password]);
  });

  test('asking for more shows only what is new; once allowed, that is remembered too', async () => {
    const person = await plainAccount(world, 'more');
    const narrow = await reachConsent(world, person, { extra: { scope: 'openid email' } });
    expect(askedFor(narrow.page)).toEqual(['Know who you are when you sign in', 'See your email address']);
    await allowAndRedeem(world, narrow);

    const wider = await reachConsent(world, person, { extra: { scope: 'openid email profile' } });
    expect(isConsentPage(wider.page)).toBe(true);
    expect(askedFor(wider.page)).toEqual(['See your name']);
    expect((await allowAndRedeem(world, wider)).scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);

    for (const scope of ['openid email profile', 'openid email', 'openid profile']) {
      const later = await reachConsent(world, person, { extra: { scope } });
      expect(isConsentPage(later.page)).toBe(false);
      await allowAndRedeem(world, later);
    }
    const [app] = appsListed(await (await signedInConsole(world, person)).get(`${world.idp.issuer}/account/security`));
    expect(app!.text).toContain('See your email address');
    expect(app!.text).toContain('See your name');
  });

  test('prompt=consent still asks, and with nothing new lists what the app asks for this time', async () => {
    const person = await plainAccount(world, 'forced');
    await signInToApp(world, person);
    const forced = await reachConsent(world, person, { extra: { prompt: 'consent' } });
    expect(isConsentPage(forced.page)).toBe(true);
    expect(askedFor(forced.page)).toEqual(['Know who you are when you sign in', 'See your email address', 'See your name']);
    await allowAndRedeem(world, forced);
  });

  test('signing out of one browser keeps the consent, and another browser\'s refresh token, but ends what that browser got', async () => {
    const person = await plainAccount(world, 'sign-out');
    const offline = await signInToApp(world, person, { extra: OFFLINE });
    const refreshToken = offline.tokens.refresh_token!;
    expect(refreshToken).toEqual(expect.any(String));

    const laptop = await signInToApp(world, person);
    expect(laptop.asked).toBe(false);
    expect(await userinfoStatus(world, laptop.tokens.access_token)).toBe(200);
    await signOut(world, laptop.browser, laptop.tokens.id_token!);

    // That browser's access token was bound to its session: it ends with it.
    expect(await userinfoStatus(world, laptop.tokens.access_token)).toBe(401);
    // The other browser's offline access does not.
    expect((await refreshWith(world, refreshToken)).status).toBe(200);
    expect((await signInToApp(world, person)).asked).toBe(false);
  });

  test('the Security page lists the app (name, since when, what it may see), not first-party apps nor itself', async () => {
    const person = await plainAccount(world, 'listed');
    await signInToApp(world, person, { extra: OFFLINE });
    await signInToApp(world, person, { clientId: 'first-party-app' });
    const console = await signedInConsole(world, person);
    const page = await console.get(`${world.idp.issuer}/account/security`);
    const apps = appsListed(page);
    expect(apps.map((app) => app.name)).toEqual(['Third Party App']);
    const today = new Date().toISOString().slice(0, 10);
    expect(apps[0]!.text).toContain(`allowed ${today}`);
    for (const words of ['Know who you are when you sign in', 'See your email address', 'See your name', 'Stay connected to your account while you are away']) {
      expect(apps[0]!.text).toContain(words);
    }
    expect(page.text).toContain('aria-label="Remove access for Third Party App"');

    const nobody = await signedInConsole(world, await plainAccount(world, 'no-apps'));
    const empty = await nobody.get(`${world.idp.issuer}/account/security`);
    expect(appsListed(empty)).toEqual([]);
    expect(empty.text).toContain('No apps have access to your account.');
  });

  test('"Remove access": the refresh token stops working (invalid_grant), userinfo 401, and the next sign-in asks again', async () => {
    const person = await plainAccount(world, 'removed');
    const app = await signInToApp(world, person, { extra: OFFLINE });
    const other = await signInToApp(world, person, { clientId: 'other-app' });
    const console = await signedInConsole(world, person);
    const page = await console.get(`${world.idp.issuer}/account/security`);
    const listed = appsListed(page).find((entry) => entry.name === 'Third Party App')!;

    const done = await console.postForm(`${world.idp.issuer}/account/security/apps/remove`, { csrf: /name="csrf" value="([^"]*)"/.exec(page.text)![1]!, grant: listed.grantId });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${world.idp.issuer}/account/security?removed=1#apps`);
    const after = await console.get(done.location!);
    expect(after.text).toContain('Access removed.');
    expect(appsListed(after).map((entry) => entry.name)).toEqual(['Other App']);

    expect(await refreshWith(world, app.tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await userinfoStatus(world, app.tokens.access_token)).toBe(401);
    expect(await world.store.adapterFactory('Grant').find(listed.grantId)).toBeUndefined();
    // The other app keeps its access.
    expect(await userinfoStatus(world, other.tokens.access_token)).toBe(200);

    // The browser that signed in is still signed in, but is asked again — for everything.
    const again = await reachConsent(world, person, { browser: app.browser });
    expect(isConsentPage(again.page)).toBe(true);
    expect(askedFor(again.page)).toEqual(['Know who you are when you sign in', 'See your email address', 'See your name']);
    await allowAndRedeem(world, again);
    expect((await reachConsent(world, person)).page.status).toBe(303);
  });

  test('a password change and "sign out everywhere" still end every grant: the app is no longer listed and the next sign-in asks again', async () => {
    const person = await plainAccount(world, 'events');
    const first = await signInToApp(world, person, { extra: OFFLINE });
    await signOutEverywhere(person);
    expect(await refreshWith(world, first.tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(appsListed(await (await signedInConsole(world, person)).get(`${world.idp.issuer}/account/security`))).toEqual([]);
    expect((await signInToApp(world, person)).asked).toBe(true);

    const second = await signInToApp(world, person, { extra: OFFLINE });
    const newPassword = 'a new password after the change';
    expect(await world.idp.directory.setPassword(person.email, newPassword)).toBe(true);
    expect(await refreshWith(world, second.tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await signInToApp(world, { ...person, password: newPassword })).asked).toBe(true);
  });

  async function signOutEverywhere(person: { email: string }) {
    const console = await signedInConsole(world, person);
    const security = await console.get(`${world.idp.issuer}/account/security`);
    const done = await console.submitForm(`${world.idp.issuer}/account/security/sign-out-everywhere`, { csrf: /name="csrf" value="([^"]*)"/.exec(security.text)![1]! });
    expect(done.text).toContain('Signed out everywhere');
  }

  test('the sign-in page is not skipped: remembered consent never stands in for the password', async () => {
    const person = await plainAccount(world, 'password-still');
    await signInToApp(world, person);
    const browser = new HttpSession();
    const reached = await reachConsent(world, { email: person.email, password: ABUSE_PASSWORD }, { browser });
    expect(reached.page.location).toBeDefined();
    expect([...browser.cookies.keys()].some((key) => key.startsWith('_session;'))).toBe(true);
  });
});

describe.each(STORE_KINDS)('a remembered grant\'s lifetime on %s', (kind) => {
  // Real time throughout: oidc-provider stamps a grant's exp in real whole seconds.
  const GRANT_SECONDS = 6;
  const world = useIdpWorld(kind, {
    clients: CONSENT_CLIENTS,
    fakeTimeIn: 'nothing',
    config: () => {
      const base = abuseConfig();
      return { ...base, ttl: { ...testConfig().ttl, grantSeconds: GRANT_SECONDS } };
    },
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('starts again when a new session uses it, so an app in use outlives its first lifetime', async () => {
    const person = await plainAccount(world, 'lifetime');
    expect((await signInToApp(world, person)).asked).toBe(true);
    const [first] = await world.store.grants.listGrants(person.id);

    // Past half its lifetime (renewal is due), a new browser: not asked, and the grant lives on from now.
    await sleep(4_000);
    expect((await signInToApp(world, person)).asked).toBe(false);
    const [renewed] = await world.store.grants.listGrants(person.id);
    expect(renewed!.id).toBe(first!.id);
    expect(renewed!.iat).toBe(first!.iat);
    expect(renewed!.exp!).toBeGreaterThan(first!.exp!);

    // Past the first lifetime: still remembered.
    await sleep(2_500);
    expect(Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(first!.exp!);
    expect((await signInToApp(world, person)).asked).toBe(false);
  }, 30_000);
});
