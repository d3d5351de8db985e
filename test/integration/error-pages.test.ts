import type { ClientMetadata } from 'oidc-provider';
import { expectNoInternals } from '../helpers/abuse.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { buildAuthorization, discoverClient, openAuthorization } from '../helpers/oidc-flow.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { RP_CALLBACK, RP_LOGGED_OUT, TEST_CLIENTS } from '../helpers/start-idp.ts';
import { testConfig } from '../helpers/test-config.ts';

/** Every error page: a heading and message in plain words, the ways on as links, the code in small print, nothing internal. */

const SUPPORT_URL = 'https://help.example.com/sign-in';
const SUPPORT_EMAIL = 'help@example.com';

const CLIENTS: ClientMetadata[] = [
  ...TEST_CLIENTS,
  // An app that registered its home page.
  { client_id: 'with-home', client_name: 'App With Home', client_uri: 'https://home.example/', token_endpoint_auth_method: 'none', redirect_uris: [RP_CALLBACK] },
];

interface Page {
  status: number;
  title: string;
  message: string;
  ways: { href: string; text: string }[];
  code: string | undefined;
  details: string | undefined;
}

const decode = (text: string) => text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** An error page as a person reads it. */
function read(response: HttpResponse | { status: number; text: string }): Page {
  const html = response.text;
  const list = /<ul class="ways">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return {
    status: response.status,
    title: decode(/<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? ''),
    message: decode(/<p class="message" role="alert">([^<]*)<\/p>/.exec(html)?.[1] ?? ''),
    ways: [...list.matchAll(/<a ([^>]*)>([^<]*)<\/a>/g)].map(([, attributes, text]) => ({ href: decode(/href="([^"]*)"/.exec(attributes!)![1]!), text: decode(text!) })),
    code: /Error code: <code>([^<]*)<\/code>/.exec(html)?.[1],
    details: /Details for the app's developer: ([^<]*)<\/p>/.exec(decode(html))?.[1],
  };
}

const supportWays = [{ href: SUPPORT_URL, text: 'Contact support' }, { href: `mailto:${SUPPORT_EMAIL}`, text: `Email support: ${SUPPORT_EMAIL}` }];

describe('error pages say what happened and offer the way on', () => {
  const world = useIdpWorld('sqlite', {
    clients: CLIENTS,
    config: () => ({ mfa: { ...testConfig().mfa, supportUrl: SUPPORT_URL, supportEmail: SUPPORT_EMAIL } }),
  });
  const issuer = () => world.idp.issuer;

  function authorizeUrl(params: Record<string, string>): string {
    const url = new URL('/auth', issuer());
    url.search = new URLSearchParams({ response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', ...params }).toString();
    return url.href;
  }

  test('an unknown app: says the app is not registered, no raw "client is invalid" as the message, no link to an unknown app', async () => {
    const response = await new HttpSession().get(authorizeUrl({ client_id: 'no-such-app', redirect_uri: 'https://evil.example/callback' }));
    const page = read(response);
    expect(page).toMatchObject({ status: 400, title: "This app isn't registered here", code: 'invalid_client' });
    expect(page.message).toContain('is not one this sign-in service knows');
    expect(page.message).not.toContain('client is invalid');
    expect(page.ways).toEqual([{ href: '/account/security', text: 'Go to your account security page' }, ...supportWays]);
    expect(response.text).not.toContain('evil.example');
    expectNoInternals(response);
  });

  test('an unregistered return address: plain words, and "Back to" the address the app registered, never the one sent', async () => {
    const response = await new HttpSession().get(authorizeUrl({ client_id: 'first-party-app', redirect_uri: 'https://evil.example/callback' }));
    const page = read(response);
    expect(page).toMatchObject({ status: 400, title: "The app gave a return address we don't know", code: 'invalid_redirect_uri' });
    expect(page.details).toBe("redirect_uri did not match any of the client's registered redirect_uris");
    expect(page.ways).toEqual([{ href: RP_LOGGED_OUT, text: 'Back to First Party App' }, ...supportWays]);
    expect(response.text).not.toContain('evil.example');
  });

  test("an app's registered home page (client_uri) is where \"Back to\" leads", async () => {
    const page = read(await new HttpSession().get(authorizeUrl({ client_id: 'with-home', redirect_uri: 'https://evil.example/callback' })));
    expect(page.ways[0]).toEqual({ href: 'https://home.example/', text: 'Back to App With Home' });
  });

  test("oidc-provider's sign-out page with a bad request: plain words, the code, the developer's detail in small print", async () => {
    const response = await new HttpSession().get(`${issuer()}/session/end?id_token_hint=not-a-token`);
    const page = read(response);
    expect(page).toMatchObject({ status: 400, title: "The app sent a request we can't accept", code: 'invalid_request', details: 'could not decode id_token_hint' });
    expect(page.ways.at(0)).toEqual({ href: '/account/security', text: 'Go to your account security page' });
    expectNoInternals(response);
  });

  describe('inside a sign-in', () => {
    async function loginPage() {
      const session = new HttpSession();
      const client = await discoverClient(issuer(), 'first-party-app');
      const page = await openAuthorization(session, issuer(), await buildAuthorization(client));
      return { session, page, uid: new URL(page.url).pathname.split('/')[2]! };
    }

    test('a form that expired (bad CSRF token): back into this sign-in, back to its app, support', async () => {
      const { session, page, uid } = await loginPage();
      const response = await session.postForm(formAction(page.text, '/login', issuer()), { csrf: 'stale', email: 'a@example.com', password: 'whatever-password' });
      const error = read(response);
      expect(error).toMatchObject({ status: 403, title: 'This form has expired', code: 'CSRF_FAILED' });
      expect(error.ways).toEqual([
        { href: `/interaction/${uid}`, text: 'Return to your sign-in' },
        { href: RP_LOGGED_OUT, text: 'Back to First Party App' },
        ...supportWays,
      ]);
      // The first way on works: the sign-in page again, ready for the password.
      const back = await session.get(new URL(error.ways[0]!.href, issuer()).href);
      expect(back.status).toBe(200);
      expect(back.text).toContain('autocomplete="current-password"');
    });

    test('the first link is the main action (a button)', async () => {
      const { session, page } = await loginPage();
      const response = await session.postForm(formAction(page.text, '/login', issuer()), { csrf: 'stale', email: 'a@example.com', password: 'whatever-password' });
      expect(response.text).toMatch(/<ul class="ways"><li><a class="button primary" href="\/interaction\/[\w-]+">Return to your sign-in<\/a>/);
    });

    test('an expired sign-in: says so, and still leads somewhere (never back into the dead sign-in)', async () => {
      const { session, page, uid } = await loginPage();
      const action = formAction(page.text, '/login', issuer());
      const csrf = hiddenField(page.text, 'csrf');
      // Another browser has no interaction cookie: for it the sign-in does not exist.
      const response = await new HttpSession().postForm(action, { csrf, email: 'a@example.com', password: 'whatever-password' });
      const error = read(response);
      expect(error).toMatchObject({ status: 400, title: 'This sign-in has expired', code: 'INTERACTION_EXPIRED' });
      expect(error.message).toContain('Go back to the app you were signing in to and start again');
      expect(error.ways.map((w) => w.href)).not.toContain(`/interaction/${uid}`);
      expect(error.ways).toEqual([{ href: '/account/security', text: 'Go to your account security page' }, ...supportWays]);
      void session;
    });

    test('a finished sign-in, resumed again (Back, then forward): the expired page in our words, not oidc-provider\'s', async () => {
      const { session, page } = await loginPage();
      const abort = await session.postForm(formAction(page.text, '/abort', issuer()), { csrf: hiddenField(page.text, 'csrf') });
      expect(abort.status).toBe(303);
      const resume = await session.get(abort.location!);
      expect(resume.location).toMatch(new RegExp(`^${RP_CALLBACK}\\?error=access_denied`));
      const again = read(await session.get(abort.location!));
      expect(again).toMatchObject({ status: 400, title: 'This sign-in has expired', code: 'INTERACTION_EXPIRED' });
      expect(again.ways.length).toBeGreaterThan(0);
    });
  });

  test('an address with no page: "Page not found" and a way somewhere', async () => {
    const page = read(await new HttpSession().get(`${issuer()}/no/such/page`));
    expect(page).toMatchObject({ status: 404, title: 'Page not found', code: 'NOT_FOUND' });
    expect(page.ways[0]).toEqual({ href: '/account/security', text: 'Go to your account security page' });
  });

  test('another host name: 421, and a link to the right one', async () => {
    const response = await rawRequest(`${issuer()}/account/security`, { headers: { host: 'evil.example', accept: 'text/html' } });
    const page = read(response);
    expect(page).toMatchObject({ status: 421, title: 'Wrong address for this service', code: 'MISDIRECTED_REQUEST' });
    expect(page.ways[0]).toEqual({ href: `${issuer()}/account/security`, text: `Go to ${new URL(issuer()).host}` });
  });

  test('JSON callers still get JSON, without the links', async () => {
    const response = await new HttpSession().request(`${issuer()}/no/such/page`, { headers: { accept: 'application/json' } });
    expect(JSON.parse(response.text)).toEqual({ error: 'NOT_FOUND', error_description: 'There is no page at this address.' });
  });
});

describe('without a support contact configured', () => {
  const world = useIdpWorld('sqlite');

  test('no support links, and still a way on', async () => {
    const page = read(await new HttpSession().get(`${world.idp.issuer}/no/such/page`));
    expect(page.ways).toEqual([{ href: '/account/security', text: 'Go to your account security page' }]);
  });

  test('the home page leads to the Security page and, in development, the demo app', async () => {
    const response = await new HttpSession().get(`${world.idp.issuer}/`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('<a href="/account/security">Manage your sign-in security</a>');
    expect(response.text).toContain(`<a href="http://localhost:${world.idp.config.demoApp.port}">Try the demo app</a>`);
    expect(response.text).toContain('href="/.well-known/openid-configuration"');
  });
});
