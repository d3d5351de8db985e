import { ERRORS } from '../../src/errors.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { startIdp } from '../helpers/start-idp.ts';
import { openTestStore, STORE_KINDS } from '../helpers/test-stores.ts';

const EMAIL = 'grace@example.com';
const PASSWORD = 'a long and correct password';

/** The page with its per-interaction parts (uid in URLs, CSRF token) blanked, to compare two answers. */
function comparable(page: HttpResponse): string {
  return page.text.replace(/\/interaction\/[\w-]+/g, '/interaction/UID').replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="TOKEN"');
}

describe.each(STORE_KINDS)('bad input at sign-in on %s: a clear 4xx and nothing changes', (kind) => {
  const { idp, clock } = useIdpWorld(kind, { fakeTimeIn: 'store', config: { login: { maxFailuresPerAccount: 3, maxFailuresPerIp: 1000, failureWindowSeconds: 900 } } });

  beforeAll(async () => {
    await idp.directory.add({ email: EMAIL, password: PASSWORD });
  });

  async function loginPage(session = new HttpSession()) {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const page = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
    expect(page.status).toBe(200);
    return { session, page, client };
  }

  async function expectStillSignedOut(session: HttpSession) {
    const { page } = await loginPage(session);
    expect(page.text).toContain('autocomplete="current-password"');
  }

  test('an unknown email and a wrong password give the same status and the same page', async () => {
    const first = await loginPage();
    const unknown = await submitPassword(first.session, idp.issuer, first.page, 'nobody@example.com', PASSWORD);
    const second = await loginPage();
    const wrong = await submitPassword(second.session, idp.issuer, second.page, 'nobody-else@example.com', 'wrong password!');
    expect(unknown.status).toBe(400);
    expect(wrong.status).toBe(400);
    expect(comparable(unknown).replace('nobody@', 'X@')).toBe(comparable(wrong).replace('nobody-else@', 'X@'));
    expect(unknown.text).toContain(ERRORS.INVALID_CREDENTIALS.message);
    await expectStillSignedOut(first.session);
  });

  test.each([
    ['missing email', { email: '', password: PASSWORD }, 'EMAIL_REQUIRED'],
    ['missing password', { email: EMAIL, password: '' }, 'PASSWORD_REQUIRED'],
    ['absurdly long email', { email: `${'a'.repeat(5000)}@example.com`, password: PASSWORD }, 'EMAIL_TOO_LONG'],
    ['absurdly long password', { email: EMAIL, password: 'p'.repeat(1025) }, 'PASSWORD_TOO_LONG'],
  ] as const)('%s: 400 with a message', async (_label, fields, code) => {
    const { session, page } = await loginPage();
    const response = await session.submitForm(formAction(page.text, "/login", idp.issuer), { csrf: hiddenField(page.text, "csrf"), ...fields });
    expect(response.status).toBe(ERRORS[code].status);
    expect(response.text).toContain(ERRORS[code].message);
    await expectStillSignedOut(session);
  });

  test('a body over the limit is refused with 413; a non-form content type with 415', async () => {
    const { session, page } = await loginPage();
    const action = formAction(page.text, '/login', idp.issuer);
    const huge = await session.postForm(action, { csrf: hiddenField(page.text, 'csrf'), email: EMAIL, password: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(huge.text).toContain(ERRORS.BODY_TOO_LARGE.message);
    const json = await session.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: idp.issuer, accept: 'text/html' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(json.status).toBe(415);
    await expectStillSignedOut(session);
  });

  test('a CSRF token from another interaction, a forged one, or none: 403 and no sign-in', async () => {
    const a = await loginPage();
    const b = await loginPage();
    const actionB = formAction(b.page.text, '/login', idp.issuer);
    for (const csrf of [hiddenField(a.page.text, 'csrf'), 'forged', '']) {
      const response = await b.session.postForm(actionB, { csrf, email: EMAIL, password: PASSWORD });
      expect(response.status).toBe(403);
      expect(response.text).toContain('CSRF_FAILED');
    }
    await expectStillSignedOut(b.session);
  });

  test('a form posted from another origin is refused with 403', async () => {
    const { session, page } = await loginPage();
    const response = await session.postForm(formAction(page.text, '/login', idp.issuer),
      { csrf: hiddenField(page.text, 'csrf'), email: EMAIL, password: PASSWORD }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.text).toContain('ORIGIN_REJECTED');
    await expectStillSignedOut(session);
  });

  test('replaying a finished sign-in form is refused and signs nobody in again', async () => {
    const { session, page } = await loginPage();
    const action = formAction(page.text, '/login', idp.issuer);
    const fields = { csrf: hiddenField(page.text, 'csrf'), email: EMAIL, password: PASSWORD };
    const done = await session.follow(await session.postForm(action, fields), idp.issuer);
    expect(isCallback(done)).toBe(true);
    const replay = await new HttpSession().postForm(action, fields);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('INTERACTION_EXPIRED');
  });

  test('an expired interaction shows a person-readable 400 page, not a stack trace', async () => {
    const { session, page } = await loginPage();
    clock.advance((idp.config.ttl.interactionSeconds + 60) * 1000);
    const response = await session.postForm(formAction(page.text, '/login', idp.issuer), { csrf: hiddenField(page.text, 'csrf'), email: EMAIL, password: PASSWORD });
    expect(response.status).toBe(400);
    expect(response.text).toContain(ERRORS.INTERACTION_EXPIRED.message);
    expect(response.text).not.toMatch(/at \w+ \(|node_modules/);
    const unknown = await session.get(`${idp.issuer}/interaction/not-a-real-uid`);
    expect(unknown.status).toBe(400);
  });

  test('an unregistered redirect_uri gets an error page and no redirect', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client, { redirect_uri: 'https://evil.example/callback' });
    const response = await new HttpSession().get(authorization.url);
    expect(response.status).toBe(400);
    expect(response.location).toBeUndefined();
    expect(response.text).toContain('redirect_uri');
  });

  test('after 3 failures the account locks: even the right password gets the same generic answer', async () => {
    const email = 'locked@example.com';
    await idp.directory.add({ email, password: PASSWORD });
    for (let i = 0; i < 3; i += 1) {
      const { session, page } = await loginPage();
      expect((await submitPassword(session, idp.issuer, page, email, 'wrong password!')).status).toBe(400);
    }
    const { session, page } = await loginPage();
    const locked = await submitPassword(session, idp.issuer, page, email, PASSWORD);
    expect(locked.status).toBe(400);
    expect(locked.text).toContain('data-code="INVALID_CREDENTIALS"');
    expect(comparable(locked)).toContain(ERRORS.INVALID_CREDENTIALS.message);
    await expectStillSignedOut(session);

    clock.advance(901_000);
    const later = await loginPage();
    const done = await submitPassword(later.session, idp.issuer, later.page, email, PASSWORD);
    expect(isCallback(done)).toBe(true);
  });
});

describe('failures per IP', () => {
  test('past the per-IP limit every sign-in from that address gets 429, whatever the account', async () => {
    const testStore = await openTestStore('sqlite');
    const idp = await startIdp({ store: testStore.store, config: { login: { maxFailuresPerAccount: 100, maxFailuresPerIp: 2, failureWindowSeconds: 900 } } });
    try {
      await idp.directory.add({ email: EMAIL, password: PASSWORD });
      const client = await discoverClient(idp.issuer, 'first-party-app');
      const attempt = async (email: string, password: string) => {
        const session = new HttpSession();
        const page = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
        return submitPassword(session, idp.issuer, page, email, password);
      };
      expect((await attempt('a@example.com', 'wrong password!')).status).toBe(400);
      expect((await attempt('b@example.com', 'wrong password!')).status).toBe(400);
      const blocked = await attempt(EMAIL, PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.text).toContain(ERRORS.TOO_MANY_ATTEMPTS.message);
    } finally {
      await idp.close();
      await testStore.dispose();
    }
  });
});
