import type { AdapterPayload } from 'oidc-provider';
import { GRANTABLE_MODELS } from '../../src/store/store.ts';
import { MINUTE_MS, useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

const ALICE = 'sub-alice';
const BOB = 'sub-bob';
const HOUR_S = 3600;

const grant = (id: string, accountId: string, clientId = 'app-x', scope = 'openid email'): AdapterPayload =>
  ({ jti: id, kind: 'Grant', iat: 1_900_000_000, accountId, clientId, openid: { scope } });
const token = (model: string, id: string, grantId: string, accountId?: string): AdapterPayload =>
  ({ jti: id, kind: model, grantId, clientId: 'app-x', ...(accountId ? { accountId } : {}) });

/** Store.grants (src/consent/account-grant-store.ts), as every Store must provide it. */
export function describeAccountGrantsContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const grants = () => ctx.store.grants;
    const put = (model: string, id: string, payload: AdapterPayload, ttl?: number) => ctx.store.adapterFactory(model).upsert(id, payload, ttl);
    const find = (model: string, id: string) => ctx.store.adapterFactory(model).find(id);

    /** A grant with a code and every kind of token (one token without an accountId of its own, as oidc-provider may store it). */
    const grantWithTokens = async (grantId: string, accountId: string, clientId = 'app-x') => {
      await put('Grant', grantId, grant(grantId, accountId, clientId), HOUR_S);
      for (const model of GRANTABLE_MODELS) await put(model, `${model}-${grantId}`, token(model, `${model}-${grantId}`, grantId, accountId), 600);
      await put('AccessToken', `bare-${grantId}`, token('AccessToken', `bare-${grantId}`, grantId), 600);
    };
    const tokensOf = async (grantId: string) => {
      const found = await Promise.all([...GRANTABLE_MODELS].map((model) => find(model, `${model}-${grantId}`)));
      return [...found, await find('AccessToken', `bare-${grantId}`)].filter(Boolean).length;
    };
    const ids = async (accountId: string) => (await grants().listGrants(accountId)).map((stored) => stored.id).sort();

    describe('grants (an account\'s grants one by one)', () => {
      it('listGrants gives each live grant of the account with its id and payload, and only that account\'s', async () => {
        await grantWithTokens('g-alice-x', ALICE, 'app-x');
        await grantWithTokens('g-alice-y', ALICE, 'app-y');
        await grantWithTokens('g-bob-x', BOB, 'app-x');
        const listed = await grants().listGrants(ALICE);
        expect(listed.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
          { ...grant('g-alice-x', ALICE, 'app-x'), id: 'g-alice-x' },
          { ...grant('g-alice-y', ALICE, 'app-y'), id: 'g-alice-y' },
        ].map((expected) => expect.objectContaining(expected)));
        expect(await ids(BOB)).toEqual(['g-bob-x']);
        expect(await grants().listGrants('sub-nobody')).toEqual([]);
      });

      it('a grant lapses at its expiry by the injected clock, and a grant saved again is listed once', async () => {
        await put('Grant', 'g-short', grant('g-short', ALICE), 60);
        await put('Grant', 'g-long', grant('g-long', ALICE), HOUR_S);
        await put('Grant', 'g-long', grant('g-long', ALICE, 'app-x', 'openid email profile'), HOUR_S);
        expect(await ids(ALICE)).toEqual(['g-long', 'g-short']);
        expect((await grants().listGrants(ALICE)).find((stored) => stored.id === 'g-long')?.openid).toEqual({ scope: 'openid email profile' });
        ctx.clock.advance(MINUTE_MS);
        expect(await ids(ALICE)).toEqual(['g-long']);
      });

      it('a grant saved again for another account belongs to that account only', async () => {
        await put('Grant', 'g-moved', grant('g-moved', ALICE), HOUR_S);
        await put('Grant', 'g-moved', grant('g-moved', BOB), HOUR_S);
        expect(await ids(ALICE)).toEqual([]);
        expect(await ids(BOB)).toEqual(['g-moved']);
        expect(await grants().revokeGrant(ALICE, 'g-moved')).toBe(false);
        expect(await find('Grant', 'g-moved')).toBeDefined();
      });

      it('a grant destroyed by oidc-provider is no longer listed', async () => {
        await grantWithTokens('g-alice', ALICE);
        await ctx.store.adapterFactory('Grant').destroy('g-alice');
        expect(await ids(ALICE)).toEqual([]);
      });

      it('revokeGrant deletes that grant with every code and token of it, and nothing else', async () => {
        await grantWithTokens('g-alice-x', ALICE, 'app-x');
        await grantWithTokens('g-alice-y', ALICE, 'app-y');
        await grantWithTokens('g-bob-x', BOB, 'app-x');
        expect(await grants().revokeGrant(ALICE, 'g-alice-x')).toBe(true);
        expect(await find('Grant', 'g-alice-x')).toBeUndefined();
        expect(await tokensOf('g-alice-x')).toBe(0);
        expect(await ids(ALICE)).toEqual(['g-alice-y']);
        expect(await tokensOf('g-alice-y')).toBe(GRANTABLE_MODELS.size + 1);
        expect(await find('Grant', 'g-bob-x')).toBeDefined();
        expect(await tokensOf('g-bob-x')).toBe(GRANTABLE_MODELS.size + 1);
        // Done once: asked again, there is nothing left to revoke.
        expect(await grants().revokeGrant(ALICE, 'g-alice-x')).toBe(false);
      });

      it('revokeGrant refuses a grant of another account, an unknown id and a lapsed grant, and changes nothing', async () => {
        await grantWithTokens('g-alice', ALICE);
        await grantWithTokens('g-bob', BOB);
        for (const forged of ['g-bob', 'g-unknown', '', '*', 'g-bob\u0000', `${'x'.repeat(500)}`]) {
          expect(await grants().revokeGrant(ALICE, forged)).toBe(false);
        }
        expect(await find('Grant', 'g-bob')).toBeDefined();
        expect(await tokensOf('g-bob')).toBe(GRANTABLE_MODELS.size + 1);
        expect(await ids(ALICE)).toEqual(['g-alice']);
        await put('Grant', 'g-lapsing', grant('g-lapsing', ALICE), 60);
        ctx.clock.advance(MINUTE_MS);
        expect(await grants().revokeGrant(ALICE, 'g-lapsing')).toBe(false);
      });

      it('a grant revoked by several requests at once is revoked once', async () => {
        await grantWithTokens('g-alice', ALICE);
        const results = await Promise.all(Array.from({ length: 10 }, () => grants().revokeGrant(ALICE, 'g-alice')));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await tokensOf('g-alice')).toBe(0);
      });

      it('revokeGrantsOf (a security event) empties the list', async () => {
        await grantWithTokens('g-alice-x', ALICE, 'app-x');
        await grantWithTokens('g-alice-y', ALICE, 'app-y');
        await ctx.store.revokeGrantsOf(ALICE);
        expect(await ids(ALICE)).toEqual([]);
      });
    });
  });
}
