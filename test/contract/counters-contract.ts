import { MINUTE_MS, useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

/** Store.counters (fixed windows judged by the injected clock), as every Store must provide them. */
export function describeCountersContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);

    describe('counters', () => {
      it('counts up from 1 and reads 0 for an unknown key', async () => {
        expect(await ctx.store.counters.get('ip:1')).toBe(0);
        expect(await ctx.store.counters.increment('ip:1', 60)).toBe(1);
        expect(await ctx.store.counters.increment('ip:1', 60)).toBe(2);
        expect(await ctx.store.counters.increment('ip:1', 60)).toBe(3);
        expect(await ctx.store.counters.get('ip:1')).toBe(3);
      });

      it('opens a fixed window at the first hit and starts over once it closed', async () => {
        await ctx.store.counters.increment('k', 60);
        ctx.clock.advance(MINUTE_MS - 1);
        expect(await ctx.store.counters.increment('k', 60)).toBe(2);
        ctx.clock.advance(1);
        expect(await ctx.store.counters.get('k')).toBe(0);
        expect(await ctx.store.counters.increment('k', 60)).toBe(1);
        ctx.clock.advance(MINUTE_MS - 1);
        expect(await ctx.store.counters.get('k')).toBe(1);
        ctx.clock.advance(1);
        expect(await ctx.store.counters.get('k')).toBe(0);
      });

      it('tells when the open window closes, and nothing once it closed or was reset', async () => {
        expect(await ctx.store.counters.windowEndsAt('w')).toBeUndefined();
        const opened = ctx.clock();
        await ctx.store.counters.increment('w', 60);
        ctx.clock.advance(10_000);
        // Later hits do not move the end: the window is fixed at the first.
        await ctx.store.counters.increment('w', 60);
        expect(await ctx.store.counters.windowEndsAt('w')).toBe(opened + MINUTE_MS);
        ctx.clock.advance(MINUTE_MS - 10_000);
        expect(await ctx.store.counters.windowEndsAt('w')).toBeUndefined();
        await ctx.store.counters.increment('w', 60);
        await ctx.store.counters.reset('w');
        expect(await ctx.store.counters.windowEndsAt('w')).toBeUndefined();
      });

      it('reset clears a key', async () => {
        await ctx.store.counters.increment('k', 60);
        await ctx.store.counters.increment('k', 60);
        await ctx.store.counters.reset('k');
        await ctx.store.counters.reset('never-used');
        expect(await ctx.store.counters.get('k')).toBe(0);
        expect(await ctx.store.counters.increment('k', 60)).toBe(1);
      });

      it('keeps keys independent', async () => {
        await ctx.store.counters.increment('a', 60);
        await ctx.store.counters.increment('a', 60);
        await ctx.store.counters.increment('b', 600);
        await ctx.store.counters.reset('a');
        expect(await ctx.store.counters.get('a')).toBe(0);
        expect(await ctx.store.counters.get('b')).toBe(1);
      });

      it('gives 20 parallel increments the counts 1..20, each once', async () => {
        const counts = await Promise.all(Array.from({ length: 20 }, () => ctx.store.counters.increment('busy', 60)));
        expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
        expect(await ctx.store.counters.get('busy')).toBe(20);
      });
    });
  });
}
