import * as oidc from 'openid-client';
import { expectRefused, recordingLogger } from '../helpers/abuse.ts';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, atLoginPage, hasSession, plainAccount, signedInConsole } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { discoverClient, signIn } from '../helpers/oidc-flow.ts';
import { RP_LOGGED_OUT } from '../helpers/start-idp.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { interactionRoutes } from './csrf-routes/interaction-routes.ts';
import { consoleRoutes } from './csrf-routes/console-routes.ts';
import { passkeyRoutes } from './csrf-routes/passkey-routes.ts';
import { resetRoutes } from './csrf-routes/reset-routes.ts';
import { routeKit } from './csrf-routes/route-kit.ts';
import { send, VARIANTS, withCsrf, type ForeignTokens } from './csrf-routes/variants.ts';
import { providerResultOf } from '../helpers/interaction-result.ts';

/**
 * Every POST route we expose, each first brought to the state where the request would really
 * act (the right password, the right code, a device to revoke...), then sent without a CSRF
 * token, with a forged or foreign one, from a foreign Origin or with Sec-Fetch-Site: cross-site.
 * Each must be a 403 with its message, change nothing (the interaction has no result, the
 * store is as it was), and the same request with its own token must then still work: proof
 * that the attack was aimed at something real and that the refusals consumed nothing.
 */

describe.each(STORE_KINDS)('CSRF and origin checks on every POST route on %s', (kind) => {
  let foreign: ForeignTokens;
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const world = useIdpWorld(kind, { clock, clients: ABUSE_CLIENTS, config: () => abuseConfig(), log });

  beforeAll(async () => {
    // Tokens an attacker can get legitimately: from a sign-in page and a Security page of their own.
    const { page } = await atLoginPage(world);
    const attacker = await plainAccount(world, 'attacker');
    const attackerConsole = await signedInConsole(world, attacker);
    foreign = {
      interaction: hiddenField(page.text, 'csrf'),
      console: hiddenField((await attackerConsole.get(`${world.idp.issuer}/account/security/setup`)).text, 'csrf'),
    };
  });

  afterEach(() => {
    // Nothing above may have failed inside the server: no request.failed (500) was logged.
    expect(log.failures()).toEqual([]);
  });

  const kit = routeKit(world, clock);
  const { issuer, interaction } = kit;
  const ROUTES = [...interactionRoutes(kit), ...consoleRoutes(kit), ...passkeyRoutes(kit), ...resetRoutes(kit)];

  test('the table covers every POST route the routers define', () => {
    // @koa/router hangs its router on the middleware it returns: read the POST routes it registered.
    const defined = world.idp.app.middleware
      .flatMap((mw) => (mw as { router?: { stack: { methods: string[]; path: string }[] } }).router?.stack ?? [])
      .filter((layer) => layer.methods.includes('POST'))
      .map((layer) => layer.path);
    expect(defined.length).toBeGreaterThan(0);
    expect(new Set(ROUTES.map((r) => r.route))).toEqual(new Set(defined));
  });

  test.each(ROUTES.map((r) => [r.route, r] as const))('POST %s: every forged or cross-site variant is a 403 and changes nothing', async (_route, { arm }) => {
    const armed = await arm(world);
    const before = await armed.snapshot();
    for (const variant of VARIANTS) {
      const response = await send(armed, variant, foreign, issuer());
      try {
        expectRefused(response, variant.code);
      } catch (error) {
        throw new Error(`${variant.name}: ${(error as Error).message}`);
      }
    }
    expect(await armed.snapshot()).toEqual(before);
    if (armed.uid) expect(providerResultOf(await interaction(armed.uid))).toBeUndefined();
    // The same request with its own token, from our own page, still works: nothing was used up.
    await armed.expectDone(await armed.session.postForm(armed.url, armed.fields));
  });

  test.each(ROUTES.map((r) => [r.route, r] as const))('POST %s from a browser without our cookies: refused before anything is read', async (route, { arm, sessionless }) => {
    const armed = await arm(world);
    const before = await armed.snapshot();
    const stranger = new HttpSession();
    if (sessionless) {
      // No cookie owns these forms (a forgotten password has no session): the link or the purpose does, so only the origin checks apply.
      expectRefused(await stranger.postForm(armed.url, armed.fields, { origin: 'https://evil.example' }), 'ORIGIN_REJECTED');
      expectRefused(await stranger.postForm(armed.url, armed.fields, { 'sec-fetch-site': 'cross-site' }), 'ORIGIN_REJECTED');
      expect(await armed.snapshot()).toEqual(before);
      return;
    }
    // No cookie means no interaction (400) or no session (401): the route cannot even tell what the form is for.
    // The Origin check comes first in both routers, so a foreign Origin is a 403 whatever else is missing.
    const missing = route.startsWith('/interaction/') ? 'INTERACTION_EXPIRED' : 'NOT_SIGNED_IN';
    expectRefused(await stranger.postForm(armed.url, armed.fields), missing);
    expectRefused(await stranger.postForm(armed.url, withCsrf(armed.fields)), missing);
    expectRefused(await stranger.postForm(armed.url, armed.fields, { origin: 'https://evil.example' }), 'ORIGIN_REJECTED');
    expectRefused(await stranger.postForm(armed.url, armed.fields, { 'sec-fetch-site': 'cross-site' }), 'ORIGIN_REJECTED');
    expect(await armed.snapshot()).toEqual(before);
  });

  test("oidc-provider's sign-out confirmation: without its xsrf token, or with another browser's, nobody is signed out", async () => {
    const account = await plainAccount(world);
    const client = await discoverClient(issuer(), 'first-party-app');
    const victim = await signIn({ issuer: issuer(), client, email: account.email, password: ABUSE_PASSWORD });
    const other = await signIn({ issuer: issuer(), client, email: account.email, password: ABUSE_PASSWORD });
    const endSession = (tokens: typeof victim.tokens) => oidc.buildEndSessionUrl(client, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_LOGGED_OUT }).href;
    const confirm = await victim.session.get(endSession(victim.tokens));
    const otherConfirm = await other.session.get(endSession(other.tokens));
    const action = formAction(confirm.text, '/session/end/confirm', issuer());
    for (const fields of [{ logout: 'yes' } as Record<string, string>, { logout: 'yes', xsrf: '' }, { logout: 'yes', xsrf: hiddenField(otherConfirm.text, 'xsrf') }]) {
      const response = await victim.session.postForm(action, fields);
      expect(response.status).toBe(400);
      expect(response.location).toBeUndefined();
      expect(response.text).toContain('invalid_request');
    }
    expect(await hasSession(world, victim.session)).toBe(true);
  });
});
