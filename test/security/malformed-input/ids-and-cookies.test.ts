import type { ErrorCode } from '../../../src/errors.ts';
import { expectNoInternals, expectRefused, expectSome4xx, uidOf } from '../../helpers/abuse.ts';
import { ABUSE_PASSWORD, afterPassword, atLoginPage, signedInConsole, totpAccount, trustABrowser } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField, HttpSession } from '../../helpers/http-session.ts';
import { buildAuthorization, discoverClient, isCallback } from '../../helpers/oidc-flow.ts';
import { cookieHeaderFor, rawRequest } from '../../helpers/raw-http.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import { CONSOLE_POSTS, FORM, INTERACTION_STEPS, useMalformedInputWorld } from './malformed-kit.ts';

/**
 * Ids and cookies: unknown and tricked interaction uids, garbage interaction, session and
 * trusted-device cookies, and a hostile login_hint.
 * The shared set-up and helpers are in ./malformed-kit.ts.
 */
describe.each(STORE_KINDS)('malformed input on %s: ids and cookies', (kind) => {
  const { world, issuer, resultOf, rawPost } = useMalformedInputWorld(kind);

  test('unknown interaction uids and uids with path tricks: a 4xx with a message, never a 500, never reflected as markup', async () => {
    const { session, page } = await atLoginPage(world);
    const uid = uidOf(page.url);
    const paths = [
      '/interaction/unknown',
      `/interaction/${uid}x`,
      `/interaction/${uid.toLowerCase()}`,
      '/interaction/%00',
      '/interaction/%ZZ',
      '/interaction/%E2%80%AE',
      '/interaction/%F0%9F%98%80',
      `/interaction/${'a'.repeat(4000)}`,
      '/interaction/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '/interaction/..%2F..%2Faccount%2Fsecurity',
      '/interaction/x%2F..%2F..%2Fhealthz',
      '/interaction/a%2Flogin',
      '/interaction/%2e%2e',
      '/interaction/uid;jsessionid=1',
      '//interaction/x',
      '/interaction//login',
      '/interaction/%2e%2e/login',
    ];
    const allowed: ErrorCode[] = ['INTERACTION_EXPIRED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED'];
    for (const path of paths) {
      for (const suffix of ['', '/login', '/totp', '/backup-code', '/consent']) {
        for (const method of ['GET', 'POST']) {
          const response = await rawRequest(`${issuer()}${path}${suffix}`, {
            method,
            headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie: cookieHeaderFor(session, `${issuer()}/interaction/${uid}`) },
            body: method === 'POST' ? `csrf=${hiddenField(page.text, 'csrf')}&email=x%40example.com&password=xxxxxxxxx` : undefined,
          });
          // `/interaction/%2e%2e` is `/` once its dot segments are resolved (as a browser resolves
          // them, see below): the home page, which only reads.
          if (path === '/interaction/%2e%2e' && suffix === '' && method === 'GET') {
            expect(response.status).toBe(200);
            expect(response.text).toContain('<a href="/account/security">');
            continue;
          }
          try {
            expectSome4xx(response, allowed);
          } catch (error) {
            throw new Error(`${method} ${path}${suffix}: ${(error as Error).message}`);
          }
          expect(response.text).not.toContain('<script>alert(1)');
        }
      }
    }
    // Dot segments are resolved before routing, as a browser resolves them: this IS the Security
    // page (its answer sends a stranger to sign in); it never becomes an interaction request.
    const resolved = await rawRequest(`${issuer()}/interaction/../account/security`, { headers: { accept: 'text/html' } });
    expect(resolved.status).toBe(302);
    expect(resolved.location).toBe(`${issuer()}/account/sign-in?next=%2Faccount%2Fsecurity`);
    expect(await resultOf(uid)).toBeUndefined();
    expect((await session.get(page.url)).text).toContain('autocomplete="current-password"');
  });

  test('a garbage interaction cookie: 400 "expired" on the page and every step, and the real interaction is untouched', async () => {
    const { session, page } = await atLoginPage(world);
    const uid = uidOf(page.url);
    const csrf = hiddenField(page.text, 'csrf');
    const cookies = [
      '_interaction=garbage',
      `_interaction=${uid}`,
      `_interaction=${uid}; _interaction.sig=garbage`,
      `_interaction=${uid}; _interaction.sig=${'A'.repeat(27)}`,
      `_interaction=${'x'.repeat(4000)}; _interaction.sig=y`,
      '_interaction=%ZZ; _interaction.sig=%ZZ',
      '_interaction=\u00ff\u00fe; _interaction.sig=\u00ff',
      '_interaction=; _interaction.sig=',
      `_interaction=${uid}x; _interaction.sig=x`,
    ];
    for (const cookie of cookies) {
      expectRefused(await rawRequest(`${issuer()}/interaction/${uid}`, { headers: { accept: 'text/html', cookie } }), 'INTERACTION_EXPIRED');
      for (const step of INTERACTION_STEPS) {
        const response = await rawRequest(`${issuer()}/interaction/${uid}/${step}`, {
          method: 'POST', headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie }, body: `csrf=${csrf}&email=x%40example.com&password=xxxxxxxxx`,
        });
        expectRefused(response, 'INTERACTION_EXPIRED');
      }
    }
    // A real interaction cookie of another interaction, sent to this one's URL: not this browser's interaction.
    const other = await atLoginPage(world);
    const otherCookie = cookieHeaderFor(other.session, other.page.url);
    expectRefused(await rawRequest(`${issuer()}/interaction/${uid}`, { headers: { accept: 'text/html', cookie: otherCookie } }), 'INTERACTION_EXPIRED');
    expectRefused(await rawRequest(`${issuer()}/interaction/${uid}/login`, {
      method: 'POST', headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie: otherCookie }, body: `csrf=${csrf}&email=x%40example.com&password=xxxxxxxxx`,
    }), 'INTERACTION_EXPIRED');
    expect(await resultOf(uid)).toBeUndefined();
    expect((await session.get(page.url)).text).toContain('autocomplete="current-password"');
  });

  test('a garbage session cookie: the Security page asks to sign in, its forms say "not signed in", authorization starts afresh', async () => {
    for (const cookie of ['_session=garbage', '_session=garbage; _session.sig=garbage', `_session=${'x'.repeat(4000)}`, '_session=%ZZ%00', '_session=\u00ff']) {
      const page = await rawRequest(`${issuer()}/account/security`, { headers: { accept: 'text/html', cookie } });
      expect(page.status).toBe(302);
      expect(page.location).toBe(`${issuer()}/account/sign-in?next=%2Faccount%2Fsecurity`);
      for (const path of CONSOLE_POSTS) {
        expectRefused(await rawRequest(`${issuer()}${path}`, { method: 'POST', headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie }, body: 'csrf=x' }), 'NOT_SIGNED_IN');
      }
    }
  });

  test('garbage, huge, and right-shaped-but-unknown trusted-device cookies: the code is still asked for, and nothing breaks', async () => {
    const account = await totpAccount(world);
    const trusted = await trustABrowser(world, account);
    const realToken = [...trusted.cookies.values()].find((c) => c.name === 'oidc-mfa-trusted')!.value;
    const values = [
      'garbage',
      '',
      'A'.repeat(43),
      `${realToken.slice(0, -1)}${realToken.endsWith('A') ? 'B' : 'A'}`,
      `${realToken}x`,
      `${realToken}%00`,
      'x'.repeat(8000),
      '%ZZ%00',
      '\u00ff\u00fe',
    ];
    for (const value of values) {
      const browser = new HttpSession();
      const { page: login } = await atLoginPage(world, 'first-party-app', browser);
      const url = formAction(login.text, '/login', issuer());
      const response = await rawPost(browser, url, `csrf=${encodeURIComponent(hiddenField(login.text, 'csrf'))}&email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(ABUSE_PASSWORD)}`, {
        'content-type': FORM, cookie: `${cookieHeaderFor(browser, url)}; oidc-mfa-trusted=${value}`,
      });
      // Not skipped: the answer is the way to the code page, never the resume URL with a result.
      expect(response.status).toBe(303);
      expect(response.location).toBe(`${issuer()}/interaction/${uidOf(login.url)}`);
      expect(await resultOf(uidOf(login.url))).toBeUndefined();
      expectNoInternals(response);
      // The trusted-devices page with the same cookie: no device is "this device".
      const console = await signedInConsole(world, account);
      const devices = await rawRequest(`${issuer()}/account/security/devices`, { headers: { accept: 'text/html', cookie: `${cookieHeaderFor(console, `${issuer()}/account/security/devices`)}; oidc-mfa-trusted=${value}` } });
      expect(devices.status).toBe(200);
      expect(devices.text).not.toContain('This device');
    }
    // A cookie header past Node's 16 KiB limit never reaches our code: Node answers 431 itself, with no body.
    const huge = await rawRequest(`${issuer()}/interaction/x`, { headers: { cookie: `oidc-mfa-trusted=${'x'.repeat(20_000)}` } });
    expect(huge.status).toBe(431);
    expect(huge.text).toBe('');
    // The genuine token still works after all that: nothing about the device was changed.
    for (const key of [...trusted.cookies.keys()]) if (!key.startsWith('oidc-mfa-trusted;')) trusted.cookies.delete(key);
    const again = await afterPassword(world, account.email, 'first-party-app', trusted);
    expect(isCallback(again.page)).toBe(true);
  });

  test('login_hint with markup is shown escaped; a 10k-character login_hint is cut to the email limit', async () => {
    const session = new HttpSession();
    const hostile = '"><img src=x onerror=alert(1)>@example.com';
    const client = await discoverClient(issuer(), 'first-party-app');
    for (const hint of [hostile, 'h'.repeat(10_000)]) {
      const login = await session.follow(await session.get((await buildAuthorization(client, { login_hint: hint })).url), issuer());
      expect(login.status).toBe(200);
      expect(login.text).not.toContain('<img src=x');
      expect(login.text).not.toContain('h'.repeat(255));
      expectNoInternals(login);
    }
  });
});
