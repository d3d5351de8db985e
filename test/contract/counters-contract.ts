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

      it('a batch tells when a window closes alongside a count, in one call', async () => {
        const opened = ctx.clock();
        await ctx.store.counters.increment('lock', 60);
        await ctx.store.counters.increment('fails', 60);
        await ctx.store.counters.increment('fails', 60);
        expect(await ctx.store.counters.batch([{ get: 'fails' }, { endsAt: 'lock' }, { endsAt: 'never-opened' }])).toEqual([2, opened + MINUTE_MS, 0]);
        ctx.clock.advance(MINUTE_MS);
        expect(await ctx.store.counters.batch([{ endsAt: 'lock' }, { get: 'fails' }])).toEqual([0, 0]);
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

      it('batch runs its steps in order and answers each one: get and increment as alone, 0 for a reset', async () => {
        const { counters } = ctx.store;
        await counters.increment('b', 60);
        expect(await counters.batch([
          { get: 'a' },
          { increment: 'a', windowSeconds: 60 },
          { increment: 'a', windowSeconds: 60 },
          { get: 'a' },
          { get: 'b' },
          { reset: 'b' },
          { get: 'b' },
          { reset: 'never-used' },
        ])).toEqual([0, 1, 2, 2, 1, 0, 0, 0]);
        expect(await counters.get('a')).toBe(2);
        expect(await counters.get('b')).toBe(0);
        expect(await counters.batch([])).toEqual([]);
      });

      it("batch keeps each step's window, judged by the same clock as the single calls", async () => {
        const { counters } = ctx.store;
        await counters.batch([{ increment: 'short', windowSeconds: 60 }, { increment: 'long', windowSeconds: 600 }]);
        ctx.clock.advance(MINUTE_MS);
        expect(await counters.batch([{ get: 'short' }, { get: 'long' }])).toEqual([0, 1]);
        expect(await counters.batch([{ increment: 'short', windowSeconds: 60 }, { increment: 'long', windowSeconds: 600 }])).toEqual([1, 2]);
        ctx.clock.advance(MINUTE_MS - 1);
        expect(await counters.get('short')).toBe(1);
        ctx.clock.advance(1);
        expect(await counters.get('short')).toBe(0);
      });

      it('an increment past its stopAbove ends the batch: later steps do not run and have no answer', async () => {
        const { counters } = ctx.store;
        const reserve = () => counters.batch([
          { increment: 'cooldown', windowSeconds: 60, stopAbove: 1 },
          { increment: 'cap', windowSeconds: 3600, stopAbove: 5 },
          { increment: 'global', windowSeconds: 3600 },
        ]);
        expect(await reserve()).toEqual([1, 1, 1]);
        expect(await reserve()).toEqual([2]);
        expect(await counters.batch([{ get: 'cap' }, { get: 'global' }])).toEqual([1, 1]);
        ctx.clock.advance(MINUTE_MS);
        expect(await reserve()).toEqual([1, 2, 2]);
        // A read stops it too: past its number, nothing after it runs.
        expect(await counters.batch([{ get: 'cap', stopAbove: 1 }, { increment: 'after-read', windowSeconds: 60 }])).toEqual([2]);
        expect(await counters.get('after-read')).toBe(0);
        // At its limit, not past it, a step lets the batch go on.
        expect(await counters.batch([{ increment: 'at', windowSeconds: 60, stopAbove: 1 }, { get: 'at' }])).toEqual([1, 1]);
      });

      it("gives 20 parallel batches their steps as one: nobody's increment lands between another's increment and read", async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () =>
          ctx.store.counters.batch([{ increment: 'slot', windowSeconds: 60 }, { get: 'slot' }, { increment: 'other', windowSeconds: 60 }])));
        for (const [taken, read, other] of results) {
          expect(read).toBe(taken);
          expect(other).toBe(taken);
        }
        expect(results.map(([taken]) => taken).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      });
    });
  });
}
