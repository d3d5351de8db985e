import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createMfa, openSqliteStore } from '../../src/index.ts';
import { ACR } from '../../src/oidc/acr.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { codeFor, openSecurityPage, submitCode, textOf } from '../helpers/mfa-flow.ts';
import { RP_CALLBACK } from '../helpers/start-idp.ts';
import { testKeys } from '../helpers/test-config.ts';
import { hostDirectory, hostProvider } from '../helpers/plugin-host.ts';

/**
 * A host that serves its provider under a path, the way oidc-provider's docs mount it in Express
 * (`app.use('/idp', provider.callback())`): the issuer is `…/idp`, requests reach the provider
 * with the prefix stripped (req.url) and the full path kept (req.originalUrl). Every address the
 * plugin hands out — links, form actions, files, redirects, cookie paths — must carry `/idp`.
 */
const MOUNT = '/idp';

function mounted(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url === MOUNT || url.startsWith(`${MOUNT}/`) || url.startsWith(`${MOUNT}?`)) {
      req.originalUrl = url;
      req.url = url.slice(MOUNT.length) || '/';
      return handler(req, res);
    }
    // The host's own pages: nothing of the provider's answers outside its mount.
    res.statusCode = 404;
    res.end('not the provider');
  };
}

/** Every address on a page that points at this host: href, action, src and the passkey script's options URL. */
function ownAddressesOf(html: string): string[] {
  const values = [...html.matchAll(/(?:href|action|src|data-options-url)="([^"]*)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
  return values.filter((value) => !/^(#|https?:|mailto:|otpauth:|data:)/.test(value));
}

function expectAllMounted(page: HttpResponse): void {
  const addresses = ownAddressesOf(page.text);
  expect(addresses.length).toBeGreaterThan(0);
  const outside = addresses.filter((address) => !address.startsWith(`${MOUNT}/`));
  expect({ page: page.url, outside }).toEqual({ page: page.url, outside: [] });
}

async function startMountedHost() {
  const clock = createFakeClock(Date.now());
  const store = openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${MOUNT}`;
  const keys = testKeys();
  const mfa = createMfa({ issuer, directory: hostDirectory({ login: 'kim', id: 'mounted-user-1', email: 'kim@host.example', password: 'host password 2' }), store, sealingKeys: [{ id: 'm1', key: randomBytes(32) }], secrets: keys.secrets, clock });
  const provider = hostProvider(issuer, mfa, {
    store, keys, clients: [{ client_id: 'mounted-app', token_endpoint_auth_method: 'none', redirect_uris: [RP_CALLBACK], first_party: true, require_mfa: true }],
  });
  mfa.install(provider);
  server.on('request', mounted(provider.callback()));
  return {
    clock,
    origin,
    issuer,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}

let host: Awaited<ReturnType<typeof startMountedHost>>;
/** The authenticator key the first test sets up at sign-in; the second signs in with it (tests in a file run in order). */
let enrolledKey: string | undefined;
beforeAll(async () => {
  host = await startMountedHost();
});
afterAll(() => host.close());

test('under a mount prefix, a sign-in with enrolment and the Security page hand out only addresses under the prefix', async () => {
  const { issuer, clock } = host;
  const client = await discoverClient(issuer, 'mounted-app');
  const session = new HttpSession();
  const authorization = await buildAuthorization(client, { scope: 'openid' });

  const login = await openAuthorization(session, issuer, authorization);
  expect(new URL(login.url).pathname).toMatch(/^\/idp\/interaction\/[\w-]+$/);
  expectAllMounted(login);
  // The page's own files are served under the mount.
  const css = await session.get(`${host.origin}${MOUNT}/static/site.css`);
  expect(css.status).toBe(200);

  const enrol = await submitPassword(session, issuer, login, 'kim', 'host password 2');
  expect(enrol.text).toContain('id="totp-key"');
  expectAllMounted(enrol);
  const key = textOf(enrol.text, 'totp-key');
  enrolledKey = key;
  const shown = await session.submitForm(formAction(enrol.text, '/enrol', issuer), { csrf: hiddenField(enrol.text, 'csrf'), code: codeFor(key, clock) });
  expect(shown.text).toContain('id="backup-code"');
  expectAllMounted(shown);
  const callback = await session.follow(await session.postForm(formAction(shown.text, '/continue', issuer), { csrf: hiddenField(shown.text, 'csrf') }), issuer);
  expect(isCallback(callback)).toBe(true);
  const claims = (await redeemCode(client, callback, authorization)).claims()!;
  expect(claims.sub).toBe('mounted-user-1');
  expect(claims.acr).toBe(ACR.mfaSetUpAtSignIn);

  // Back after finishing: the finished-sign-in cookie was scoped to the mounted interaction path.
  const back = await session.get(login.url);
  expect(back.text).toContain('You already finished signing in to');
  expectAllMounted(back);

  // The Security page signs in through the mounted authorization endpoint and comes back to /idp/account/….
  clock.advance(30_000);
  const security = await openSecurityPage(session, issuer, { email: 'kim', password: 'host password 2', key, clock });
  expect(new URL(security.url).pathname).toBe(`${MOUNT}/account/security`);
  expect(security.status).toBe(200);
  expectAllMounted(security);
  // Sign out is oidc-provider's own end_session route, under the mount too.
  expect(security.text).toContain(`href="${issuer}/session/end"`);

  // Every page the Security page links to answers under the mount and links only under it.
  const links = [...new Set(ownAddressesOf(security.text).filter((address) => address.startsWith(`${MOUNT}/account/`) && !security.text.includes(`action="${address}"`)))];
  expect(links.length).toBeGreaterThanOrEqual(3);
  for (const link of links) {
    const page = await session.follow(await session.get(`${host.origin}${link}`), host.origin);
    expect({ link, status: page.status }).toEqual({ link, status: 200 });
    expectAllMounted(page);
  }
});

test('under a mount prefix, a code submitted from the challenge page finishes the sign-in, and error pages lead back under the prefix', async () => {
  const { issuer, clock } = host;
  const client = await discoverClient(issuer, 'mounted-app');
  // A fresh browser: the account is enrolled (the test above), so the sign-in asks for a code.
  expect(enrolledKey).toBeDefined();
  const session = new HttpSession();
  const authorization = await buildAuthorization(client, { scope: 'openid' });
  const login = await openAuthorization(session, issuer, authorization);
  clock.advance(30_000);
  const challenge = await submitPassword(session, issuer, login, 'kim', 'host password 2');
  expect(challenge.text).toContain('autocomplete="one-time-code"');
  expectAllMounted(challenge);
  const wrong = await submitCode(session, issuer, challenge, '000000');
  expectAllMounted(wrong);
  const callback = await submitCode(session, issuer, wrong, codeFor(enrolledKey!, clock));
  expect(isCallback(callback)).toBe(true);

  // An interaction that does not exist: a clear page whose ways on stay under the mount.
  const gone = await session.get(`${issuer}/interaction/no-such-interaction`);
  expect(gone.status).toBeGreaterThanOrEqual(400);
  expect(gone.status).toBeLessThan(500);
  expectAllMounted(gone);
  // The plugin's paths without the prefix are not the provider's: the host answers them.
  const outside = await session.get(`${host.origin}/account/security`);
  expect(outside.text).toBe('not the provider');
});
