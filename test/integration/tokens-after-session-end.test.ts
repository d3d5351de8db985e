/**
 * Tokens do not outlive the events that end an account's sessions: "Sign out everywhere" and
 * turning MFA off (Security page), `mfa reset` (support CLI) and a password change
 * (`user set-password`). A relying app's refresh token from before the event gets invalid_grant,
 * its access token 401 at userinfo, a code issued before it cannot be redeemed, and the store no
 * longer holds the grant or its tokens (which is all token introspection would read, were it
 * enabled). Another account's tokens keep working, and a sign-in right after the event is not
 * ended by it.
 */
import type { AdapterPayload } from 'oidc-provider';
import type * as oidc from 'openid-client';
import { parseArgs } from '../../src/hosted/cli/args.ts';
import { runCommand, type CliContext } from '../../src/hosted/cli/commands.ts';
import { silentLogger } from '../../src/log.ts';
import { composeMfa } from '../../src/plugin/create-mfa.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import {
  ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, plainAccount, signedInConsole, STEP_MS, THIRD_PARTY_SECRET, totpAccount, type AbuseWorld,
} from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitConsent, submitPassword, type Authorization } from '../helpers/oidc-flow.ts';
import { deleteRedisPrefix, randomRedisPrefix } from '../helpers/redis.ts';
import { RP_CALLBACK, startIdp } from '../helpers/start-idp.ts';
import { testKeys } from '../helpers/test-config.ts';
import { REDIS_URL, STORE_KINDS } from '../helpers/test-stores.ts';
import { nextWholeSecond } from '../helpers/whole-second.ts';

const NEW_PASSWORD = 'a new password, chosen after the change';
/** Refresh tokens come with offline_access, which OpenID Connect Core §11 ties to prompt=consent. */
const OFFLINE = { scope: 'openid email profile offline_access', prompt: 'consent' };

interface Person {
  email: string;
  id: string;
  key?: string;
  password?: string;
}

/** A relying app (the confidential third-party client) and what one sign-in gave it. */
interface AppTokens {
  client: oidc.Configuration;
  browser: HttpSession;
  accessToken: string;
  refreshToken: string;
  claims: oidc.IDToken;
}

/**
 * A whole sign-in to the third-party app asking for offline_access, up to the redirect back with
 * a code: the password (if the browser has no session), the code where the account has an app,
 * and consent.
 */
async function authorize(world: AbuseWorld, person: Person, browser = new HttpSession()): Promise<{ client: oidc.Configuration; browser: HttpSession; authorization: Authorization; callback: HttpResponse }> {
  const { issuer } = world.idp;
  const client = await discoverClient(issuer, 'third-party-app', THIRD_PARTY_SECRET);
  const authorization = await buildAuthorization(client, OFFLINE);
  let page = await openAuthorization(browser, issuer, authorization);
  if (page.text.includes('autocomplete="current-password"')) page = await submitPassword(browser, issuer, page, person.email, person.password ?? ABUSE_PASSWORD);
  if (page.text.includes('autocomplete="one-time-code"')) {
    if (!person.key) throw new Error(`asked for a code, but ${person.email} has no authenticator app here`);
    world.clock.advance(STEP_MS);
    page = await submitCode(browser, issuer, page, codeFor(person.key, world.clock));
  }
  if (!isCallback(page) && page.text.includes('/consent')) page = await submitConsent(browser, issuer, page);
  if (!isCallback(page)) throw new Error(`the sign-in did not reach the app: ${page.status} ${page.url}\n${page.text.slice(0, 400)}`);
  return { client, browser, authorization, callback: page };
}

async function signInToApp(world: AbuseWorld, person: Person, browser?: HttpSession): Promise<AppTokens> {
  const { client, browser: used, authorization, callback } = await authorize(world, person, browser);
  const tokens = await redeemCode(client, callback, authorization);
  if (!tokens.refresh_token) throw new Error('no refresh token');
  return { client, browser: used, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, claims: tokens.claims()! };
}

const basicAuth = `Basic ${Buffer.from(`third-party-app:${THIRD_PARTY_SECRET}`).toString('base64')}`;

async function tokenRequest(client: oidc.Configuration, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(client.serverMetadata().token_endpoint!, {
    method: 'POST',
    headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

const refresh = (app: AppTokens) => tokenRequest(app.client, { grant_type: 'refresh_token', refresh_token: app.refreshToken });

async function userinfoStatus(app: AppTokens): Promise<number> {
  const response = await fetch(app.client.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${app.accessToken}` } });
  await response.arrayBuffer();
  return response.status;
}

/** Redeems a code the way openid-client would, but returns the provider's answer instead of throwing. */
function redeemLate(pending: { client: oidc.Configuration; authorization: Authorization; callback: HttpResponse }) {
  return tokenRequest(pending.client, {
    grant_type: 'authorization_code',
    code: new URL(pending.callback.location!).searchParams.get('code')!,
    redirect_uri: RP_CALLBACK,
    code_verifier: pending.authorization.verifier,
  });
}

async function expectWorking(app: AppTokens): Promise<void> {
  const refreshed = await refresh(app);
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.id_token).toEqual(expect.any(String));
  // A confidential client's refresh token is not rotated; follow it if it ever is.
  if (typeof refreshed.body.refresh_token === 'string') app.refreshToken = refreshed.body.refresh_token;
  expect(await userinfoStatus(app)).toBe(200);
}

async function expectEnded(app: AppTokens): Promise<void> {
  expect(await refresh(app)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect(await userinfoStatus(app)).toBe(401);
}

const row = async (store: Store, model: string, id: string): Promise<AdapterPayload | undefined> => (await store.adapterFactory(model).find(id)) ?? undefined;

/** What the store holds of an app's sign-in: the grant, the refresh token and the access token (opaque: the value is the id). */
async function storedRows(store: Store, app: AppTokens) {
  const refreshToken = await row(store, 'RefreshToken', app.refreshToken);
  const grantId = typeof refreshToken?.grantId === 'string' ? refreshToken.grantId : undefined;
  return {
    grantId,
    grant: grantId ? await row(store, 'Grant', grantId) : undefined,
    refreshToken,
    accessToken: await row(store, 'AccessToken', app.accessToken),
  };
}

/** The support CLI over the provider's store, as `npm run cli` would run it. */
function cli(world: AbuseWorld, stdin = ''): CliContext {
  const keys = testKeys();
  return {
    io: { out: () => {}, err: (line) => { throw new Error(`cli: ${line}`); }, readStdin: async () => stdin },
    directory: async () => world.idp.directory,
    clients: () => [],
    mfa: async () => composeMfa({ issuer: world.idp.issuer, directory: world.idp.directory, store: world.store, sealingKeys: keys.sealingKeys, secrets: keys.secrets, log: silentLogger }),
  };
}

async function signOutEverywhere(world: AbuseWorld, console: HttpSession, issuer = world.idp.issuer): Promise<void> {
  const security = await console.get(`${issuer}/account/security`);
  const done = await console.submitForm(`${issuer}/account/security/sign-out-everywhere`, { csrf: hiddenField(security.text, 'csrf') });
  expect(done.status).toBe(200);
  expect(done.text).toContain('Signed out everywhere');
}

interface SessionEndingEvent {
  name: string;
  /** The account the scenario needs: with an authenticator app (so its tokens claim MFA), or password only. */
  person(world: AbuseWorld): Promise<Person>;
  /** Runs the event; returns how the person signs in after it. */
  run(world: AbuseWorld, person: Person): Promise<Person>;
}

const EVENTS: SessionEndingEvent[] = [
  {
    name: 'sign out everywhere (Security page)',
    person: (world) => plainAccount(world, 'everywhere'),
    async run(world, person) {
      await signOutEverywhere(world, await signedInConsole(world, person));
      return person;
    },
  },
  {
    name: 'MFA off (Security page)',
    person: (world) => totpAccount(world, 'off'),
    async run(world, person) {
      const console = await signedInConsole(world, person);
      const page = await console.get(`${world.idp.issuer}/account/security/turn-off`);
      expect(page.status).toBe(200);
      const done = await console.submitForm(`${world.idp.issuer}/account/security/turn-off`, { csrf: hiddenField(page.text, 'csrf') });
      expect(done.status).toBe(200);
      expect(done.text).toContain('2-step verification is off');
      return { ...person, key: undefined };
    },
  },
  {
    name: '`mfa reset` (support CLI)',
    person: (world) => totpAccount(world, 'reset'),
    async run(world, person) {
      expect(await runCommand(parseArgs(['mfa', 'reset', '--email', person.email, '--reason', 'ticket 9: phone lost'], new Set()), cli(world))).toBe(0);
      return { ...person, key: undefined };
    },
  },
  {
    name: 'a password change (`user set-password`)',
    person: (world) => totpAccount(world, 'password'),
    async run(world, person) {
      const args = parseArgs(['user', 'set-password', '--email', person.email, '--password-stdin'], new Set(['password-stdin']));
      expect(await runCommand(args, cli(world, `${NEW_PASSWORD}\n`))).toBe(0);
      return { ...person, password: NEW_PASSWORD };
    },
  },
];

describe.each(STORE_KINDS)('tokens after a session-ending event, on %s', (kind) => {
  let bystanderPerson: Person;
  let bystander: AppTokens;
  const world = useIdpWorld(kind, { clients: ABUSE_CLIENTS, config: () => abuseConfig() });

  beforeAll(async () => {
    // Another account, signed in to the same app before every event below: it never notices them.
    bystanderPerson = await plainAccount(world, 'bystander');
    bystander = await signInToApp(world, bystanderPerson);
  });

  test('token introspection is not enabled (were it, the deleted grants below would make it answer active: false)', async () => {
    const client = await discoverClient(world.idp.issuer, 'third-party-app', THIRD_PARTY_SECRET);
    expect(client.serverMetadata().introspection_endpoint).toBeUndefined();
  });

  test.each(EVENTS.map((event) => [event.name, event] as const))('%s: refresh → invalid_grant, userinfo → 401, a pending code is refused, the grant is gone; others unaffected; a sign-in right after works', async (_name, event) => {
    const person = await event.person(world);
    const app = await signInToApp(world, person);
    if (person.key) expect(app.claims.amr).toContain('mfa');
    await expectWorking(app);
    const before = await storedRows(world.store, app);
    expect(before.grant).toBeDefined();
    // A sign-in that has reached the app's callback, whose code the app has not redeemed yet; and
    // one of the other account, issued after it, to show that the first is refused for the event
    // (not because the store's fake clock let it expire).
    const pending = await authorize(world, person);
    const bystanderPending = await authorize(world, bystanderPerson, bystander.browser);

    const after = await event.run(world, person);

    await expectEnded(app);
    expect(await redeemLate(pending)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await redeemLate(bystanderPending)).status).toBe(200);
    expect(await storedRows(world.store, app)).toEqual({ grantId: undefined, grant: undefined, refreshToken: undefined, accessToken: undefined });
    expect(await world.store.adapterFactory('Grant').find(before.grantId!)).toBeUndefined();
    await expectWorking(bystander);

    // The browser that signed in before is asked for the password again.
    const again = await openAuthorization(app.browser, world.idp.issuer, await buildAuthorization(app.client, OFFLINE));
    expect(again.text).toContain('autocomplete="current-password"');

    // Right after the event (no wait for the next second; the fake clock moves only for a code), a
    // whole new sign-in reaches the app, and its tokens work.
    const fresh = await signInToApp(world, after);
    await expectWorking(fresh);
  });

  test('a password change ends a session and its tokens from earlier in the same second, and a sign-in right after it is not ended', async () => {
    // Real seconds, as oidc-provider stamps them: sign in at the start of one, change the password
    // within it (argon2 and a sign-in take well under a second; a slow machine tries again).
    for (let attempt = 1; ; attempt += 1) {
      const person = await plainAccount(world, 'same-second');
      await nextWholeSecond();
      const app = await signInToApp(world, person);
      expect(await world.idp.directory.setPassword(person.email, NEW_PASSWORD)).toBe(true);
      const changedAt = (await world.idp.directory.findByEmail(person.email))!.credentialsChangedAt;
      const signedInAt = app.claims.auth_time!;
      // The change is stamped at the end of the second it was made in.
      expect(changedAt % 1000).toBe(0);
      if (changedAt !== (signedInAt + 1) * 1000) {
        if (attempt < 5) continue;
        throw new Error('five times, the sign-in and the password change fell in different seconds');
      }

      await expectEnded(app);
      const again = await openAuthorization(app.browser, world.idp.issuer, await buildAuthorization(app.client, OFFLINE));
      expect(again.text).toContain('autocomplete="current-password"');

      // setPassword returned once its second was over: a sign-in now is after the change, and stays.
      const fresh = await signInToApp(world, { ...person, password: NEW_PASSWORD });
      expect(fresh.claims.auth_time! * 1000).toBeGreaterThanOrEqual(changedAt);
      await expectWorking(fresh);
      const client = await discoverClient(world.idp.issuer, 'first-party-app');
      expect(isCallback(await openAuthorization(fresh.browser, world.idp.issuer, await buildAuthorization(client)))).toBe(true);
      return;
    }
  });

  test('the check holds on its own: a grant and tokens written back after the event (a racing write) are still refused', async () => {
    const person = await plainAccount(world, 'racing');
    const app = await signInToApp(world, person);
    const rows = await storedRows(world.store, app);
    await signOutEverywhere(world, await signedInConsole(world, person));
    expect((await storedRows(world.store, app)).grant).toBeUndefined();

    // As if the deletion had lost a race with a refresh or an authorization in flight.
    const restore = async (model: string, id: string, payload: AdapterPayload | undefined) => {
      await world.store.adapterFactory(model).upsert(id, payload!, 3600);
    };
    await restore('Grant', rows.grantId!, rows.grant);
    await restore('RefreshToken', app.refreshToken, rows.refreshToken);
    await restore('AccessToken', app.accessToken, rows.accessToken);
    expect((await storedRows(world.store, app)).grant).toBeDefined();

    await expectEnded(app);
  });
});

test('two provider instances on one Redis prefix: sign out everywhere on B ends the tokens A issued, and A signs the person in again right after', async () => {
  const clock = createFakeClock(Date.now());
  const prefix = randomRedisPrefix();
  const storeA = await openRedisStore({ url: REDIS_URL, prefix, clock, logger: silentLogger });
  const storeB = await openRedisStore({ url: REDIS_URL, prefix, clock, logger: silentLogger });
  const a = await startIdp({ store: storeA, clock, clients: ABUSE_CLIENTS, config: abuseConfig() });
  const b = await startIdp({ store: storeB, clock, clients: ABUSE_CLIENTS, config: abuseConfig() });
  const onA: AbuseWorld = { idp: a, store: storeA, clock };
  const onB: AbuseWorld = { idp: b, store: storeB, clock };
  try {
    const person = await totpAccount(onB, 'instances');
    const app = await signInToApp(onA, person);
    expect(app.claims.amr).toContain('mfa');
    const bystander = await signInToApp(onA, await plainAccount(onA, 'instances-bystander'));
    await expectWorking(app);

    await signOutEverywhere(onB, await signedInConsole(onB, person));

    await expectEnded(app);
    expect((await storedRows(storeA, app)).grant).toBeUndefined();
    await expectWorking(bystander);
    const fresh = await signInToApp(onA, person);
    expect(fresh.claims.amr).toContain('mfa');
    await expectWorking(fresh);
  } finally {
    await a.close();
    await b.close();
    await storeA.close();
    await storeB.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
  }
});
