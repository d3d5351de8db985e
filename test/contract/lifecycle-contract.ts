import { useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

/** Store.ping and Store.close, as every Store must provide them. */
export function describeLifecycleContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);

    describe('lifecycle', () => {
      it('ping resolves while the store is open', async () => {
        await expect(ctx.store.ping()).resolves.toBeUndefined();
      });

      it('after close, ping rejects and close again is a no-op', async () => {
        await ctx.store.close();
        await expect(ctx.store.ping()).rejects.toThrow();
        await expect(ctx.store.close()).resolves.toBeUndefined();
      });
    });
  });
}
