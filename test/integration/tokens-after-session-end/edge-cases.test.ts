import type { AdapterPayload } from 'oidc-provider';
import { ABUSE_CLIENTS, abuseConfig, plainAccount, signedInConsole, totpAccount, type AbuseWorld } from '../../helpers/abuse-accounts.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization } from '../../helpers/oidc-flow.ts';
import { withTwoIdpsOnOneRedis } from '../../helpers/two-idps-on-one-redis.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import { nextWholeSecond } from '../../helpers/whole-second.ts';
import {
  expectEnded, expectWorking, NEW_PASSWORD, OFFLINE, signInToApp, signOutEverywhere, storedRows, useTokensWorld,
} from './session-end-kit.ts';

/**
 * Where ending tokens could slip: a session begun earlier in the same second as a password change
 * ends too (and a sign-in right after it does not), a grant and tokens written back after the
 * event (a lost race) are still refused, and "Sign out everywhere" on one instance ends the tokens
 * another instance on the same Redis prefix issued.
 * The shared set-up and helpers are in ./session-end-kit.ts.
 */
describe.each(STORE_KINDS)('tokens after a session-ending event, on %s: the same second and a racing write', (kind) => {
  const world = useTokensWorld(kind);

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
  const abuse = { clients: ABUSE_CLIENTS, config: abuseConfig() };
  await withTwoIdpsOnOneRedis({ a: abuse, b: abuse }, async ({ a, b, storeA, storeB, clock }) => {
    const onA: AbuseWorld = { idp: a, store: storeA, clock };
    const onB: AbuseWorld = { idp: b, store: storeB, clock };
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
  });
});
