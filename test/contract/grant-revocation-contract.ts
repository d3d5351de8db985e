/**
 * Grants by account (src/store/store.ts revokeGrantsOf), as every store must keep them: an
 * account's grants and their codes and tokens go on request and with every change that ends the
 * account's sessions, and nothing of anyone else. grant-revocation.test.ts runs it on SQLite and
 * Redis, redis-cluster-store.test.ts on a Redis Cluster.
 */
import type { AdapterPayload } from 'oidc-provider';
import { GRANTABLE_MODELS, type Store } from '../../src/store/store.ts';
import { addApp } from '../helpers/mfa-records.ts';
import { useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

export const ALICE = 'sub-alice';
export const BOB = 'sub-bob';

export const grant = (id: string, accountId: string): AdapterPayload => ({ jti: id, kind: 'Grant', accountId, clientId: 'app', openid: { scope: 'openid' } });
export const token = (model: string, id: string, grantId: string, accountId?: string): AdapterPayload =>
  ({ jti: id, kind: model, grantId, clientId: 'app', ...(accountId ? { accountId } : {}) });

/** Alice has two grants with a code and tokens each (one token without an accountId of its own); Bob has one; both have a session. */
export async function seed(store: Store): Promise<void> {
  const put = (model: string, id: string, payload: AdapterPayload, ttl?: number) => store.adapterFactory(model).upsert(id, payload, ttl);
  for (const [grantId, accountId] of [['g-alice-1', ALICE], ['g-alice-2', ALICE], ['g-bob', BOB]] as const) {
    await put('Grant', grantId, grant(grantId, accountId), 3600);
    for (const model of GRANTABLE_MODELS) await put(model, `${model}-${grantId}`, token(model, `${model}-${grantId}`, grantId, accountId), 600);
  }
  await put('AccessToken', 'no-account-g-alice-1', token('AccessToken', 'no-account-g-alice-1', 'g-alice-1'), 600);
  await put('AccessToken', 'never-expires-g-alice-2', token('AccessToken', 'never-expires-g-alice-2', 'g-alice-2', ALICE));
  await put('Session', 'session-alice', { jti: 'session-alice', uid: 'uid-alice', accountId: ALICE, loginTs: 1 }, 3600);
  await put('Session', 'session-bob', { jti: 'session-bob', uid: 'uid-bob', accountId: BOB, loginTs: 1 }, 3600);
}

export async function expectAliceRevoked(store: Store): Promise<void> {
  const find = (model: string, id: string) => store.adapterFactory(model).find(id);
  for (const grantId of ['g-alice-1', 'g-alice-2']) {
    expect(await find('Grant', grantId)).toBeUndefined();
    for (const model of GRANTABLE_MODELS) expect(await find(model, `${model}-${grantId}`)).toBeUndefined();
  }
  expect(await find('AccessToken', 'no-account-g-alice-1')).toBeUndefined();
  expect(await find('AccessToken', 'never-expires-g-alice-2')).toBeUndefined();
  await expectBobUntouched(store);
  // Sessions end by time, not by deletion (see mfa/account-security.ts).
  expect(await store.adapterFactory('Session').findByUid('uid-alice')).toBeDefined();
}

export async function expectBobUntouched(store: Store): Promise<void> {
  const find = (model: string, id: string) => store.adapterFactory(model).find(id);
  expect(await find('Grant', 'g-bob')).toEqual(grant('g-bob', BOB));
  for (const model of GRANTABLE_MODELS) expect(await find(model, `${model}-g-bob`)).toEqual(token(model, `${model}-g-bob`, 'g-bob', BOB));
  expect(await store.adapterFactory('Session').findByUid('uid-bob')).toBeDefined();
}

export async function expectAliceIntact(store: Store): Promise<void> {
  expect(await store.adapterFactory('Grant').find('g-alice-1')).toBeDefined();
  expect(await store.adapterFactory('RefreshToken').find('RefreshToken-g-alice-2')).toBeDefined();
  expect(await store.adapterFactory('AccessToken').find('no-account-g-alice-1')).toBeDefined();
}

export const newAccount = (id: string, email: string, now: number) => ({
  id, email, emailVerified: true, name: id, passwordHash: '$argon2id$old', createdAt: now, credentialsChangedAt: now,
});

export function describeGrantRevocationContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store: grants by account`, () => {
    const ctx = useFreshStore(open, cleanup);

    it('revokeGrantsOf deletes the account\'s grants and their codes and tokens, and nothing else', async () => {
      await seed(ctx.store);
      await ctx.store.revokeGrantsOf(ALICE);
      await expectAliceRevoked(ctx.store);
      await expect(ctx.store.revokeGrantsOf('sub-nobody')).resolves.toBeUndefined();
      await expect(ctx.store.revokeGrantsOf(ALICE)).resolves.toBeUndefined();
    });

    it('a grant saved again after the revocation is found by the next one', async () => {
      await seed(ctx.store);
      await ctx.store.revokeGrantsOf(ALICE);
      await ctx.store.adapterFactory('Grant').upsert('g-alice-1', grant('g-alice-1', ALICE), 3600);
      await ctx.store.adapterFactory('RefreshToken').upsert('late', token('RefreshToken', 'late', 'g-alice-1', ALICE), 600);
      await ctx.store.revokeGrantsOf(ALICE);
      expect(await ctx.store.adapterFactory('Grant').find('g-alice-1')).toBeUndefined();
      expect(await ctx.store.adapterFactory('RefreshToken').find('late')).toBeUndefined();
    });

    it('a grant destroyed by oidc-provider (revocation endpoint, refresh token reuse) leaves nothing behind to revoke', async () => {
      await seed(ctx.store);
      await ctx.store.adapterFactory('Grant').destroy('g-alice-1');
      await ctx.store.adapterFactory('RefreshToken').revokeByGrantId('g-alice-1');
      await ctx.store.revokeGrantsOf(ALICE);
      await expectAliceRevoked(ctx.store);
    });

    describe('every change that ends the account\'s sessions deletes its grants before it answers', () => {
      it('mfa.raiseEpoch with endSessions ("sign out everywhere"); not without', async () => {
        await seed(ctx.store);
        await ctx.store.mfa.raiseEpoch(ALICE, ctx.clock(), false);
        await expectAliceIntact(ctx.store);
        await ctx.store.mfa.raiseEpoch(ALICE, ctx.clock(), true);
        await expectAliceRevoked(ctx.store);
        expect((await ctx.store.mfa.get(ALICE))?.sessionsValidAfter).toBe(ctx.clock());
      });

      it('mfa.disable (MFA off, `mfa reset`)', async () => {
        await seed(ctx.store);
        await addApp(ctx.store.mfa, ALICE, 'k1.sealed', 7, '$argon2id$backup', ctx.clock());
        await expectAliceIntact(ctx.store);
        await ctx.store.mfa.disable(ALICE, ctx.clock());
        await expectAliceRevoked(ctx.store);
      });

      it('accounts.updatePassword; not for an unknown account', async () => {
        await seed(ctx.store);
        await ctx.store.accounts.create(newAccount(ALICE, 'alice@example.com', ctx.clock()));
        expect(await ctx.store.accounts.updatePassword('sub-nobody', '$argon2id$new', ctx.clock())).toBe(false);
        await expectAliceIntact(ctx.store);
        expect(await ctx.store.accounts.updatePassword(ALICE, '$argon2id$new', ctx.clock() + 1000)).toBe(true);
        await expectAliceRevoked(ctx.store);
        expect((await ctx.store.accounts.findById(ALICE))?.credentialsChangedAt).toBe(ctx.clock() + 1000);
      });

      it('accounts.remove', async () => {
        await seed(ctx.store);
        await ctx.store.accounts.create(newAccount(ALICE, 'alice@example.com', ctx.clock()));
        await ctx.store.accounts.create(newAccount(BOB, 'bob@example.com', ctx.clock()));
        expect(await ctx.store.accounts.remove(ALICE)).toBe(true);
        await expectAliceRevoked(ctx.store);
        expect(await ctx.store.accounts.findById(BOB)).toBeDefined();
      });
    });
  });
}
