import { formAction, hiddenField, HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { startDemoStack } from '../helpers/start-demo-stack.ts';
import { buildAuthorization, discoverClient, openAuthorization, signIn, submitPassword } from '../helpers/oidc-flow.ts';
import { startIdp } from '../helpers/start-idp.ts';
import { openTestStore, STORE_KINDS } from '../helpers/test-stores.ts';

const PASSWORD = 'the first password';

describe.each(STORE_KINDS)('sessions, headers and health on %s', (kind) => {
  const { idp, store } = useIdpWorld(kind, { fakeTimeIn: 'nothing' });

  async function expectPasswordAsked(session: HttpSession) {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const page = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
    expect(page.status).toBe(200);
    expect(page.text).toContain('autocomplete="current-password"');
  }

  test('a password change ends the sessions that started before it', async () => {
    await idp.directory.add({ email: 'changer@example.com', password: PASSWORD });
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const { session } = await signIn({ issuer: idp.issuer, client, email: 'changer@example.com', password: PASSWORD });
    // oidc-provider stamps sessions in whole seconds of real time: stamp the change two seconds
    // on, as if made a little after the sign-in, rather than sleeping.
    const account = (await idp.directory.findByEmail('changer@example.com'))!;
    expect(await store.accounts.updatePassword(account.id, account.passwordHash, Date.now() + 2000)).toBe(true);
    await expectPasswordAsked(session);
  });

  test('removing an account ends its sessions', async () => {
    await idp.directory.add({ email: 'leaver@example.com', password: PASSWORD });
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const { session } = await signIn({ issuer: idp.issuer, client, email: 'leaver@example.com', password: PASSWORD });
    expect(await idp.directory.remove('leaver@example.com')).toBe(true);
    await expectPasswordAsked(session);
  });

  test('sign-in pages carry the security headers', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const page = await openAuthorization(new HttpSession(), idp.issuer, await buildAuthorization(client));
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const interactionCookies = page.headers.getSetCookie().join('\n');
    expect(interactionCookies === '' || /httponly/i.test(interactionCookies)).toBe(true);
  });

  test('/healthz answers 200 while the store answers', async () => {
    const response = await fetch(`${idp.issuer}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', store: kind });
  });
});

test('/healthz answers 503 when the store does not', async () => {
  const testStore = await openTestStore('sqlite');
  const idp = await startIdp({ store: testStore.store });
  try {
    await testStore.store.close();
    const response = await fetch(`${idp.issuer}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', store: 'sqlite' });
  } finally {
    await idp.close();
  }
});

test('the demo relying app signs a person in and shows acr, amr and auth_time', async () => {
  const testStore = await openTestStore('sqlite');
  const { idp, demoUrl, close } = await startDemoStack(testStore.store);
  try {
    await idp.directory.add({ email: 'demo@example.com', password: PASSWORD, name: 'Demo Person' });
    const browser = new HttpSession();
    const home = await browser.get(`${demoUrl}/`);
    expect(home.text).toContain('href="/login"');

    const toProvider = await browser.get(`${demoUrl}/login`);
    expect(toProvider.location).toMatch(new RegExp(`^${idp.issuer}/auth\\?`));
    const loginPage = await browser.follow(toProvider, idp.issuer);
    const consentPage = await submitPassword(browser, idp.issuer, loginPage, 'demo@example.com', PASSWORD);
    expect(consentPage.text).toContain('Demo app');
    const back = await browser.follow(
      await browser.postForm(formAction(consentPage.text, '/consent', idp.issuer), { csrf: hiddenField(consentPage.text, 'csrf') }),
      idp.issuer,
    );
    expect(back.location).toMatch(new RegExp(`^${demoUrl}/callback\\?`));
    const afterCallback = await browser.get(back.location!);
    expect(afterCallback.location).toBe(`${demoUrl}/`);
    const signedIn = await browser.get(`${demoUrl}/`);
    expect(signedIn.text).toContain('Demo Person');
    expect(signedIn.text).toContain('urn:oidc-mfa:password');
    expect(signedIn.text).toMatch(/<code>pwd<\/code>/);
    expect(signedIn.text).toMatch(/\d{4}-\d{2}-\d{2}T/);
  } finally {
    await close();
    await testStore.dispose();
  }
});
