import { MINUTE_MS, useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

/** Store.passwordResets (src/accounts/password-reset-store.ts), as every Store must provide it. */
export function describePasswordResetsContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const resets = () => ctx.store.passwordResets;
    const link = (accountId: string, minutes = 30) => ({ accountId, passwordFingerprint: `fp-${accountId}`, expiresAt: ctx.clock() + minutes * MINUTE_MS });

    describe('password reset links', () => {
      it('find answers a saved link, and nothing for an unknown hash', async () => {
        const saved = link('sub-alice');
        await resets().save('hash-1', saved);
        expect(await resets().find('hash-1')).toEqual(saved);
        expect(await resets().find('hash-2')).toBeUndefined();
      });

      it('take answers the link once: single use', async () => {
        await resets().save('hash-1', link('sub-alice'));
        expect(await resets().take('hash-1')).toMatchObject({ accountId: 'sub-alice' });
        expect(await resets().take('hash-1')).toBeUndefined();
        expect(await resets().find('hash-1')).toBeUndefined();
      });

      it('of twenty takes at once, exactly one gets the link', async () => {
        await resets().save('hash-1', link('sub-alice'));
        const taken = await Promise.all(Array.from({ length: 20 }, () => resets().take('hash-1')));
        expect(taken.filter(Boolean)).toHaveLength(1);
      });

      it('a link expires at expiresAt, by the injected clock, for find and take', async () => {
        await resets().save('hash-1', link('sub-alice'));
        await resets().save('hash-2', link('sub-alice'));
        ctx.clock.advance(30 * MINUTE_MS - 1);
        expect(await resets().find('hash-1')).toBeDefined();
        ctx.clock.advance(1);
        expect(await resets().find('hash-1')).toBeUndefined();
        expect(await resets().take('hash-2')).toBeUndefined();
      });

      it("revokeAllOf deletes every link of the account and none of another's", async () => {
        await resets().save('alice-1', link('sub-alice'));
        await resets().save('alice-2', link('sub-alice', 10));
        await resets().save('bob-1', link('sub-bob'));
        expect(await resets().revokeAllOf('sub-alice')).toBe(2);
        expect(await resets().find('alice-1')).toBeUndefined();
        expect(await resets().take('alice-2')).toBeUndefined();
        expect(await resets().find('bob-1')).toMatchObject({ accountId: 'sub-bob' });
        expect(await resets().revokeAllOf('sub-alice')).toBe(0);
      });

      it('a taken link is no longer among the account’s links', async () => {
        await resets().save('alice-1', link('sub-alice'));
        await resets().save('alice-2', link('sub-alice'));
        await resets().take('alice-1');
        expect(await resets().revokeAllOf('sub-alice')).toBe(1);
      });
    });
  });
}
