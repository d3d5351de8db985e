import * as oidc from 'openid-client';
import { CONSOLE_CLIENT_ID } from '../../src/account/console-client.ts';
import { expectNoInternals, expectRefused, recordingLogger } from '../helpers/abuse.ts';
import { ABUSE_PASSWORD, plainAccount, THIRD_PARTY_SECRET } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { buildAuthorization, discoverClient, signIn } from '../helpers/oidc-flow.ts';
import { RP_CALLBACK, RP_LOGGED_OUT } from '../helpers/start-idp.ts';

/**
 * Nothing we answer may send a browser somewhere it was not registered to go: not the
 * authorization endpoint (redirect_uri), not sign-out (post_logout_redirect_uri), not the
 * Security page's own sign-in (`next`). Redirect checks need no store semantics: SQLite only.
 */

/** Unregistered look-alikes of RP_CALLBACK (http://rp.test/callback). */
const BAD_REDIRECT_URIS = [
  'https://evil.example',
  'https://evil.example/callback',
  '//evil.example',
  '//evil.example/callback',
  'https://rp.test@evil.example/callback',
  'http://rp.test@evil.example/callback',
  'http://rp.test%2F@evil.example/callback',
  'http://rp.test%40evil.example/callback',
  'http://rp.test\\@evil.example/callback',
  'http://evil.example\\@rp.test/callback',
  'http%3A%2F%2Fevil.example%2Fcallback',
  'http://rp.test.evil.example/callback',
  'http://rp.test./callback',
  'http://rp.test:8080/callback',
  'https://rp.test/callback',
  'http://RP.TEST/callback',
  'http://rp.test/Callback',
  'http://rp.test/callback/',
  'http://rp.test/callback/extra',
  'http://rp.test/callback/../evil',
  'http://rp.test/callback%2F..%2F..%2Fevil',
  'http://rp.test/callback?next=https://evil.example',
  'http://rp.test/callback#@evil.example',
  'http://rp.test/callback\u0000',
  ' http://rp.test/callback',
  'http://rp.test/ｃallback',
  'javascript:alert(document.domain)//http://rp.test/callback',
  'data:text/html,<script>alert(1)</script>',
];

describe('open redirects (SQLite)', () => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const world = useIdpWorld('sqlite', { clock, log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const issuer = () => world.idp.issuer;

  /** The refusal oidc-provider renders (through our error page): 400, no Location, nothing internal. */
  function expectNoRedirect(response: HttpResponse, message: RegExp) {
    expect({ status: response.status, location: response.location }).toEqual({ status: 400, location: undefined });
    expect(response.text).toMatch(message);
    expect(response.text).not.toMatch(/evil\.example"|code=/);
    expectNoInternals(response);
  }

  describe('redirect_uri not registered: a 400 page and no redirect, signed in or not', () => {
    let signedIn: HttpSession;

    beforeAll(async () => {
      const account = await plainAccount(world);
      ({ session: signedIn } = await signIn({ issuer: issuer(), client: await discoverClient(issuer(), 'first-party-app'), email: account.email, password: ABUSE_PASSWORD }));
    });

    test.each(BAD_REDIRECT_URIS)('%j', async (redirectUri) => {
      for (const clientId of ['first-party-app', 'third-party-app', CONSOLE_CLIENT_ID]) {
        const client = await discoverClient(issuer(), clientId, clientId === 'third-party-app' ? THIRD_PARTY_SECRET : undefined);
        const authorization = await buildAuthorization(client, { redirect_uri: redirectUri, ...(clientId === CONSOLE_CLIENT_ID ? { response_type: 'none' } : {}) });
        // A stranger, and a browser with a live session: the one an open redirect would hand a code to.
        for (const browser of [new HttpSession(), signedIn]) {
          expectNoRedirect(await browser.get(authorization.url), /redirect_uri did not match any of the client&#39;s registered redirect_uris|redirect_uri did not match any of the client's registered redirect_uris/);
        }
      }
    });

    test('an unknown client_id with an attacker redirect_uri: a 400 page and no redirect', async () => {
      const url = new URL('/auth', issuer());
      url.search = new URLSearchParams({ client_id: 'no-such-app', response_type: 'code', scope: 'openid', redirect_uri: 'https://evil.example/callback', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
      expectNoRedirect(await signedIn.get(url.href), /client is invalid|invalid_client/);
    });

    test('the registered one still works: the control that the variants above were the only thing wrong', async () => {
      const client = await discoverClient(issuer(), 'first-party-app');
      const response = await signedIn.get((await buildAuthorization(client, { redirect_uri: RP_CALLBACK })).url);
      expect(response.location).toMatch(new RegExp(`^${RP_CALLBACK}\\?code=`));
    });
  });

  describe('post_logout_redirect_uri not registered: no redirect to it, and nobody is signed out', () => {
    const BAD_LOGOUT_URIS = [
      'https://evil.example/',
      '//evil.example/',
      'http://rp.test@evil.example/logged-out',
      'http://rp.test/logged-out/extra',
      'http://rp.test/logged-out?next=https://evil.example',
      'http://rp.test/logged-out/../evil',
      'http://rp.test.evil.example/logged-out',
      'https://rp.test/logged-out',
      // Registered for this client, but as a redirect_uri, not as a place to land after sign-out.
      RP_CALLBACK,
    ];

    test.each(BAD_LOGOUT_URIS)('%j', async (uri) => {
      const account = await plainAccount(world);
      const client = await discoverClient(issuer(), 'first-party-app');
      const { session, tokens } = await signIn({ issuer: issuer(), client, email: account.email, password: ABUSE_PASSWORD });
      const requests = [
        oidc.buildEndSessionUrl(client, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri }).href,
        `${issuer()}/session/end?${new URLSearchParams({ client_id: 'first-party-app', post_logout_redirect_uri: uri })}`,
      ];
      for (const url of requests) {
        expectNoRedirect(await session.get(url), /post_logout_redirect_uri not registered/);
      }
      // With no client named, oidc-provider ignores the parameter: the confirmation leads to our own page.
      const other = (await signIn({ issuer: issuer(), client, email: account.email, password: ABUSE_PASSWORD })).session;
      const confirm = await other.get(`${issuer()}/session/end?${new URLSearchParams({ post_logout_redirect_uri: uri })}`);
      expect(confirm.location).toBeUndefined();
      const done = await other.postForm(formAction(confirm.text, '/session/end/confirm', issuer()), { xsrf: hiddenField(confirm.text, 'xsrf'), logout: 'yes' });
      expect(done.location).toBe(`${issuer()}/session/end/success`);
      // Still signed in: the next authorization goes straight back with a code.
      const again = await buildAuthorization(client);
      expect((await session.get(again.url)).location).toMatch(new RegExp(`^${RP_CALLBACK}\\?code=`));
    });

    test('a registered one: the confirmation leads there and nowhere else (control)', async () => {
      const account = await plainAccount(world);
      const client = await discoverClient(issuer(), 'first-party-app');
      const { session, tokens } = await signIn({ issuer: issuer(), client, email: account.email, password: ABUSE_PASSWORD });
      const confirm = await session.get(oidc.buildEndSessionUrl(client, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_LOGGED_OUT, state: 'opaque' }).href);
      // Extra fields an attacker adds to the confirmation are not a way to change the destination.
      const done = await session.postForm(formAction(confirm.text, '/session/end/confirm', issuer()), {
        xsrf: hiddenField(confirm.text, 'xsrf'), logout: 'yes', post_logout_redirect_uri: 'https://evil.example/', redirect_uri: 'https://evil.example/',
      });
      expect(done.location).toBe(`${RP_LOGGED_OUT}?state=opaque`);
    });
  });

  describe('the Security page sign-in: `next` only ever leads to our own /account/ pages', () => {
    const HOSTILE_NEXT = [
      '//evil.example',
      '//evil.example/account/security',
      '/\\evil.example',
      '\\\\evil.example',
      '/%5Cevil.example',
      '/account/%5C%5Cevil.example',
      'https://good@evil.example',
      `https://evil.example/account/security`,
      'http:evil.example',
      '%2F%2Fevil.example',
      '%252F%252Fevil.example',
      '/account//evil.example',
      '/account/%2F%2Fevil.example',
      '/account/%2F..%2F..%2F%2Fevil.example',
      '/account/../..',
      '/account/../../evil',
      '/account/..%2F..%2Fevil',
      '/account/security/./../../x',
      '/account/%2e%2e/%2e%2e/evil',
      '／／evil.example',
      '%EF%BC%8F%EF%BC%8Fevil.example',
      '/account/∕∕evil.example',
      '/account/⁄⁄evil.example',
      '/account/security%0d%0aLocation:%20https://evil.example',
      '/account/security%00',
      'javascript:alert(1)',
      '/account/security?x=https://evil.example',
      '/account/security%23@evil.example',
      `/account/${'a'.repeat(300)}`,
    ];

    /** Every hop of a journey, following redirects on our origin only; none may leave it. */
    async function journey(session: HttpSession, first: HttpResponse) {
      const hops: HttpResponse[] = [first];
      let current = first;
      for (let i = 0; i < 12 && current.location; i += 1) {
        expect(new URL(current.location).origin).toBe(issuer());
        current = await session.get(current.location);
        hops.push(current);
      }
      return hops;
    }

    /** Where the callback sent the browser, after a full sign-in that started at /account/sign-in?next=… */
    async function landing(rawNext: string, session = new HttpSession(), account?: { email: string }): Promise<string> {
      const start = await journey(session, await session.get(`${issuer()}/account/sign-in?next=${rawNext}`));
      let last = start.at(-1)!;
      let hops = start;
      if (last.text.includes('autocomplete="current-password"')) {
        const { email } = account ?? (await plainAccount(world));
        const submitted = await session.postForm(formAction(last.text, '/login', issuer()), { csrf: hiddenField(last.text, 'csrf'), email, password: ABUSE_PASSWORD });
        hops = await journey(session, submitted);
        last = hops.at(-1)!;
      }
      const callback = hops.find((hop) => new URL(hop.url).pathname === '/account/callback');
      if (!callback?.location) throw new Error(`the journey never reached the callback: ${hops.map((h) => `${h.status} ${h.url}`).join(' → ')}`);
      return callback.location;
    }

    test.each(HOSTILE_NEXT)('next=%s: a full sign-in lands on the Security page', async (rawNext) => {
      expect(await landing(rawNext)).toBe(`${issuer()}/account/security`);
    });

    test('already signed in (no password asked), re-authenticating (fresh=1), and next given twice: the same', async () => {
      const session = new HttpSession();
      const account = await plainAccount(world);
      expect(await landing('/account/security/devices', session, account)).toBe(`${issuer()}/account/security/devices`);
      for (const rawNext of ['//evil.example', '/\\evil.example', 'https://good@evil.example', '%2F%2Fevil.example', '/account/../..', '／／evil.example']) {
        expect(await landing(rawNext, session, account)).toBe(`${issuer()}/account/security`);
        expect(await landing(`${rawNext}&fresh=1`, session, account)).toBe(`${issuer()}/account/security`);
      }
      expect(await landing('/account/security/devices&next=//evil.example', session, account)).toBe(`${issuer()}/account/security`);
    });

    test('a page of ours is kept (control): next=/account/security/devices', async () => {
      expect(await landing('/account/security/devices')).toBe(`${issuer()}/account/security/devices`);
      expect(await landing('%2Faccount%2Fsecurity%2Fbackup-code')).toBe(`${issuer()}/account/security/backup-code`);
    });

    test('a callback with a state this browser never started (login CSRF) is a 403 with no redirect', async () => {
      const victim = new HttpSession();
      const attacker = new HttpSession();
      const started = await attacker.get(`${issuer()}/account/sign-in?next=/account/security`);
      const state = new URL(started.location!).searchParams.get('state')!;
      expectRefused(await victim.get(`${issuer()}/account/callback?state=${state}`), 'CSRF_FAILED');
      expectRefused(await victim.get(`${issuer()}/account/callback?state=${state}&error=access_denied`), 'CSRF_FAILED');
      expectRefused(await victim.get(`${issuer()}/account/callback`), 'CSRF_FAILED');
    });

    test('extra fields on the password form (redirect_uri, next, returnTo) do not steer the sign-in', async () => {
      const session = new HttpSession();
      const login = (await journey(session, await session.get(`${issuer()}/account/sign-in?next=/account/security/devices`))).at(-1)!;
      const account = await plainAccount(world);
      const hops = await journey(session, await session.postForm(formAction(login.text, '/login', issuer()), {
        csrf: hiddenField(login.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD,
        redirect_uri: 'https://evil.example/', next: '//evil.example', returnTo: 'https://evil.example/', post_logout_redirect_uri: 'https://evil.example/',
      }));
      expect(hops.at(-1)!.url).toBe(`${issuer()}/account/security/devices`);
    });

    test('a cancelled console sign-in: the "Try again" link is still only ever our own page', async () => {
      const session = new HttpSession();
      const hops = await journey(session, await session.get(`${issuer()}/account/sign-in?next=//evil.example`));
      const login = hops.at(-1)!;
      const cancelled = await journey(session, await session.postForm(formAction(login.text, '/abort', issuer()), { csrf: hiddenField(login.text, 'csrf') }));
      const page = cancelled.at(-1)!;
      expect(new URL(page.url).pathname).toBe('/account/callback');
      expect(page.location).toBeUndefined();
      expect(page.text).toContain('access_denied');
      // Every page's language switcher is our own /language route, which only ever returns to our own paths (languages.test.ts).
      const links = [...page.text.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!).filter((href) => !href.startsWith('/static/') && !href.startsWith('/language?'));
      expect(links).toEqual(['/account/security']);
      expect(page.text).toContain('href="/language?to=fr-CA&amp;back=/account/security"');
      expectNoInternals(page);
    });
  });

});
