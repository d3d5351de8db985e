/**
 * Remembered consent, attacked through state rather than input: no grant made for one account
 * ever serves another (same browser, same app), no grant made for one app ever serves another, a
 * grant written back after a security event is not remembered, and "Remove access" removes only
 * the signed-in account's own grants — a forged grant id is a clear 404 that changes nothing.
 */
import { expectRefused, recordingLogger } from '../helpers/abuse.ts';
import { abuseConfig, plainAccount, signedInConsole, type AbuseWorld } from '../helpers/abuse-accounts.ts';
import {
  allowAndRedeem, appsListed, askedFor, CONSENT_CLIENTS, isConsentPage, OFFLINE, reachConsent, refreshWith, signInToApp, signOut,
} from '../helpers/consent-flow.ts';
import { hiddenField, type HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

const EVERYTHING = ['Know who you are when you sign in', 'See your email address', 'See your name'];

describe.each(STORE_KINDS)('remembered consent under attack on %s', (kind) => {
  const log = recordingLogger();
  const world = useIdpWorld(kind, { clients: CONSENT_CLIENTS, config: () => abuseConfig(), log });
  const issuer = () => world.idp.issuer;

  afterEach(() => {
    // Every refusal below is a 4xx: nothing failed inside the server.
    expect(log.failures()).toEqual([]);
  });

  const grantsOf = async (w: AbuseWorld, accountId: string) =>
    (await w.store.grants.listGrants(accountId)).filter((grant) => grant.clientId !== 'oidc-mfa-account').map(({ id, clientId, openid }) => ({ id, clientId, openid }));

  test("account A's consent never serves account B on the same browser and app", async () => {
    const alice = await plainAccount(world, 'alice');
    const bob = await plainAccount(world, 'bob');
    const first = await signInToApp(world, alice);
    expect(first.asked).toBe(true);
    await signOut(world, first.browser, first.tokens.id_token!);
    const aliceGrants = await grantsOf(world, alice.id);

    // Bob on Alice's browser, the same app: asked for everything, as himself.
    const reached = await reachConsent(world, bob, { browser: first.browser });
    expect(isConsentPage(reached.page)).toBe(true);
    expect(askedFor(reached.page)).toEqual(EVERYTHING);
    expect(reached.page.text).toContain(bob.email);
    expect(reached.page.text).not.toContain(alice.email);
    const tokens = await allowAndRedeem(world, reached);
    expect(tokens.claims()!.sub).toBe(bob.id);

    expect(await grantsOf(world, alice.id)).toEqual(aliceGrants);
    const bobGrants = await grantsOf(world, bob.id);
    expect(bobGrants).toHaveLength(1);
    expect(bobGrants[0]!.id).not.toBe(aliceGrants[0]!.id);
  });

  test("consent to app X never serves app Y, on a new browser or on X's own session", async () => {
    const person = await plainAccount(world, 'two-apps');
    const x = await signInToApp(world, person);
    expect(x.asked).toBe(true);
    const [xGrant] = await grantsOf(world, person.id);

    const elsewhere = await reachConsent(world, person, { clientId: 'other-app' });
    expect(isConsentPage(elsewhere.page)).toBe(true);
    expect(elsewhere.page.text).toContain('Other App');
    expect(askedFor(elsewhere.page)).toEqual(EVERYTHING);

    const sameBrowser = await reachConsent(world, person, { clientId: 'other-app', browser: x.browser });
    expect(isConsentPage(sameBrowser.page)).toBe(true);
    expect(askedFor(sameBrowser.page)).toEqual(EVERYTHING);
    await allowAndRedeem(world, sameBrowser);

    const grants = await grantsOf(world, person.id);
    expect(grants.map((grant) => grant.clientId).sort()).toEqual(['other-app', 'third-party-app']);
    expect(grants.find((grant) => grant.clientId === 'third-party-app')).toEqual(xGrant);
  });

  test('a grant written back after "sign out everywhere" (a write that lost its race) is not remembered', async () => {
    const person = await plainAccount(world, 'racing');
    await signInToApp(world, person);
    const [stored] = await world.store.grants.listGrants(person.id);
    const console = await signedInConsole(world, person);
    const security = await console.get(`${issuer()}/account/security`);
    const done = await console.submitForm(`${issuer()}/account/security/sign-out-everywhere`, { csrf: hiddenField(security.text, 'csrf') });
    expect(done.text).toContain('Signed out everywhere');
    expect(await grantsOf(world, person.id)).toEqual([]);

    const { id, ...payload } = stored!;
    await world.store.adapterFactory('Grant').upsert(id, { ...payload, jti: id }, 3600);
    expect((await grantsOf(world, person.id)).map((grant) => grant.id)).toEqual([id]);

    const reached = await reachConsent(world, person);
    expect(isConsentPage(reached.page)).toBe(true);
    expect(askedFor(reached.page)).toEqual(EVERYTHING);
  });

  describe('Remove access', () => {
    async function consoleOf(person: { email: string }): Promise<{ console: HttpSession; csrf: string }> {
      const console = await signedInConsole(world, person);
      return { console, csrf: hiddenField((await console.get(`${issuer()}/account/security`)).text, 'csrf') };
    }
    const remove = (console: HttpSession, csrf: string, grant: string) => console.postForm(`${issuer()}/account/security/apps/remove`, { csrf, grant });

    test("a forged grant id — another account's, a first-party app's, made up, empty, over-long — is 404 GRANT_NOT_FOUND and changes nothing", async () => {
      const alice = await plainAccount(world, 'remover');
      const bob = await plainAccount(world, 'victim');
      await signInToApp(world, alice);
      const bobsApp = await signInToApp(world, bob, { extra: OFFLINE });
      await signInToApp(world, alice, { clientId: 'first-party-app' });
      const [bobsGrant] = await grantsOf(world, bob.id);
      const firstParty = (await world.store.grants.listGrants(alice.id)).find((grant) => grant.clientId === 'first-party-app')!;
      const { console, csrf } = await consoleOf(alice);
      const everything = async (accountId: string) => (await world.store.grants.listGrants(accountId)).sort((a, b) => a.id.localeCompare(b.id));
      const before = { alice: await everything(alice.id), bob: await everything(bob.id) };
      for (const forged of [bobsGrant!.id, firstParty.id, 'A'.repeat(43), '', 'x'.repeat(5000), `${bobsGrant!.id} `]) {
        expectRefused(await remove(console, csrf, forged), 'GRANT_NOT_FOUND');
      }
      expect(await everything(alice.id)).toEqual(before.alice);
      expect(await everything(bob.id)).toEqual(before.bob);
      // Bob's app still works, and Bob still sees it on his page.
      expect((await refreshWith(world, bobsApp.tokens.refresh_token!)).status).toBe(200);
      const bobsPage = await (await signedInConsole(world, bob)).get(`${issuer()}/account/security`);
      expect(appsListed(bobsPage).map((app) => app.grantId)).toEqual([bobsGrant!.id]);
      expect(log.lines.filter((line) => line.event === 'consent.revoked')).toEqual([]);
    });

    test('the store refuses another account\'s grant on its own, whatever the page let through', async () => {
      const alice = await plainAccount(world, 'store-alice');
      const bob = await plainAccount(world, 'store-bob');
      await signInToApp(world, bob);
      const [bobsGrant] = await grantsOf(world, bob.id);
      expect(await world.store.grants.revokeGrant(alice.id, bobsGrant!.id)).toBe(false);
      expect(await grantsOf(world, bob.id)).toEqual([bobsGrant]);
    });

    test('removed once, audited once: two posts at once give one 303 and one 404', async () => {
      const person = await plainAccount(world, 'twice');
      await signInToApp(world, person);
      const [grant] = await grantsOf(world, person.id);
      const { console, csrf } = await consoleOf(person);
      const answers = await Promise.all([remove(console, csrf, grant!.id), remove(console, csrf, grant!.id)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([303, 404]);
      expectRefused(answers.find((answer) => answer.status === 404)!, 'GRANT_NOT_FOUND');
      const events = log.lines.filter((line) => line.event === 'consent.revoked' && line.fields.accountId === person.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.fields).toMatchObject({ audit: true, accountId: person.id, clientId: 'third-party-app', details: { grants: 1 } });
      expect(JSON.stringify(events[0])).not.toContain(grant!.id);
    });

    test('an app left several grants by older sessions: one "Remove access" removes them all', async () => {
      const person = await plainAccount(world, 'legacy');
      const first = await signInToApp(world, person, { extra: OFFLINE });
      // As sessions did before consent was remembered: a second grant of the same app and account.
      const [kept] = await world.store.grants.listGrants(person.id);
      const { id: _id, ...payload } = kept!;
      await world.store.adapterFactory('Grant').upsert('legacy-grant-of-an-older-session', { ...payload, jti: 'legacy-grant-of-an-older-session' }, 600);
      expect(await grantsOf(world, person.id)).toHaveLength(2);

      const { console } = await consoleOf(person);
      const page = await console.get(`${issuer()}/account/security`);
      const [listed, ...more] = appsListed(page);
      expect(more).toEqual([]);
      const done = await remove(console, hiddenField(page.text, 'csrf'), listed!.grantId);
      expect(done.status).toBe(303);
      expect(await grantsOf(world, person.id)).toEqual([]);
      expect(await refreshWith(world, first.tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });
  });
});
