import type * as oidc from 'openid-client';
import { parseArgs } from '../../../src/hosted/cli/args.ts';
import { runCommand, type CliContext } from '../../../src/hosted/cli/commands.ts';
import { silentLogger } from '../../../src/log.ts';
import { composeMfa } from '../../../src/plugin/create-mfa.ts';
import { plainAccount, signedInConsole, THIRD_PARTY_SECRET, totpAccount, type AbuseWorld } from '../../helpers/abuse-accounts.ts';
import { hiddenField, type HttpResponse } from '../../helpers/http-session.ts';
import { buildAuthorization, discoverClient, openAuthorization, type Authorization } from '../../helpers/oidc-flow.ts';
import { RP_CALLBACK } from '../../helpers/start-idp.ts';
import { testKeys } from '../../helpers/test-config.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import {
  authorize, expectEnded, expectWorking, NEW_PASSWORD, OFFLINE, signInToApp, signOutEverywhere, storedRows, tokenRequest, useTokensWorld, type AppTokens, type Person,
} from './session-end-kit.ts';

/**
 * Tokens do not outlive the events that end an account's sessions: "Sign out everywhere" and
 * turning MFA off (Security page), `mfa reset` (support CLI) and a password change
 * (`user set-password`). A relying app's refresh token from before the event gets invalid_grant,
 * its access token 401 at userinfo, a code issued before it cannot be redeemed, and the store no
 * longer holds the grant or its tokens (which is all token introspection would read, were it
 * enabled). Another account's tokens keep working, and a sign-in right after the event is not
 * ended by it. (The same second, a racing write and two instances: ./edge-cases.test.ts.)
 * The shared set-up and helpers are in ./session-end-kit.ts.
 */

/** Redeems a code the way openid-client would, but returns the provider's answer instead of throwing. */
function redeemLate(pending: { client: oidc.Configuration; authorization: Authorization; callback: HttpResponse }) {
  return tokenRequest(pending.client, {
    grant_type: 'authorization_code',
    code: new URL(pending.callback.location!).searchParams.get('code')!,
    redirect_uri: RP_CALLBACK,
    code_verifier: pending.authorization.verifier,
  });
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
  const world = useTokensWorld(kind);

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
});
