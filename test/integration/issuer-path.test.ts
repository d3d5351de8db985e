import { createFakeClock } from '../helpers/fake-clock.ts';
import { HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { enrolAuthenticator, openSecurityPage } from '../helpers/mfa-flow.ts';
import { discoverClient, signIn } from '../helpers/oidc-flow.ts';
import { startIdp, type TestIdp } from '../helpers/start-idp.ts';
import { openTestStore, type TestStore } from '../helpers/test-stores.ts';

/**
 * The hosted provider with ISSUER=http://…/idp: everything is served under /idp (discovery, the
 * sign-in pages, the Security page, the files, the health probe), nothing outside it, and every
 * address a page hands out starts with /idp.
 */
let testStore: TestStore;
let idp: TestIdp;
const clock = createFakeClock(Date.now());

beforeAll(async () => {
  testStore = await openTestStore('sqlite', clock);
  idp = await startIdp({ store: testStore.store, clock, issuerPath: '/idp' });
});
afterAll(async () => {
  await idp.close();
  await testStore.dispose();
});

const originOf = (issuer: string) => new URL(issuer).origin;

function expectAddressesUnderIssuerPath(page: HttpResponse): void {
  const addresses = [...page.text.matchAll(/(?:href|action|src)="([^"]*)"/g)]
    .map((match) => match[1]!)
    .filter((value) => !/^(#|https?:|mailto:|otpauth:|data:)/.test(value));
  expect(addresses.length).toBeGreaterThan(0);
  expect({ page: page.url, outside: addresses.filter((address) => !address.startsWith('/idp/')) }).toEqual({ page: page.url, outside: [] });
}

test('discovery, the home page and the health probe live under the issuer path, and nothing outside it', async () => {
  const discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json() as Record<string, string>;
  expect(discovery.issuer).toBe(idp.issuer);
  expect(discovery.authorization_endpoint).toBe(`${idp.issuer}/auth`);
  expect((await fetch(`${idp.issuer}/healthz`)).status).toBe(200);
  expect((await fetch(`${originOf(idp.issuer)}/healthz`)).status).toBe(404);
  expect((await fetch(`${originOf(idp.issuer)}/.well-known/openid-configuration`)).status).toBe(404);
  const home = await new HttpSession().get(`${idp.issuer}/`);
  expect(home.status).toBe(200);
  expectAddressesUnderIssuerPath(home);
});

test('a sign-in, the Security page and setting up an app work under the issuer path', async () => {
  await idp.directory.add({ email: 'path@example.com', password: 'a long enough password 1' });
  const client = await discoverClient(idp.issuer, 'first-party-app');
  const { session, tokens } = await signIn({ issuer: idp.issuer, client, email: 'path@example.com', password: 'a long enough password 1' });
  expect(tokens.claims()!.iss).toBe(idp.issuer);

  const security = await openSecurityPage(session, idp.issuer);
  expect(new URL(security.url).pathname).toBe('/idp/account/security');
  expectAddressesUnderIssuerPath(security);
  const { page } = await enrolAuthenticator(session, idp.issuer, clock);
  expect(page.status).toBe(200);
  expectAddressesUnderIssuerPath(page);
});
